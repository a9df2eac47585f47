import type { Dimension } from './dimension.ts';
import {
  AccessExpr, DerivativeExpr, add, children, mul, pow, rewrite, withChildren, type Expr,
} from './expr.ts';
import { finiteDifferenceWeights, stencilPoints, timeStencilPoints } from './fd-weights.ts';
import { locationOf } from './staggered.ts';

export interface ExpandOptions {
  /** Expand only derivatives along dimensions this accepts (default: all). */
  only?: (dim: Dimension) => boolean;
}

/** The expression evaluated `offset` points further along `dim` (fields lacking `dim` are unchanged). */
export function shiftExpr(expr: Expr, dim: Dimension, offset: number): Expr {
  if (offset === 0) return expr;
  return rewrite(expr, (node) => {
    if (node.kind !== 'access') return node;
    if (dim.isTime) {
      if (!node.field.isTimeFunction || node.field.grid.time !== dim) return node;
      return new AccessExpr(node.field, node.timeOffset + offset, node.offsets);
    }
    const axis = node.field.dimensions.indexOf(dim);
    if (axis < 0) return node;
    const offsets = node.offsets.map((o, i) => (i === axis ? o + offset : o));
    return new AccessExpr(node.field, node.timeOffset, offsets);
  });
}

/**
 * The stencil of `node` applied to `operand` (its operand, derivatives inside already expanded),
 * whose points sit `origin` spacings from the nodes: the stencil points are integer offsets on the
 * operand's own points, the weights those of the evaluation point relative to them.
 */
function expandDerivative(node: DerivativeExpr, operand: Expr, origin: number): Expr {
  const at = (node.x0 ?? origin) - origin;
  const points = node.dim.isTime ? timeStencilPoints(node.fdOrder) : stencilPoints(node.order, node.fdOrder, at);
  const weights = finiteDifferenceWeights(node.order, points, at);
  const sum = add(...points.map((p, i) => mul(weights[i]!, shiftExpr(operand, node.dim, p))));
  return mul(sum, pow(node.dim.spacing, -node.order));
}

/** Replaces every derivative node by its finite-difference stencil (innermost first). */
export function expandDerivatives(expr: Expr, options: ExpandOptions = {}): Expr {
  const only = options.only ?? ((): boolean => true);
  const memo = new Map<string, Expr>();
  const go = (node: Expr): Expr => {
    const cached = memo.get(node.key);
    if (cached) return cached;
    // Where the operand's points sit is read before its own derivatives are expanded (an inner
    // derivative moves its result to its x0, which the expanded sum no longer says).
    const result = node.kind === 'derivative' && only(node.dim)
      ? expandDerivative(node, go(node.expr), locationOf(node.expr, node.dim))
      : withChildren(node, children(node).map(go));
    memo.set(node.key, result);
    return result;
  };
  return go(expr);
}
