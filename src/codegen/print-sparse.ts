import { NumberExpr, type SparseRef } from '../dsl/expr.ts';
import { sparseLoopNames } from '../dsl/names.ts';
import type { SparsePoints, WaveOrder } from '../ir/tree.ts';
import { printExpr } from './c-expr.ts';
import { printIndex } from './print-index.ts';
import { emit, type Printer } from './print-context.ts';

/** The one non-zero status a kernel returns: a time-tiled loop could not allocate its receiver order. */
export const OUT_OF_MEMORY_STATUS = 1;
export const OUT_OF_MEMORY_MESSAGE = 'out of memory ordering the receivers of a time-tiled loop (a few bytes per receiver and grid plane)';

/** The arrays a wave order allocates (and a Free releases). */
export function sparseArrays(sparse: SparseRef): string[] {
  const { first, order } = sparseLoopNames(sparse.name);
  return [first, order];
}

/** `pos_x` and `idx_x` of the point `p_<sparse>` along one axis: its grid coordinate and lower corner. */
function locate(printer: Printer, sparse: string, d: string, axis: number, depth: number): void {
  emit(printer, depth, `const double pos_${d} = (${sparse}_xyz[${sparseLoopNames(sparse).point}][${axis}] - o_${d})/h_${d};`);
  // A point on the last grid line uses the last cell, so its corners stay inside the domain.
  emit(printer, depth, `const int idx_${d} = pos_${d} >= ${d}_M ? ${d}_M - 1 : (int) floor(pos_${d});`);
}

/**
 * A loop over a sparse set's points. Each of the 2^d corners around a point is a block that
 * re-declares the loop indices, so field accesses print exactly as in stencil nests.
 */
export function printSparse(printer: Printer, loop: SparsePoints, depth: number): void {
  const { sparse } = loop;
  const names = sparseLoopNames(sparse.name);
  const point = names.point;
  const dims = printer.kernel.grid.dimensions;
  const real = printer.real;
  const one = printExpr(new NumberExpr(1), printer.expr);
  const index = (e: Parameters<typeof printIndex>[0]): string => printIndex(e, printer.uses);
  if (loop.parallel) emit(printer, depth, printer.inRegion ? '#pragma omp for schedule(static)' : '#pragma omp parallel for schedule(static) num_threads(nthreads)');
  else if (printer.inRegion) emit(printer, depth, '#pragma omp single');
  const inner = depth + 1;
  if (loop.wave) {
    const d = loop.wave.dim.name;
    const { index: k, first, order } = names;
    emit(printer, depth, `for (int ${k} = ${first}[${index(loop.wave.lower)} - ${d}_m]; ${k} < ${first}[${index(loop.wave.upper)} - ${d}_m + 1]; ${k} += 1)`);
    emit(printer, depth, '{');
    emit(printer, inner, `const int ${point} = ${order}[${k}];`);
  } else {
    emit(printer, depth, `for (int ${point} = 0; ${point} < ${sparse.name}_npoint; ${point} += 1)`);
    emit(printer, depth, '{');
  }
  const planes = loop.planes && { dim: loop.planes.dim.name, lower: index(loop.planes.lower), upper: index(loop.planes.upper) };
  for (const dim of dims) {
    locate(printer, sparse.name, dim.name, dim.axis, inner);
    if (planes && dim.name === planes.dim) {
      emit(printer, inner, `if (idx_${dim.name} + 1 < ${planes.lower} || idx_${dim.name} > ${planes.upper}) continue;`);
    }
    emit(printer, inner, `const ${real} frac_${dim.name} = (${real}) (pos_${dim.name} - idx_${dim.name});`);
  }
  const value = printExpr(loop.expr, printer.expr);
  const target = loop.mode === 'inject' ? printExpr(loop.field!, printer.expr) : undefined;
  if (loop.mode === 'interpolate') emit(printer, inner, `${real} sum = 0;`);
  for (let corner = 0; corner < 1 << dims.length; corner++) {
    const bits = dims.map((_, axis) => (corner >> (dims.length - 1 - axis)) & 1);
    const weight = dims.map((dim, axis) => (bits[axis] ? `frac_${dim.name}` : `(${one} - frac_${dim.name})`)).join('*');
    emit(printer, inner, '{');
    dims.forEach((dim, axis) => emit(printer, inner + 1, `const int ${dim.name} = idx_${dim.name}${bits[axis] ? ' + 1' : ''};`));
    emit(printer, inner + 1, `const ${real} weight = ${weight};`);
    if (target !== undefined && planes) emit(printer, inner + 1, `if (${planes.dim} >= ${planes.lower} && ${planes.dim} <= ${planes.upper}) ${target} += weight*(${value});`);
    else if (target !== undefined) emit(printer, inner + 1, `${target} += weight*(${value});`);
    else emit(printer, inner + 1, `sum += weight*(${value});`);
    emit(printer, inner, '}');
  }
  if (loop.mode === 'interpolate') emit(printer, inner, `${sparse.name}[time][${point}] = sum;`);
  emit(printer, depth, '}');
}

/**
 * The points of a sparse set ordered by the plane that places them in a wave (idx + shift; a
 * counting sort, so each plane keeps the points' order). `<sparse>_wave_first[i − x_m]` is
 * where plane i starts.
 */
export function printWaveOrder(printer: Printer, node: WaveOrder, depth: number): void {
  const d = node.dim.name;
  const s = node.sparse.name;
  const { first, order, point } = sparseLoopNames(s);
  printer.uses.allocation = true;
  printer.uses.max = true;
  emit(printer, depth, `/* The points of ${s} by the plane along ${d} that places them in a wave: plane i holds ${order}[${first}[i - ${d}_m] … ${first}[i - ${d}_m + 1] - 1]. */`);
  emit(printer, depth, `int *${first} = (int *) calloc(${d}_M - ${d}_m + 3, sizeof(int));`);
  emit(printer, depth, `int *${order} = (int *) malloc(sizeof(int)*(${s}_npoint > 0 ? ${s}_npoint : 1));`);
  emit(printer, depth, `if (${first} == NULL || ${order} == NULL)`);
  emit(printer, depth, '{');
  emit(printer, depth + 1, `free(${first});`);
  emit(printer, depth + 1, `free(${order});`);
  emit(printer, depth + 1, `return ${OUT_OF_MEMORY_STATUS};`);
  emit(printer, depth, '}');
  for (const pass of ['count', 'place'] as const) {
    emit(printer, depth, `for (int ${point} = 0; ${point} < ${s}_npoint; ${point} += 1)`);
    emit(printer, depth, '{');
    locate(printer, s, d, node.dim.axis, depth + 1);
    emit(printer, depth + 1, `const int plane = MIN(MAX(idx_${d}${node.shift ? ` + ${node.shift}` : ''}, ${d}_m), ${d}_M) - ${d}_m;`);
    emit(printer, depth + 1, pass === 'count' ? `${first}[plane + 2] += 1;` : `${order}[${first}[plane + 1]++] = ${point};`);
    emit(printer, depth, '}');
    if (pass === 'count') emit(printer, depth, `for (int plane = 0; plane <= ${d}_M - ${d}_m; plane += 1) ${first}[plane + 2] += ${first}[plane + 1];`);
  }
}
