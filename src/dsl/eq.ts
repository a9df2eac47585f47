import { InvalidArgumentError } from '../errors.ts';
import { AccessExpr, Symbolic, toExpr, type Expr, type ExprLike } from './expr.ts';
import { evaluateAtLhs } from './staggered.ts';
import { componentPairs, isComponentwise, type Componentwise } from './vector-expr.ts';

/**
 * An equation `lhs = rhs`: in an Operator, `lhs` must be a field access that gets assigned. A
 * vector or tensor `lhs` stands for one equation per component (`components`).
 */
export class Eq {
  /** The scalar equations this stands for: itself, or one per (unique) component of a vector or tensor lhs. */
  readonly components: readonly Eq[];
  readonly #sides: { readonly lhs: Expr; readonly rhs: Expr } | undefined;

  constructor(lhs: ExprLike | Componentwise, rhs: ExprLike | Componentwise = 0) {
    if (isComponentwise(lhs) || isComponentwise(rhs)) {
      this.components = Object.freeze(componentPairs(lhs, rhs).map(([l, r]) => new Eq(l, r)));
      this.#sides = undefined;
    } else {
      if (!(lhs instanceof Symbolic) && typeof lhs !== 'number') {
        throw new InvalidArgumentError(`Eq: left-hand side must be an expression or a field, got ${String(lhs)}`);
      }
      const left = toExpr(lhs);
      // Derivatives without an explicit x0 are evaluated where the lhs sits (staggered grids).
      this.#sides = { lhs: left, rhs: evaluateAtLhs(left, toExpr(rhs)) };
      this.components = Object.freeze([this]);
    }
    Object.freeze(this);
  }

  get lhs(): Expr { return this.sides.lhs; }
  get rhs(): Expr { return this.sides.rhs; }

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
    return this.#sides ? `Eq(${this.lhs.key}, ${this.rhs.key})` : this.components.join(', ');
  }

  private get sides(): { readonly lhs: Expr; readonly rhs: Expr } {
    if (!this.#sides) {
      throw new InvalidArgumentError(`Eq: this equation of a vector or tensor stands for ${this.components.length} component equations; read eq.components[i].lhs / .rhs`);
    }
    return this.#sides;
  }
}
