import { InvalidArgumentError } from '../errors.ts';
import { ConditionalDimension } from './conditional.ts';
import { AccessExpr, Symbolic, toExpr, type Expr, type ExprLike } from './expr.ts';
import { SubDomain } from './subdomain.ts';

export interface EqOptions {
  /** Update only this subdomain's points: a SubDomain of the fields' grid (or its name), or `grid.interior`. */
  subdomain?: SubDomain | string;
  /** Run only where these conditional dimensions are on (every factor-th step, or where their condition holds). */
  implicitDims?: readonly ConditionalDimension[];
}

/** An equation `lhs = rhs`: in an Operator, `lhs` must be a field access that gets assigned. */
export class Eq {
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly subdomain: SubDomain | string | undefined;
  readonly implicitDims: readonly ConditionalDimension[];

  constructor(lhs: ExprLike, rhs: ExprLike = 0, options: EqOptions = {}) {
    if (!(lhs instanceof Symbolic) && typeof lhs !== 'number') {
      throw new InvalidArgumentError(`Eq: left-hand side must be an expression or a field, got ${String(lhs)}`);
    }
    this.lhs = toExpr(lhs);
    this.rhs = toExpr(rhs);
    const { subdomain, implicitDims = [] } = options ?? {};
    if (subdomain !== undefined && typeof subdomain !== 'string' && !(subdomain instanceof SubDomain)) {
      throw new InvalidArgumentError(`Eq: subdomain must be a SubDomain (or the name of one of the grid's), got ${String(subdomain)}`);
    }
    if (!Array.isArray(implicitDims) || implicitDims.some((d) => !(d instanceof ConditionalDimension))) {
      throw new InvalidArgumentError('Eq: implicitDims must be an array of ConditionalDimensions');
    }
    this.subdomain = subdomain;
    this.implicitDims = Object.freeze([...implicitDims]);
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
