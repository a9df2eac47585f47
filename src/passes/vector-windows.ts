import { accessesOf, isProductPower, type AccessExpr, type Expr } from '../dsl/expr.ts';
import type { IndexExpr } from '../ir/index-expr.ts';
import { allocatedExtent } from '../ir/types.ts';
import { assertNever } from '../support/assert-never.ts';
import type { Expression, Iteration, Node } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { isIteration, mapPlainNests, nodesOf, pointStatements } from '../ir/visit.ts';
import { vectorLoopOf } from './vector-rows.ts';

/** Operations the vector printer can express with GCC vector arithmetic (no libm calls). */
function vectorizable(expr: Expr): boolean {
  switch (expr.kind) {
    case 'number': case 'scalar': case 'temp': case 'access': return true;
    case 'sparse': case 'call': case 'derivative': return false;
    case 'pow': {
      // Small integer powers print as products, negative ones as a division: fine. sqrt/pow are calls.
      return expr.exponent.kind === 'number' && isProductPower(expr.exponent.value) && vectorizable(expr.base);
    }
    case 'add': case 'mul': return expr.args.every(vectorizable);
    default: return assertNever(expr);
  }
}

/**
 * Explicit vectors for the innermost loop, with stencil windows kept in registers.
 *
 * Along the innermost (contiguous) axis a stencil reads the same row at 2r+1 offsets. gcc's
 * `omp simd` loop loads each offset separately (2r+1 unaligned vector loads per row); here each
 * such row is loaded once per pass, 16 float32 or 8 float64 at a time, and the shifted vectors
 * are cut out of three neighbouring loads with one shuffle each — the loads were what limited
 * the kernels (one 512-bit load per cycle against two FMAs). Every point still gets the same
 * operations in the same order: results are bitwise those of the `omp simd` loop.
 *
 * The printer emits the vector loop only under `#if defined(__AVX512F__)` (GCC vector types of
 * 64 bytes, valign for the shifts); elsewhere, and for the last points of a row that do not
 * fill a vector, the scalar `omp simd` loop runs. No load leaves its row. Rows the nest stores
 * to are never kept in registers (a store in the same pass must be seen by later loads); rows
 * several jammed copies read at one offset are loaded once per pass, and 3D nests address all
 * rows of a field from one pointer and prefetch the rows that stream in. Nests that call math
 * functions are left alone.
 *
 * Measured on the 3D acoustic kernel, 256³ float32, tuned blocks, interleaved with the `omp
 * simd` loop (bench 'simd' column): spaceOrder 4 +10 to +16%, spaceOrder 12 +15 to +23%; in
 * cache (64³) spaceOrder 8 unjammed runs 1.8× the simd loop. Runs vary by ±10% on this VM.
 */
export function vectorWindows(kernel: Kernel): Kernel {
  if (kernel.grid.ndim < 2) return kernel;
  const lanes = kernel.dtype === 'float32' ? 16 : 8;
  const fixed = kernel.fixedStrides && kernel.grid.ndim === 3;
  return mapPlainNests(kernel, (body) => {
    const statements = pointStatements(body);
    if (!statements.every((statement) => vectorizable(statement.value))) return body;
    if (!statements.some((statement) => accessesOf(statement.value).length > 0)) return body;
    // Nests jammed 4 times (stencil reach 4 along x) keep the simd loop: four copies with their
    // windows outgrow the 32 vector registers, and with two copies the vector loop lost to the
    // simd loop with four (spaceOrder 8, 256³: 2.42 against 2.57 GPts/s on two threads, 1.19
    // against 1.30 on one, bench 'simd' column).
    if (nodesOf(body, isIteration).some((loop) => loop.jam > 2)) return body;
    const innermost = (loop: Iteration): boolean =>
      loop.simd && loop.role === 'space' && loop.body.every((node) => node.kind === 'expression') && windowsFit(kernel, loop, lanes);
    if (!nodesOf(body, isIteration).some(innermost)) return body;
    // The remainder of an unrolled-and-jammed loop (it continues the jammed loop's index with
    // step 1) keeps the simd loop: it runs only for the last plane of a block or wave of odd
    // size (never with the default and autotuned even sizes), and a vector copy of the body
    // there cost gcc time for nothing (3D so8 acoustic with source and receivers: <GCC_REMAINDER>).
    const vectorize = (nodes: readonly Node[], inRemainder: boolean): Node[] => nodes.map((node) => {
      if (node.kind !== 'iteration') return node;
      if (innermost(node)) return inRemainder ? node : vectorLoopOf(node, kernel.grid.dimensions[0]!.name, lanes, fixed, kernel.grid.ndim === 3);
      return { ...node, body: vectorize(node.body, inRemainder || (node.lower === undefined && node.jam === 1)) };
    });
    return vectorize(body, false);
  });
}

/**
 * Whether the first vector of a window, loaded at the loop's start, stays in every row it
 * loads: always for a loop from `z_m` (the row's start); a subdomain's loop (from `z_m + 1`,
 * or `z_M - 3`) needs a whole vector of its row from its first point on.
 */
function windowsFit(kernel: Kernel, loop: Iteration, lanes: number): boolean {
  const dim = loop.dim!;
  if (loop.lower?.kind === 'var' && loop.lower.name === `${dim.name}_m`) return true;
  const points = new Map([[`${dim.name}_m`, 0], [`${dim.name}_M`, kernel.grid.localShape[dim.axis]! - 1]]);
  const first = loop.lower && evaluate(loop.lower, points);
  if (first === undefined) return false;
  const fields = new Set((loop.body as readonly Expression[]).flatMap((s) => accessesOf(s.value, s.op === 'define' ? [] : [s.target as AccessExpr]).map((a) => a.field)));
  return [...fields].every((field) => first + lanes <= allocatedExtent(field, dim.axis + (field.isTimeFunction ? 1 : 0)));
}

/** The value of an integer index expression of known variables (undefined for anything else). */
function evaluate(expr: IndexExpr, values: ReadonlyMap<string, number>): number | undefined {
  switch (expr.kind) {
    case 'int': return expr.value;
    case 'var': return values.get(expr.name);
    case 'add': case 'mul': {
      const parts = (expr.kind === 'add' ? expr.terms : expr.factors).map((e) => evaluate(e, values));
      if (parts.some((p) => p === undefined)) return undefined;
      return (parts as number[]).reduce((a, b) => (expr.kind === 'add' ? a + b : a * b), expr.kind === 'add' ? 0 : 1);
    }
    default: return undefined;
  }
}
