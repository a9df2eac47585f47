import { GridMismatchError, InvalidArgumentError } from '../errors.ts';
import { DerivativeExpr, children, withChildren, type DimensionRef, type Expr, type GridRef } from './expr.ts';

/**
 * Where a field's points sit, as Devito's `staggered`: a space dimension or a list of them (point
 * `i` sits at `x_i + h/2` along each), `'cell'` (every space dimension: cell centres) or `'node'`
 * (none: the default).
 */
export type Staggering = DimensionRef | readonly DimensionRef[] | 'cell' | 'node';

/** Offset of a staggered field's points from the grid nodes, in grid spacings. */
export const HALF = 0.5;

/**
 * `staggered` → per space axis of `grid`, the offset of the field's point `i` from node `i` (0 or ½).
 * Throws a `GridMismatchError` for a dimension of another grid (or one the grid lacks).
 */
export function staggerOf(name: string, grid: GridRef, staggered: Staggering | undefined, dimensions: readonly DimensionRef[] = grid.dimensions): readonly number[] {
  if (staggered === undefined || staggered === 'node') return Object.freeze(dimensions.map(() => 0));
  if (staggered === 'cell') return Object.freeze(dimensions.map(() => HALF));
  const dims: readonly unknown[] = Array.isArray(staggered) ? staggered : [staggered];
  for (const dim of dims) {
    if (typeof dim !== 'object' || dim === null || !('name' in dim)) {
      throw new InvalidArgumentError(`${name}: staggered takes a space dimension (grid.dimensions[i]), a list of them, 'cell' or 'node'; got ${String(dim)}`);
    }
    const ref = dim as DimensionRef;
    if (ref.isTime) throw new InvalidArgumentError(`${name}: staggering in time is not supported; stagger along space dimensions only`);
    if (!grid.dimensions.includes(ref)) {
      const have = grid.dimensions.map((d) => d.name).join(', ');
      const why = grid.dimensions.some((d) => d.name === ref.name) ? `belongs to another Grid` : `is not a dimension of the grid (${have})`;
      throw new GridMismatchError(`${name}: cannot stagger along ${ref.name}: it ${why}; pass dimensions of this field's grid (grid.dimensions)`);
    }
    if (!dimensions.includes(ref)) {
      throw new GridMismatchError(`${name}: cannot stagger along ${ref.name}: the field spans only ${dimensions.map((d) => d.name).join(', ')}`);
    }
  }
  return Object.freeze(dimensions.map((d) => (dims.includes(d) ? HALF : 0)));
}

/**
 * The position along `dim` (in spacings from the node at the loop index, 0 or ½) of the points an
 * expression is sampled at: its fields' staggering. A derivative's value is indexed like its
 * operand whatever its `x0` (as in Devito, where `div(grad(u, shift=.5), shift=-.5)` is the
 * compact Laplacian: the inner derivative at x + h/2 is read at index x by the outer one). Throws
 * when the fields of one operand sit at different positions: no stencil serves both.
 */
export function locationOf(expr: Expr, dim: DimensionRef): number {
  if (dim.isTime) return 0;
  const found = new Set<number>();
  const visit = (node: Expr): void => {
    if (node.kind === 'access') {
      const axis = node.field.dimensions.indexOf(dim);
      if (axis >= 0) found.add(node.field.stagger?.[axis] ?? 0);
      return;
    }
    children(node).forEach(visit);
  };
  visit(expr);
  if (found.size > 1) {
    throw new GridMismatchError(
      `${expr.key}: its fields sit at different points along ${dim.name} (staggered and not); differentiate each field separately, or interpolate one of them (e.g. (f + f.at(…))/2) first`,
    );
  }
  return found.size === 0 ? 0 : [...found][0]!;
}

/**
 * Devito's rule for staggered equations: a space derivative with no explicit `x0` on the right of
 * `lhs = rhs` is evaluated where `lhs` sits (so `Eq(v.forward, … p.dx)`, v staggered in x, takes
 * p.dx at x + h/2, and `Eq(p.forward, … v.dx)` takes v.dx at the node). Plain field reads are not
 * averaged (as in Devito). Derivatives already at the lhs position are kept as they are. Only the
 * outermost derivative along a dimension takes the lhs position: one nested inside it along the
 * same dimension stays where its operand sits (as Devito sets `x0` on the outer derivative only),
 * else `p.dx.dx` at x + h/2 would shift twice and land on x + h.
 */
export function evaluateAtLhs(lhs: Expr, rhs: Expr): Expr {
  if (lhs.kind !== 'access') return rhs;
  const { field } = lhs;
  const memo = new Map<string, Expr>();
  const go = (node: Expr, placed: readonly DimensionRef[]): Expr => {
    const memoKey = `${placed.map((d) => d.name).join(',')}|${node.key}`;
    const cached = memo.get(memoKey);
    if (cached) return cached;
    let result = node;
    let inside = placed;
    if (node.kind === 'derivative' && !node.dim.isTime && !placed.includes(node.dim)) {
      inside = [...placed, node.dim];
      const axis = field.dimensions.indexOf(node.dim);
      const target = axis < 0 ? undefined : (field.stagger?.[axis] ?? 0);
      if (node.x0 === undefined && target !== undefined && locationOf(node.expr, node.dim) !== target) {
        result = new DerivativeExpr(node.expr, node.dim, node.order, node.fdOrder, target);
      }
    }
    result = withChildren(result, children(result).map((child) => go(child, inside)));
    memo.set(memoKey, result);
    return result;
  };
  return go(rhs, []);
}
