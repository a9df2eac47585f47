import { InvalidArgumentError, ShapeError, SolveError } from '../errors.ts';
import { isSymbolic, add, mul, pow, toExpr, type DiffOptions, type AccessExpr, type DimensionRef, type Expr, type ExprLike, type Symbolic } from './expr.ts';

// Vectors and tensors of expressions, componentwise (Devito's VectorFunction / TensorFunction
// algebra). They are not expressions themselves: `Eq` and `solve` split them into components.

/** What scales a vector or tensor: a number, an expression, a field or a Constant. */
export type ScalarLike = ExprLike;

const describe = (value: unknown): string =>
  value instanceof VectorExpr ? `a vector of ${value.size}` : value instanceof TensorExpr ? `a ${value.size}×${value.size} tensor` : 'a scalar';

/** A vector of expressions (`components[i]` along space dimension i): what `grad(p)` gives. */
export class VectorExpr<C extends Symbolic = Expr> {
  readonly components: readonly C[];

  constructor(components: readonly C[]) {
    const given: unknown = components;
    if (!Array.isArray(given) || given.length < 1 || given.length > 3) {
      throw new ShapeError(`a vector takes 1 to 3 components, got ${Array.isArray(given) ? given.length : String(given)}`);
    }
    if (!given.every((c: unknown) => isSymbolic(c))) throw new InvalidArgumentError('vector components must be expressions or fields');
    this.components = Object.freeze([...components]);
  }

  get size(): number { return this.components.length; }

  /** The components as expressions. */
  get exprs(): readonly Expr[] { return this.components.map((c) => c.toExpr()); }

  /** A new vector of `fn` applied to each component. */
  map(fn: (component: C, index: number) => ExprLike): VectorExpr {
    return new VectorExpr(this.components.map((c, i) => toExpr(fn(c, i))));
  }

  add(other: VectorExpr<Symbolic>): VectorExpr { return this.zip(other, 'add', (a, b) => add(a, b)); }
  sub(other: VectorExpr<Symbolic>): VectorExpr { return this.zip(other, 'subtract', (a, b) => add(a, mul(-1, b))); }
  /** Every component times a scalar. */
  mul(scalar: ScalarLike): VectorExpr { const s = scalarOf(scalar, 'multiply'); return this.map((c) => mul(c.toExpr(), s)); }
  /** Every component divided by a scalar. */
  div(scalar: ScalarLike): VectorExpr { const s = scalarOf(scalar, 'divide'); return this.map((c) => mul(c.toExpr(), pow(s, -1))); }
  neg(): VectorExpr { return this.map((c) => mul(-1, c.toExpr())); }

  /** Inner product Σ aᵢ bᵢ. */
  dot(other: VectorExpr<Symbolic>): Expr {
    checkSameSize(this, other, 'take the dot product of');
    return add(...this.components.map((c, i) => mul(c.toExpr(), other.components[i]!.toExpr())));
  }

  /** Componentwise derivative. */
  diff(dim: DimensionRef, order = 1, options: DiffOptions = {}): VectorExpr { return this.map((c) => c.diff(dim, order, options)); }
  get dt(): VectorExpr { return this.map((c) => c.dt); }
  get dt2(): VectorExpr { return this.map((c) => c.dt2); }

  toString(): string { return `[${this.exprs.map((e) => e.key).join(', ')}]`; }

  private zip(other: VectorExpr<Symbolic>, verb: string, fn: (a: Expr, b: Expr) => Expr): VectorExpr {
    checkSameSize(this, other, verb);
    return this.map((c, i) => fn(c.toExpr(), other.components[i]!.toExpr()));
  }
}

/** A square tensor of expressions (`components[i][j]`): what `grad(v)` gives. */
export class TensorExpr<C extends Symbolic = Expr> {
  readonly components: readonly (readonly C[])[];

  constructor(components: readonly (readonly C[])[]) {
    const n = Array.isArray(components) ? components.length : 0;
    if (n < 1 || n > 3 || !components.every((row) => Array.isArray(row) && row.length === n)) {
      throw new ShapeError(`a tensor takes n rows of n components (n = 1, 2 or 3), got rows of lengths [${Array.isArray(components) ? components.map((r) => (Array.isArray(r) ? r.length : '?')).join(', ') : ''}]`);
    }
    if (!components.every((row) => row.every((c: unknown) => isSymbolic(c)))) throw new InvalidArgumentError('tensor components must be expressions or fields');
    this.components = Object.freeze(components.map((row) => Object.freeze([...row])));
  }

  get size(): number { return this.components.length; }

  /** The components as expressions. */
  get exprs(): readonly (readonly Expr[])[] { return this.components.map((row) => row.map((c) => c.toExpr())); }

  map(fn: (component: C, i: number, j: number) => ExprLike): TensorExpr {
    return new TensorExpr(this.components.map((row, i) => row.map((c, j) => toExpr(fn(c, i, j)))));
  }

  add(other: TensorExpr<Symbolic>): TensorExpr { return this.zip(other, 'add', (a, b) => add(a, b)); }
  sub(other: TensorExpr<Symbolic>): TensorExpr { return this.zip(other, 'subtract', (a, b) => add(a, mul(-1, b))); }
  mul(scalar: ScalarLike): TensorExpr { const s = scalarOf(scalar, 'multiply'); return this.map((c) => mul(c.toExpr(), s)); }
  div(scalar: ScalarLike): TensorExpr { const s = scalarOf(scalar, 'divide'); return this.map((c) => mul(c.toExpr(), pow(s, -1))); }
  neg(): TensorExpr { return this.map((c) => mul(-1, c.toExpr())); }

