import { TempExpr, accessesOf, children, withChildren, type Expr } from '../dsl/expr.ts';
import { iadd, ivar } from '../ir/index-expr.ts';
import type { Expression, Iteration, Node } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { loopChain, mapPlainNests, pointStatements } from '../ir/visit.ts';

/**
 * Jam factor by stencil reach along x, measured on the 3D acoustic kernel (AMD EPYC, 256³, so4 /
 * so8 / so12): reach 2 → 2 (+16%), reach 4 → 4 (+18%), wider → 2 (+3%; more copies spill).
 * Nests jammed 4 times keep the `omp simd` inner loop (the vector-windows pass leaves them alone).
 * In time-tiled loops the planes come from cache, the vector loop's register windows pay, and
 * with four copies they would not fit: factor 2 there (spaceOrder 8, tiles of 4–6 steps: 3.5–3.9
 * GPts/s with the vector loop and jam 2 against 2.8 with the simd loop and jam 4).
 */
function jamFactor(reach: number, timeTiled: boolean): number {
  return reach === 4 && !timeTiled ? 4 : 2;
}

function reachAlongOuter(statements: readonly Expression[]): number {
  let reach = 0;
  for (const statement of statements) {
    for (const access of accessesOf(statement.value)) reach = Math.max(reach, Math.abs(access.offsets[0] ?? 0));
  }
  return reach;
}

/** Copy `copy` of the body: every point `copy` further along `dim`, the body's temporaries renamed `r5_1` …. */
function copyOf(statements: readonly Expression[], dim: string, copy: number): Expression[] {
  if (copy === 0) return [...statements];
  const locals = new Set(statements.flatMap((s) => (s.op === 'define' ? [(s.target as TempExpr).name] : [])));
  const rename = (expr: Expr): Expr => {
    if (expr.kind === 'temp') return locals.has(expr.name) ? new TempExpr(`${expr.name}_${copy}`) : expr;
    const kids = children(expr);
    return kids.length === 0 ? expr : withChildren(expr, kids.map(rename));
  };
  return statements.map((s) => ({
    ...s,
    target: s.op === 'define' ? rename(s.target) as TempExpr : s.target,
    value: rename(s.value),
    shifts: { ...s.shifts, [dim]: copy },
  }));
}

/** The loops inside `loop` with `copies` copies of the innermost body. */
function withCopies(loop: Iteration, dim: string, copies: number): readonly Node[] {
  const rebuild = (node: Iteration): Iteration => {
    const inner = node.body[0];
    if (node.body.length === 1 && inner?.kind === 'iteration') return { ...node, body: [rebuild(inner)] };
    const statements = node.body as readonly Expression[];
    return { ...node, body: Array.from({ length: copies }, (_, copy) => copyOf(statements, dim, copy)).flat() };
  };
  return loop.body.map((node) => (node.kind === 'iteration' ? rebuild(node) : node));
}

/**
 * `for x in block` → `x_end = …; int x = start; for (; x <= x_end − (J−1); x += J) {J copies}`
 * then `for (; x <= x_end; x += 1) {1 copy}` (the remainder of a block not a multiple of J).
 */
function jam(loop: Iteration, factor: number): Node[] {
  const d = loop.index;
  const end = `${d}_end`;
  return [
    { kind: 'index', name: end, value: loop.upper, mutable: false, slot: undefined },
    { kind: 'index', name: d, value: loop.lower!, mutable: true, slot: undefined },
    { ...loop, lower: undefined, upper: iadd(end, -(factor - 1)), step: { kind: 'int', value: factor }, jam: factor, body: withCopies(loop, d, factor) },
    { ...loop, lower: undefined, upper: ivar(end), body: withCopies(loop, d, 1) },
  ];
}

/**
 * Unroll-and-jam of the outer loop inside each cache block: neighbouring x points are computed in
 * the same pass over y and z, so the stencil values they share are loaded once (the kernels are
 * load-bound). Each point keeps its own operations in their order: results are bitwise unchanged.
 * Only tiled 3D nests whose stencil reaches along x are jammed; a remainder loop handles blocks
 * whose size is not a multiple of the factor.
 */
export function unrollAndJam(kernel: Kernel): Kernel {
  return mapPlainNests(kernel, (body, ancestors) => {
    const outer = body[0];
    if (body.length !== 1 || outer?.kind !== 'iteration' || outer.role !== 'block') return body;
    const chain = loopChain(outer);
    const blocks = chain.filter((loop) => loop.role === 'block');
    const x = chain[blocks.length];
    if (!x || x.role !== 'space' || x.dim !== blocks[0]!.dim || x.jam > 1) return body;
    const reach = reachAlongOuter(pointStatements(body));
    if (reach === 0) return body;
    const timeTiled = ancestors.some((node) => node.kind === 'iteration' && node.role === 'tileStep');
    const jammed = jam(x, jamFactor(reach, timeTiled));
    // Put the jammed loops where the x loop was: inside the innermost block loop.
    const replace = (loop: Iteration): Iteration => (loop.body[0] === x ? { ...loop, body: jammed } : { ...loop, body: [replace(loop.body[0] as Iteration)] });
    return [replace(outer)];
  });
}
