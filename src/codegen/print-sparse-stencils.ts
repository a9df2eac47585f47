import { NumberExpr } from '../dsl/expr.ts';
import { kaiserB, kaiserNorm } from '../dsl/interpolation.ts';
import { printExpr } from './c-expr.ts';
import { emit, type Printer } from './print-context.ts';

/** What a located sparse point does at each grid point of its stencil (C text, printed at that point). */
export interface SparseStencil {
  /** The injected or interpolated expression. */
  readonly value: string;
  /** The field access injected into; undefined for an interpolation. */
  readonly target: string | undefined;
  /** The point's sample (`rec[time][p_rec]`), which an interpolation assigns. */
  readonly sample: string;
  /** An injection adds only into these planes of `dim` (a time tile's wave). */
  readonly planes: { readonly dim: string; readonly lower: string; readonly upper: string } | undefined;
}

/** `target += weight*(value)` (inside the planes, if any) or `sum += weight*(value)`, at the grid point the loop indices name. */
function accumulate(printer: Printer, stencil: SparseStencil, weight: string | undefined, depth: number): void {
  const term = weight === undefined ? stencil.value : `${weight}*(${stencil.value})`;
  const { target, planes } = stencil;
  if (target === undefined) {
    emit(printer, depth, `${printer.names.c('sum')} += ${term};`);
    return;
  }
  const guard = planes ? `if (${printer.names.c(planes.dim)} >= ${planes.lower} && ${printer.names.c(planes.dim)} <= ${planes.upper}) ` : '';
  // Under MPI a rank adds only into its own box (the halo is its neighbours' to update).
  const own = printer.kernel.mpi === undefined ? '' : `if (${printer.kernel.grid.dimensions.map((dim) => {
    const [d, m, M] = [printer.names.c(dim.name), printer.names.c(`${dim.name}_m`), printer.names.c(`${dim.name}_M`)];
    return `${d} >= ${m} && ${d} <= ${M}`;
  }).join(' && ')}) `;
  emit(printer, depth, `${guard}${own}${target} += ${term};`);
}

/** The 2^d corners of the point's cell (`frac_<d>` its position in the cell), unrolled, with multilinear weights. */
export function printLinear(printer: Printer, stencil: SparseStencil, depth: number): void {
  const n = (name: string): string => printer.names.c(name);
  const dims = printer.kernel.grid.dimensions;
  const one = printExpr(new NumberExpr(1), printer.expr);
  const weight = n('weight');
  if (stencil.target === undefined) emit(printer, depth, `${printer.real} ${n('sum')} = 0;`);
  for (let corner = 0; corner < 1 << dims.length; corner++) {
    const bits = dims.map((_, axis) => (corner >> (dims.length - 1 - axis)) & 1);
    const product = dims.map((dim, axis) => (bits[axis] ? n(`frac_${dim.name}`) : `(${one} - ${n(`frac_${dim.name}`)})`)).join('*');
    emit(printer, depth, '{');
    dims.forEach((dim, axis) => emit(printer, depth + 1, `const int ${n(dim.name)} = ${n(`idx_${dim.name}`)}${bits[axis] ? ' + 1' : ''};`));
    emit(printer, depth + 1, `const ${printer.real} ${weight} = ${product};`);
    accumulate(printer, stencil, weight, depth + 1);
    emit(printer, depth, '}');
  }
  if (stencil.target === undefined) emit(printer, depth, `${stencil.sample} = ${n('sum')};`);
}

/**
 * The grid point nearest to the point, with weight 1: `idx` or `idx + 1` along each axis (a
 * point halfway between takes the upper one). It always lies inside the domain.
 */
export function printNearest(printer: Printer, stencil: SparseStencil, depth: number): void {
  const n = (name: string): string => printer.names.c(name);
  emit(printer, depth, '{');
  for (const dim of printer.kernel.grid.dimensions) {
    const [idx, pos] = [n(`idx_${dim.name}`), n(`pos_${dim.name}`)];
    emit(printer, depth + 1, `const int ${n(dim.name)} = ${pos} - ${idx} < 0.5 ? ${idx} : ${idx} + 1;`);
  }
  if (stencil.target === undefined) emit(printer, depth + 1, `${stencil.sample} = ${stencil.value};`);
  else accumulate(printer, stencil, undefined, depth + 1);
  emit(printer, depth, '}');
}

