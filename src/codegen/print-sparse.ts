import { SparseAccessExpr, type SparseRef } from '../dsl/expr.ts';
import { stencilSpan } from '../dsl/interpolation.ts';
import { sparseLoopNames } from '../dsl/names.ts';
import { assertNever } from '../support/assert-never.ts';
import type { SparsePoints, WaveOrder } from '../ir/tree.ts';
import { printExpr } from './c-expr.ts';
import { printIndex } from './print-index.ts';
import { emit, parallelFor, type Printer } from './print-context.ts';
import { printLinear, printNearest, printSinc, type SparseStencil } from './print-sparse-stencils.ts';

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
  const n = (name: string): string => printer.names.c(name);
  // Under MPI indices are the rank's: the grid's last point is d_gM, and the global position
  // moves by the whole number d_gm (exact in double, so the weights are those of one process).
  const distributed = printer.kernel.mpi !== undefined;
  const [pos, idx, dM] = [n(`pos_${d}`), n(`idx_${d}`), n(distributed ? `${d}_gM` : `${d}_M`)];
  const shift = distributed ? ` + ${n(`${d}_gm`)}` : '';
  emit(printer, depth, `const double ${pos} = (${n(`${sparse}_xyz`)}[${n(sparseLoopNames(sparse).point)}][${axis}] - ${n(`o_${d}`)})/${n(`h_${d}`)}${shift};`);
  // A point on the last grid line uses the last cell, so its corners stay inside the domain.
  emit(printer, depth, `const int ${idx} = ${pos} >= ${dM} ? ${dM} - 1 : (int) floor(${pos});`);
}

/**
 * A loop over a sparse set's points: each is located (its cell's lower corner `idx_<d>` along
 * every axis), then its interpolation visits the grid points of its stencil, each in a block that
 * re-declares the loop indices, so field accesses print exactly as in stencil nests.
 */
export function printSparse(printer: Printer, loop: SparsePoints, depth: number): void {
  const { sparse } = loop;
  const n = (name: string): string => printer.names.c(name);
  const names = sparseLoopNames(sparse.name);
  const point = n(names.point);
  const dims = printer.kernel.grid.dimensions;
  const index = (e: Parameters<typeof printIndex>[0]): string => printIndex(e, printer);
  if (loop.parallel) emit(printer, depth, parallelFor(printer, { collapse: 1, simd: false }));
  else if (printer.inRegion) emit(printer, depth, '#pragma omp single');
  const inner = depth + 1;
  if (loop.wave) {
    const dm = n(`${loop.wave.dim.name}_m`);
    const [k, first, order] = [n(names.index), n(names.first), n(names.order)];
    emit(printer, depth, `for (int ${k} = ${first}[${index(loop.wave.lower)} - ${dm}]; ${k} < ${first}[${index(loop.wave.upper)} - ${dm} + 1]; ${k} += 1)`);
    emit(printer, depth, '{');
    emit(printer, inner, `const int ${point} = ${order}[${k}];`);
  } else {
    emit(printer, depth, `for (int ${point} = 0; ${point} < ${n(`${sparse.name}_npoint`)}; ${point} += 1)`);
    emit(printer, depth, '{');
  }
  const planes = loop.planes && { dim: loop.planes.dim.name, lower: index(loop.planes.lower), upper: index(loop.planes.upper) };
  const kind = sparse.interpolation.kind;
  for (const dim of dims) {
    const idx = n(`idx_${dim.name}`);
    locate(printer, sparse.name, dim.name, dim.axis, inner);
    if (planes && dim.name === planes.dim) {
      const reach = stencilSpan(sparse.interpolation);
      const [low, high] = [reach.first === 0 ? idx : `${idx} - ${-reach.first}`, `${idx} + ${reach.first + reach.count - 1}`];
      emit(printer, inner, `if (${high} < ${planes.lower} || ${low} > ${planes.upper}) continue;`);
    }
    if (kind === 'linear') emit(printer, inner, `const ${printer.real} ${n(`frac_${dim.name}`)} = (${printer.real}) (${n(`pos_${dim.name}`)} - ${idx});`);
  }
  if (printer.kernel.mpi !== undefined) printOwnership(printer, loop, inner);
  const stencil: SparseStencil = {
    value: printExpr(loop.expr, printer.expr),
    target: loop.mode === 'inject' ? printExpr(loop.field!, printer.expr) : undefined,
    sample: printExpr(new SparseAccessExpr(sparse), printer.expr),
    planes,
  };
  switch (kind) {
    case 'linear': printLinear(printer, stencil, inner); break;
    case 'nearest': printNearest(printer, stencil, inner); break;
    case 'sinc': printSinc(printer, stencil, sparse.interpolation.radius, inner); break;
    default: assertNever(kind);
  }
  emit(printer, depth, '}');
}

