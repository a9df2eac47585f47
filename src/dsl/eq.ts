import { InvalidArgumentError } from '../errors.ts';
import { AccessExpr, Symbolic, toExpr, type Expr, type ExprLike } from './expr.ts';

/** An equation `lhs = rhs`: in an Operator, `lhs` must be a field access that gets assigned. */
export class Eq {
  readonly lhs: Expr;
  readonly rhs: Expr;

  constructor(lhs: ExprLike, rhs: ExprLike = 0) {
    if (!(lhs instanceof Symbolic) && typeof lhs !== 'number') {
      throw new InvalidArgumentError(`Eq: left-hand side must be an expression or a field, got ${String(lhs)}`);
    }
    this.lhs = toExpr(lhs);
    this.rhs = toExpr(rhs);
    Object.freeze(this);
  }

  /** The field access this equation assigns, or a clear error if the lhs is not one. */
  get target(): AccessExpr {
    if (this.lhs.kind !== 'access') {
      throw new InvalidArgumentError(
        `Eq: the left-hand side ${this.lhs.key} is not a field access; write Eq(u.forward, solve(pde, u.forward)) to update a field`,
      );
    }
    return this.lhs;
  }

  toString(): string {
    return `Eq(${this.lhs.key}, ${this.rhs.key})`;
  }
}