/**
 * Kaiser-windowed sinc (Hicks 2002): along each axis the `2·radius` grid points
 * `idx − radius + 1 … idx + radius`, each weighted by `kaiser_sinc` of its distance to the point;
 * a point's weight is the product over the axes. Grid points outside the domain are skipped, by
 * injection and interpolation alike, so each stays the other's transpose near the boundary.
 */
export function printSinc(printer: Printer, stencil: SparseStencil, radius: number, depth: number): void {
  const n = (name: string): string => printer.names.c(name);
  printer.uses.sinc = true;
  const dims = printer.kernel.grid.dimensions;
  const width = 2 * radius;
  const b = kaiserB(radius);
  const offset = (d: string, r: string): string => `${n(`idx_${d}`)} - ${radius - 1} + ${r}`;
  emit(printer, depth, `/* Kaiser-windowed sinc weights (radius ${radius}, b = ${b}) of the grid points idx - ${radius - 1} … idx + ${radius} along each axis. */`);
  // The weights are computed in double; a float32 kernel keeps them in its own precision.
  const cast = printer.real === 'double' ? '' : `(${printer.real}) `;
  for (const dim of dims) {
    const [w, r] = [n(`wsinc_${dim.name}`), n(`r_${dim.name}`)];
    emit(printer, depth, `${printer.real} ${w}[${width}];`);
    emit(printer, depth, `for (int ${r} = 0; ${r} < ${width}; ${r} += 1) ${w}[${r}] = ${cast}${n('kaiser_sinc')}(${n(`pos_${dim.name}`)} - (${offset(dim.name, r)}), ${radius}, ${b}, ${kaiserNorm(radius)});`);
  }
  if (stencil.target === undefined) emit(printer, depth, `${printer.real} ${n('sum')} = 0;`);
  dims.forEach((dim, axis) => {
    const inner = depth + axis;
    const [d, r] = [n(dim.name), n(`r_${dim.name}`)];
    emit(printer, inner, `for (int ${r} = 0; ${r} < ${width}; ${r} += 1)`);
    emit(printer, inner, '{');
    emit(printer, inner + 1, `const int ${d} = ${offset(dim.name, r)};`);
    // The grid's own bounds (under MPI the rank's indices of its first and last point).
    const [first, last] = printer.kernel.mpi === undefined ? [`${dim.name}_m`, `${dim.name}_M`] : [`${dim.name}_gm`, `${dim.name}_gM`];
    emit(printer, inner + 1, `if (${d} < ${n(first)} || ${d} > ${n(last)}) continue;`);
  });
  const innermost = depth + dims.length;
  const weight = dims.map((dim) => `${n(`wsinc_${dim.name}`)}[${n(`r_${dim.name}`)}]`).join('*');
  accumulate(printer, stencil, weight, innermost);
  for (let axis = dims.length - 1; axis >= 0; axis--) emit(printer, depth + axis, '}');
  if (stencil.target === undefined) emit(printer, depth, `${stencil.sample} = ${n('sum')};`);
}

/**
 * The C helpers of sinc interpolation, for the file's head: I0 by its power series, and the
 * windowed sinc, exactly 1 at distance 0 and 0 at the other whole distances (so a point on a
 * grid point takes exactly that grid value, and injects only there).
 */
export function sincHelpers(names: { c(name: string): string }): string[] {
  const [i0, ks] = [names.c('bessel_i0'), names.c('kaiser_sinc')];
  return [
    '/* The modified Bessel function I0(x): its power series, summed until the terms no longer change the sum. */',
    `static double ${i0}(const double x)`,
    '{',
    '  double term = 1, sum = 1;',
    '  for (int k = 1; term > 1e-17*sum; k += 1)',
    '  {',
    '    term *= (x/(2*k))*(x/(2*k));',
    '    sum += term;',
    '  }',
    '  return sum;',
    '}',
    '',
    '/* Weight of a grid point d spacings from a sparse point: sinc(d) in a Kaiser window of radius r and parameter b (Hicks 2002); i0b = I0(b). */',
    `static double ${ks}(const double d, const int r, const double b, const double i0b)`,
    '{',
    '  if (d == 0) return 1;',
    '  if (d == floor(d) || fabs(d) >= r) return 0;',
    '  const double pd = 3.141592653589793*d;',
    `  return sin(pd)/pd*${i0}(b*sqrt(1 - (d/r)*(d/r)))/i0b;`,
    '}',
  ];
}
