import type { Dimension } from './dimension.ts';
import {
  AccessExpr, DerivativeExpr, add, mul, pow, rewrite, type Expr,
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
 * The stencil of `node` (its operand's derivatives already expanded): integer offsets on the
 * operand's own points, which sit `origin` spacings from the nodes (staggering), and the weights
 * of the evaluation point `x0` relative to them.
 */
function expandDerivative(node: DerivativeExpr): Expr {
  const operand = node.expr;
  const origin = locationOf(operand, node.dim);
  const at = (node.x0 ?? origin) - origin;
  const points = node.dim.isTime ? timeStencilPoints(node.fdOrder) : stencilPoints(node.order, node.fdOrder, at);
  const weights = finiteDifferenceWeights(node.order, points, at);
  const sum = add(...points.map((p, i) => mul(weights[i]!, shiftExpr(operand, node.dim, p))));
  return mul(sum, pow(node.dim.spacing, -node.order));
}

/** Replaces every derivative node by its finite-difference stencil (innermost first). */
export function expandDerivatives(expr: Expr, options: ExpandOptions = {}): Expr {
  const only = options.only ?? ((): boolean => true);
  return rewrite(expr, (node) => (node.kind === 'derivative' && only(node.dim) ? expandDerivative(node) : node));
}
