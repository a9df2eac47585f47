import { InvalidArgumentError, ShapeError } from '../errors.ts';
import { add, gridOf, mul, toExpr, type DimensionRef, type Expr, type ExprLike, type Symbolic } from './expr.ts';
import { TensorExpr, VectorExpr, isComponentwise, type ScalarLike } from './vector-expr.ts';

// div, grad and curl of scalars, vectors and tensors (Devito's operators of the same names). Each
// derivative is left without x0: in an Eq it is evaluated where the left-hand side sits, so on a
// staggered grid every term lands on the right half point.

/** The space dimensions a vector or tensor lives on; its size must be their number. */
function dimensionsOf(components: readonly Expr[], size: number, what: string): readonly DimensionRef[] {
  const { dimensions } = gridOf(components);
  if (dimensions.length !== size) {
    throw new ShapeError(`${what} has ${size} components per row but its grid has ${dimensions.length} dimensions; give one component per dimension`);
  }
  return dimensions;
}

const vectorDims = (v: VectorExpr<Symbolic>, what: string): readonly DimensionRef[] => dimensionsOf([...v.exprs], v.size, what);

/**
 * Divergence: of a vector, the scalar `Σᵢ ∂ᵢ vᵢ`; of a tensor, the vector `(Σⱼ ∂ⱼ τᵢⱼ)ᵢ`; of a
 * scalar, `Σᵢ ∂ᵢ f` (as Devito's `div` of a Function).
 */
export function div(value: TensorExpr<Symbolic>): VectorExpr;
export function div(value: VectorExpr<Symbolic> | ScalarLike): Expr;
export function div(value: TensorExpr<Symbolic> | VectorExpr<Symbolic> | ScalarLike): Expr | VectorExpr {
  if (value instanceof TensorExpr) {
    const dims = dimensionsOf(value.exprs.flat(), value.size, 'div: the tensor');
    return new VectorExpr(value.components.map((row) => add(...row.map((c, j) => c.diff(dims[j]!, 1)))));
  }
  if (value instanceof VectorExpr) {
    const dims = vectorDims(value, 'div: the vector');
    return add(...value.components.map((c, i) => c.diff(dims[i]!, 1)));
  }
  const f = toExpr(value);
  return add(...gridOf(f).dimensions.map((d) => f.diff(d, 1)));
}

/** Gradient: of a scalar, the vector `(∂ᵢ f)ᵢ`; of a vector, the tensor `(∂ⱼ vᵢ)ᵢⱼ` (row i: component i). */
export function grad(value: VectorExpr<Symbolic>): TensorExpr;
export function grad(value: ScalarLike): VectorExpr;
export function grad(value: VectorExpr<Symbolic> | ScalarLike): VectorExpr | TensorExpr {
  if (value instanceof TensorExpr) throw new ShapeError('grad: the gradient of a tensor is not supported; take grad of a scalar or a vector');
  if (value instanceof VectorExpr) {
    const dims = vectorDims(value, 'grad: the vector');
    return new TensorExpr(value.components.map((c) => dims.map((d) => c.diff(d, 1))));
  }
  const f = toExpr(value);
  return new VectorExpr(gridOf(f).dimensions.map((d) => f.diff(d, 1)));
}

/**
 * Curl of a vector: in 3D the vector `∇ × v`; in 2D the scalar `∂ₓv_y − ∂ᵧvₓ` (the one component
 * of the 3D curl of (vₓ, v_y, 0) that is not zero).
 */
export function curl(value: VectorExpr<Symbolic>): Expr | VectorExpr {
  if (!(value instanceof VectorExpr)) throw new ShapeError('curl: takes a vector (a VectorFunction or grad(f)), got a scalar or a tensor');
  const dims = vectorDims(value, 'curl: the vector');
  const d = (i: number, j: number): Expr => value.components[i]!.diff(dims[j]!, 1);
  if (value.size === 2) return add(d(1, 0), mul(-1, d(0, 1)));
  if (value.size === 3) {
    return new VectorExpr([add(d(2, 1), mul(-1, d(1, 2))), add(d(0, 2), mul(-1, d(2, 0))), add(d(1, 0), mul(-1, d(0, 1)))]);
  }
  throw new ShapeError('curl: needs a 2D or 3D vector, got one component');
}

/** The `size`×`size` tensor with `value` on the diagonal and zeros elsewhere (Devito's `diag`). */
export function diag(value: ScalarLike, size: number): TensorExpr {
  if (isComponentwise(value)) throw new ShapeError('diag: takes a scalar expression');
  if (!Number.isInteger(size) || size < 1 || size > 3) throw new InvalidArgumentError(`diag: size must be 1, 2 or 3, got ${size}`);
  const v = toExpr(value as ExprLike);
  return new TensorExpr(Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? v : toExpr(0)))));
}
