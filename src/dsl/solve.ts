import { SolveError } from '../errors.ts';
import { Eq } from './eq.ts';
import { add, checkDistinctNames, children, mul, pow, type AccessExpr, type Expr, type ExprLike, toExpr } from './expr.ts';
import { expandDerivatives } from './finite-difference.ts';
import { isComponentwise, solveComponentwise, type Componentwise, type TensorExpr, type VectorExpr } from './vector-expr.ts';

interface Linear { readonly coefficient: Expr; readonly rest: Expr }

const isZero = (e: Expr): boolean => e.kind === 'number' && e.value === 0;

/** Splits `expr` as `coefficient·target + rest`, or throws if `target` enters non-linearly. */
function linearParts(expr: Expr, target: AccessExpr): Linear {
  const zero = toExpr(0);
  if (expr.key === target.key) return { coefficient: toExpr(1), rest: zero };
  if (!contains(expr, target)) return { coefficient: zero, rest: expr };
  switch (expr.kind) {
    case 'add': {
      const parts = expr.args.map((arg) => linearParts(arg, target));
      return { coefficient: add(...parts.map((p) => p.coefficient)), rest: add(...parts.map((p) => p.rest)) };
    }
    case 'mul': {
      const withTarget = expr.args.filter((arg) => contains(arg, target));
      if (withTarget.length > 1) break;
      const others = mul(...expr.args.filter((arg) => !contains(arg, target)));
      const inner = linearParts(withTarget[0]!, target);
      return { coefficient: mul(others, inner.coefficient), rest: mul(others, inner.rest) };
    }
    case 'derivative':
      throw new SolveError(
        `solve: ${target.key} appears inside a ${expr.dim.name}-derivative, which makes the scheme implicit; devito-ts solves explicit updates (the target may appear only outside space derivatives)`,
      );
    default:
      break;
  }
  throw new SolveError(
    `solve: ${target.key} appears non-linearly (inside ${expr.key}); solve isolates a target that appears linearly, e.g. solve(m·u.dt2 − Δu, u.forward)`,
  );
}

function contains(expr: Expr, target: AccessExpr): boolean {
  return expr.key === target.key || children(expr).some((child) => contains(child, target));
}

/**
 * Solves `eq = 0` (or `lhs = rhs`) for `target`, a field access that appears linearly once
 * derivatives are expanded; returns the expression `target` equals. With a vector or tensor target
 * (`v.forward`), solves component by component and returns the vector or tensor of solutions.
 */
export function solve(eq: Eq | ExprLike, target: AccessExpr): Expr;
export function solve(eq: Eq | Componentwise, target: VectorExpr<AccessExpr>): VectorExpr;
export function solve(eq: Eq | Componentwise, target: TensorExpr<AccessExpr>): TensorExpr;
export function solve(eq: Eq | ExprLike | Componentwise, target: AccessExpr | Componentwise): Expr | Componentwise {
  if (isComponentwise(target)) {
    return solveComponentwise(eq instanceof Eq ? eq.components.map((c) => c.lhs.sub(c.rhs)) : eq, target, solveScalar);
  }
  if (isComponentwise(eq)) throw new SolveError('solve: the equation is a vector or tensor; solve it for a vector or tensor target such as v.forward');
  return solveScalar(eq, target);
}

function solveScalar(eq: Eq | ExprLike, target: AccessExpr): Expr {
  const residual = eq instanceof Eq ? eq.lhs.sub(eq.rhs) : toExpr(eq);
  if (target === undefined || target.kind !== 'access') {
    throw new SolveError('solve: the target must be a field access such as u.forward');
  }
  checkDistinctNames([residual, target]);
  // Only time derivatives can hold the target; space derivatives stay lazy for the Operator.
  const expanded = expandDerivatives(residual, { only: (dim) => dim.isTime });
  const { coefficient, rest } = linearParts(expanded, target);
  if (isZero(coefficient)) {
    throw new SolveError(`solve: ${target.key} does not appear in the equation once derivatives are expanded; nothing to solve for`);
  }
  // Dividing term by term lets factors cancel: m·(u⁺ − 2u + u⁻)/dt² = Δu gives u⁺ = 2u − u⁻ + dt²/m·Δu.
  const inverse = pow(coefficient, -1);
  const terms = rest.kind === 'add' ? rest.args : [rest];
  return add(...terms.map((term) => mul(-1, term, inverse)));
}