/**
 * Under MPI: an interpolation's sample is computed by the one rank whose box holds the point's
 * cell corner (reading the rest of its stencil from the halo), an injection adds into the points
 * of the rank's own box only (each rank visits every point in the same order, so every grid
 * point receives its contributions in the order of one process); a point whose stencil misses the
 * box is skipped.
 */
function printOwnership(printer: Printer, loop: SparsePoints, depth: number): void {
  const n = (name: string): string => printer.names.c(name);
  const dims = printer.kernel.grid.dimensions;
  if (loop.mode === 'interpolate') {
    const outside = dims.map((dim) => `${n(`idx_${dim.name}`)} < ${n(`${dim.name}_m`)} || ${n(`idx_${dim.name}`)} > ${n(`${dim.name}_M`)}`).join(' || ');
    emit(printer, depth, `if (${outside}) continue; /* another rank owns this point */`);
    return;
  }
  const reach = stencilSpan(loop.sparse.interpolation);
  const misses = dims.map((dim) => {
    const idx = n(`idx_${dim.name}`);
    const low = reach.first === 0 ? idx : `${idx} - ${-reach.first}`;
    return `${idx} + ${reach.first + reach.count - 1} < ${n(`${dim.name}_m`)} || ${low} > ${n(`${dim.name}_M`)}`;
  }).join(' || ');
  emit(printer, depth, `if (${misses}) continue; /* no point of its stencil is this rank's */`);
}

/**
 * The points of a sparse set ordered by the plane that places them in a wave (idx + shift; a
 * counting sort, so each plane keeps the points' order). `<sparse>_wave_first[i − x_m]` is
 * where plane i starts.
 */
export function printWaveOrder(printer: Printer, node: WaveOrder, depth: number): void {
  const n = (name: string): string => printer.names.c(name);
  const d = node.dim.name;
  const s = node.sparse.name;
  const names = sparseLoopNames(s);
  const [first, order, point, plane] = [n(names.first), n(names.order), n(names.point), n('plane')];
  const [dm, dM, npoint] = [n(`${d}_m`), n(`${d}_M`), n(`${s}_npoint`)];
  printer.uses.allocation = true;
  printer.uses.max = true;
  emit(printer, depth, `/* The points of ${s} by the plane along ${n(d)} that places them in a wave: plane i holds ${order}[${first}[i - ${dm}] … ${first}[i - ${dm} + 1] - 1]. */`);
  emit(printer, depth, `int *${first} = (int *) calloc(${dM} - ${dm} + 3, sizeof(int));`);
  emit(printer, depth, `int *${order} = (int *) malloc(sizeof(int)*(${npoint} > 0 ? ${npoint} : 1));`);
  emit(printer, depth, `if (${first} == NULL || ${order} == NULL)`);
  emit(printer, depth, '{');
  emit(printer, depth + 1, `free(${first});`);
  emit(printer, depth + 1, `free(${order});`);
  emit(printer, depth + 1, `return ${OUT_OF_MEMORY_STATUS};`);
  emit(printer, depth, '}');
  for (const pass of ['count', 'place'] as const) {
    emit(printer, depth, `for (int ${point} = 0; ${point} < ${npoint}; ${point} += 1)`);
    emit(printer, depth, '{');
    locate(printer, s, d, node.dim.axis, depth + 1);
    emit(printer, depth + 1, `const int ${plane} = ${n('MIN')}(${n('MAX')}(${n(`idx_${d}`)}${node.shift ? ` + ${node.shift}` : ''}, ${dm}), ${dM}) - ${dm};`);
    emit(printer, depth + 1, pass === 'count' ? `${first}[${plane} + 2] += 1;` : `${order}[${first}[${plane} + 1]++] = ${point};`);
    emit(printer, depth, '}');
    if (pass === 'count') emit(printer, depth, `for (int ${plane} = 0; ${plane} <= ${dM} - ${dm}; ${plane} += 1) ${first}[${plane} + 2] += ${first}[${plane} + 1];`);
  }
}
