import { InvalidArgumentError } from '../errors.ts';
import { ConditionalDimension } from './conditional.ts';
import { AccessExpr, Symbolic, checkDistinctNames, toExpr, type Expr, type ExprLike } from './expr.ts';
import { checkOptionKeys, optionKeys } from './options.ts';
import { evaluateAtLhs } from './staggered.ts';
import { SubDomain } from './subdomain.ts';
import { componentPairs, isComponentwise, type Componentwise } from './vector-expr.ts';

export interface EqOptions {
  /** Update only this subdomain's points: a SubDomain of the fields' grid (or its name), or `grid.interior`. */
  subdomain?: SubDomain | string;
  /** Run only where these conditional dimensions are on (every factor-th step, or where their condition holds). */
  implicitDims?: readonly ConditionalDimension[];
}

const EQ_KEYS = optionKeys<EqOptions>({ subdomain: true, implicitDims: true });

/**
 * An equation `lhs = rhs`: in an Operator, `lhs` must be a field access that gets assigned. A
 * vector or tensor `lhs` stands for one equation per component (`components`).
 */
export class Eq {
  /** The scalar equations this stands for: itself, or one per (unique) component of a vector or tensor lhs. */
  readonly components: readonly Eq[];
  readonly subdomain: SubDomain | string | undefined;
  readonly implicitDims: readonly ConditionalDimension[];
  readonly #sides: { readonly lhs: Expr; readonly rhs: Expr } | undefined;

  constructor(lhs: ExprLike | Componentwise, rhs: ExprLike | Componentwise = 0, options: EqOptions = {}) {
    const { subdomain, implicitDims = [] } = checkOptionKeys('Eq', options ?? {}, EQ_KEYS);
    if (subdomain !== undefined && typeof subdomain !== 'string' && !(subdomain instanceof SubDomain)) {
      throw new InvalidArgumentError(`Eq: subdomain must be a SubDomain (or the name of one of the grid's), got ${String(subdomain)}`);
    }
    if (!Array.isArray(implicitDims) || implicitDims.some((d) => !(d instanceof ConditionalDimension))) {
      throw new InvalidArgumentError('Eq: implicitDims must be an array of ConditionalDimensions');
    }
    this.subdomain = subdomain;
    this.implicitDims = Object.freeze([...implicitDims]);
    if (isComponentwise(lhs) || isComponentwise(rhs)) {
      this.components = Object.freeze(componentPairs(lhs, rhs).map(([l, r]) => new Eq(l, r, options)));
      this.#sides = undefined;
    } else {
      if (!(lhs instanceof Symbolic) && typeof lhs !== 'number') {
        throw new InvalidArgumentError(`Eq: left-hand side must be an expression or a field, got ${String(lhs)}`);
      }
      const left = toExpr(lhs);
      const right = toExpr(rhs);
      // Before the rewrite below, which memoises by key and so would merge two objects of one name.
      checkDistinctNames([left, right]);
      // Derivatives without an explicit x0 are evaluated where the lhs sits (staggered grids).
      this.#sides = { lhs: left, rhs: evaluateAtLhs(left, right) };
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
