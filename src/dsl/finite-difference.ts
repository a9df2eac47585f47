import type { Dimension } from './dimension.ts';
import {
  AccessExpr, DerivativeExpr, add, mul, pow, rewrite, type Expr,
} from './expr.ts';
import { finiteDifferenceWeights, stencilPoints, timeStencilPoints } from './fd-weights.ts';

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

function expandDerivative(node: DerivativeExpr): Expr {
  const points = node.dim.isTime ? timeStencilPoints(node.fdOrder) : stencilPoints(node.order, node.fdOrder, node.shift);
  const weights = finiteDifferenceWeights(node.order, points, node.shift);
  const sum = add(...points.map((p, i) => mul(weights[i]!, shiftExpr(node.expr, node.dim, p))));
  return mul(sum, pow(node.dim.spacing, -node.order));
}

/** Replaces every derivative node by its finite-difference stencil (innermost first). */
export function expandDerivatives(expr: Expr, options: ExpandOptions = {}): Expr {
  const only = options.only ?? ((): boolean => true);
  return rewrite(expr, (node) => (node.kind === 'derivative' && only(node.dim) ? expandDerivative(node) : node));
}