  /** The transpose: `T.components[i][j]` is `components[j][i]`. */
  get T(): TensorExpr<C> {
    return new TensorExpr(this.components.map((row, i) => row.map((_, j) => this.components[j]![i]!)));
  }

  /** Sum of the diagonal. */
  get trace(): Expr { return add(...this.components.map((row, i) => row[i]!.toExpr())); }

  /** Matrix–vector product: `(T·v)ᵢ = Σⱼ Tᵢⱼ vⱼ`. */
  dot(vector: VectorExpr<Symbolic>): VectorExpr {
    if (!(vector instanceof VectorExpr) || vector.size !== this.size) {
      throw new ShapeError(`cannot multiply a ${this.size}×${this.size} tensor by ${describe(vector)}`);
    }
    return new VectorExpr(this.components.map((row) => add(...row.map((c, j) => mul(c.toExpr(), vector.components[j]!.toExpr())))));
  }

  diff(dim: DimensionRef, order = 1, options: DiffOptions = {}): TensorExpr { return this.map((c) => c.diff(dim, order, options)); }
  get dt(): TensorExpr { return this.map((c) => c.dt); }
  get dt2(): TensorExpr { return this.map((c) => c.dt2); }

  toString(): string { return `[${this.exprs.map((row) => `[${row.map((e) => e.key).join(', ')}]`).join(', ')}]`; }

  private zip(other: TensorExpr<Symbolic>, verb: string, fn: (a: Expr, b: Expr) => Expr): TensorExpr {
    if (!(other instanceof TensorExpr) || other.size !== this.size) {
      throw new ShapeError(`cannot ${verb} a ${this.size}×${this.size} tensor and ${describe(other)}`);
    }
    return this.map((c, i, j) => fn(c.toExpr(), other.components[i]![j]!.toExpr()));
  }
}

/** A vector or a tensor: what `Eq` and `solve` split into components. */
export type Componentwise = VectorExpr<Symbolic> | TensorExpr<Symbolic>;

export function isComponentwise(value: unknown): value is Componentwise {
  return value instanceof VectorExpr || value instanceof TensorExpr;
}

/** The components of a vector or tensor, row by row. */
function flatComponents(value: Componentwise): Expr[] {
  return value instanceof VectorExpr ? [...value.exprs] : value.exprs.flat();
}

/**
 * The scalar pairs `lhs = rhs` stands for, one per component (a number on the right applies to
 * every component); a component that appears twice on the left (a symmetric tensor's) once.
 */
export function componentPairs(lhs: unknown, rhs: unknown): [Expr, Expr][] {
  if (!isComponentwise(lhs)) throw new ShapeError(`Eq: the left-hand side is ${describe(lhs)} but the right-hand side ${describe(rhs)}; give both the same shape`);
  const left = flatComponents(lhs);
  let right: Expr[];
  if (typeof rhs === 'number') right = left.map(() => toExpr(rhs));
  else if (isComponentwise(rhs) && sameShape(lhs, rhs)) right = flatComponents(rhs);
  else throw new ShapeError(`Eq: the left-hand side is ${describe(lhs)} but the right-hand side ${describe(rhs)}; give both the same shape`);
  const seen = new Set<string>();
  const pairs: [Expr, Expr][] = [];
  left.forEach((l, k) => {
    if (seen.has(l.key)) return;
    seen.add(l.key);
    pairs.push([l, right[k]!]);
  });
  return pairs;
}

/** Whether two vectors or tensors have the same kind and size. */
function sameShape(a: Componentwise, b: Componentwise): boolean {
  return (a instanceof VectorExpr) === (b instanceof VectorExpr) && a.size === b.size;
}

function checkSameSize(a: VectorExpr<Symbolic>, b: unknown, verb: string): void {
  if (!(b instanceof VectorExpr) || b.size !== a.size) throw new ShapeError(`cannot ${verb} a vector of ${a.size} and ${describe(b)}`);
}

function scalarOf(value: unknown, verb: string): Expr {
  if (isComponentwise(value)) throw new ShapeError(`cannot ${verb} componentwise by ${describe(value)}; use dot for products of vectors and tensors`);
  return toExpr(value as ExprLike);
}

/**
 * `solve` of a vector or tensor equation, component by component: `residual` is the vector or
 * tensor that must vanish (or an Eq's component residuals, one per unique component), `target`
 * the vector or tensor of accesses to solve for (`v.forward`).
 */
export function solveComponentwise(
  residual: unknown,
  target: Componentwise,
  solveOne: (residual: Expr, target: AccessExpr) => Expr,
): Componentwise {
  const targets = flatComponents(target);
  let residuals: readonly Expr[];
  if (Array.isArray(residual)) residuals = residual as Expr[];
  else if (isComponentwise(residual) && sameShape(residual, target)) residuals = flatComponents(residual);
  else throw new ShapeError(`solve: the target is ${describe(target)} but the equation ${describe(residual)}; give both the same shape`);
  const unique = targets.filter((t, k) => targets.findIndex((u) => u.key === t.key) === k);
  const paired = residuals.length === targets.length ? targets : residuals.length === unique.length ? unique : undefined;
  if (!paired) throw new ShapeError(`solve: ${residuals.length} component equations for ${unique.length} distinct target components`);
  const solved = new Map<string, Expr>();
  paired.forEach((t, k) => {
    if (t.kind !== 'access') throw new SolveError(`solve: target component ${t.key} is not a field access; solve for v.forward or tau.forward`);
    if (!solved.has(t.key)) solved.set(t.key, solveOne(residuals[k]!, t));
  });
  const at = (t: Expr): Expr => solved.get(t.key)!;
  return target instanceof VectorExpr ? new VectorExpr(target.exprs.map(at)) : new TensorExpr(target.exprs.map((row) => row.map(at)));
}
