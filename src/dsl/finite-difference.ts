import type { Dimension } from './dimension.ts';
import {
  AccessExpr, DerivativeExpr, add, mul, pow, rewrite, type Expr,
} from './expr.ts';
import { finiteDifferenceWeights, stencilPoints, timeStencilPoints } from './fd-weights.ts';

export interface ExpandOptions {
  /**
   * Group stencil points that share a weight magnitude (`w·(u[-k] ± u[+k])`): one multiply per
   * weight instead of one per point. Changes the order of floating-point operations.
   */
  factorize?: boolean;
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

function expandDerivative(node: DerivativeExpr, options: ExpandOptions): Expr {
  const points = node.dim.isTime ? timeStencilPoints(node.fdOrder) : stencilPoints(node.order, node.fdOrder, node.shift);
  const weights = finiteDifferenceWeights(node.order, points, node.shift);
  let sum: Expr;
  if (options.factorize) {
    // Key by magnitude: antisymmetric stencils (odd derivatives) pair as w·(u[+k] − u[−k]).
    const byMagnitude = new Map<number, { weights: number[]; terms: Expr[] }>();
    points.forEach((p, i) => {
      const w = weights[i]!;
      if (w === 0) return;
      const group = byMagnitude.get(Math.abs(w)) ?? { weights: [], terms: [] };
      group.weights.push(w);
      group.terms.push(shiftExpr(node.expr, node.dim, p));
      byMagnitude.set(Math.abs(w), group);
    });
    sum = add(
      ...[...byMagnitude].map(([magnitude, { weights: ws, terms }]) => {
        // A shared sign goes outside the bracket: −w·(a + b) rather than w·(−a − b).
        const sign = ws.every((w) => w < 0) ? -1 : 1;
        return mul(sign * magnitude, add(...terms.map((term, k) => (ws[k]! * sign > 0 ? term : mul(-1, term)))));
      }),
    );
  } else {
    sum = add(...points.map((p, i) => mul(weights[i]!, shiftExpr(node.expr, node.dim, p))));
  }
  return mul(sum, pow(node.dim.spacing, -node.order));
}

/** Replaces every derivative node by its finite-difference stencil (innermost first). */
export function expandDerivatives(expr: Expr, options: ExpandOptions = {}): Expr {
  const only = options.only ?? ((): boolean => true);
  return rewrite(expr, (node) => (node.kind === 'derivative' && only(node.dim) ? expandDerivative(node, options) : node));
}
