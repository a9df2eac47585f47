import { accessesOf, children, isProductPower, type AccessExpr, type Expr } from '../dsl/expr.ts';
import { assertNever } from '../support/assert-never.ts';
import { slotKey } from './lower.ts';
import type { Kernel } from './types.ts';
import { nestStatements } from './visit.ts';

/** Floating-point operations to evaluate `expr` once (a call or division counts as one). */
export function flopsOf(expr: Expr): number {
  const own = ((): number => {
    switch (expr.kind) {
      case 'number': case 'scalar': case 'access': case 'sparse': case 'temp': return 0;
      case 'add': return expr.args.length - 1;
      case 'mul': return expr.args.length - 1;
      case 'pow': {
        const e = expr.exponent.kind === 'number' ? expr.exponent.value : NaN;
        return isProductPower(e) ? Math.max(Math.abs(e) - 1, 0) + (e < 0 ? 1 : 0) : 1;
      }
      case 'call': return 1;
      case 'derivative': return 0;
      default: return assertNever(expr);
    }
  })();
  return own + children(expr).reduce((sum, child) => sum + flopsOf(child), 0);
}

/** Operations per grid point and time step, summed over the kernel's loop nests. */
export function flopsPerPoint(kernel: Kernel): number {
  return nestStatements(kernel).reduce((sum, statement) => sum + flopsOf(statement.value), 0);
}

/**
 * Least bytes moved per grid point and time step: every distinct field slot the nests read or
 * write, once (neighbour reads assumed cached; write-allocate not counted, as in STREAM).
 */
export function bytesPerPoint(kernel: Kernel): number {
  const slots = new Set<string>();
  for (const statement of nestStatements(kernel)) {
    for (const access of accessesOf(statement.value, statement.op === 'define' ? [] : [statement.target as AccessExpr])) slots.add(slotKey(access));
  }
  return slots.size * (kernel.dtype === 'float32' ? 4 : 8);
}
