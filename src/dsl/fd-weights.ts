import { InvalidArgumentError } from '../errors.ts';

/**
 * Finite-difference weights by Fornberg's recursion (Fornberg 1988, "Generation of finite
 * difference formulas on arbitrarily spaced grids"), in exact rational arithmetic so that
 * symmetric stencils get exactly symmetric weights and generated code is reproducible.
 */

interface Rational { readonly num: bigint; readonly den: bigint }

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function rational(num: bigint, den: bigint = 1n): Rational {
  if (den < 0n) { num = -num; den = -den; }
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

const ZERO = rational(0n);
const sub = (a: Rational, b: Rational): Rational => rational(a.num * b.den - b.num * a.den, a.den * b.den);
const times = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
const over = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
const integer = (k: number): Rational => rational(BigInt(k));

/** Half-integers are the only non-integer positions stencils use; store them as k/2. */
function position(x: number): Rational {
  const twice = Math.round(x * 2);
  if (twice !== x * 2) throw new InvalidArgumentError(`finite-difference positions must be multiples of 1/2, got ${x}`);
  return rational(BigInt(twice), 2n);
}

/**
 * Weights of the `order`-th derivative at `x0` from values at `points` (unit spacing):
 * `f^(order)(x0) ≈ Σ weights[i] · f(points[i])`.
 */
export function finiteDifferenceWeights(order: number, points: readonly number[], x0 = 0): number[] {
  if (!Number.isInteger(order) || order < 0) throw new InvalidArgumentError(`derivative order must be a non-negative integer, got ${order}`);
  if (points.length <= order) throw new InvalidArgumentError(`a derivative of order ${order} needs at least ${order + 1} points, got ${points.length}`);
  const xs = points.map((p) => sub(position(p), position(x0)));
  const n = xs.length;
  // c[j][k]: weight of point j for derivative k, built up as points are added one at a time.
  const c: Rational[][] = Array.from({ length: n }, () => new Array<Rational>(order + 1).fill(ZERO));
  c[0]![0] = integer(1);
  let previousProduct = integer(1);
  for (let i = 1; i < n; i++) {
    const highest = Math.min(i, order);
    let product = integer(1);
    for (let j = 0; j < i; j++) {
      const gap = sub(xs[i]!, xs[j]!);
      product = times(product, gap);
      if (j === i - 1) {
        for (let k = highest; k >= 1; k--) {
          const lower = times(integer(k), c[i - 1]![k - 1]!);
          c[i]![k] = over(times(previousProduct, sub(lower, times(xs[i - 1]!, c[i - 1]![k]!))), product);
        }
        c[i]![0] = over(times(previousProduct, times(integer(-1), times(xs[i - 1]!, c[i - 1]![0]!))), product);
      }
      for (let k = highest; k >= 1; k--) {
        c[j]![k] = over(sub(times(xs[i]!, c[j]![k]!), times(integer(k), c[j]![k - 1]!)), gap);
      }
      c[j]![0] = over(times(xs[i]!, c[j]![0]!), gap);
    }
    previousProduct = product;
  }
  return c.map((row) => Number(row[order]!.num) / Number(row[order]!.den));
}

/**
 * Stencil points for a derivative of `order` with accuracy `fdOrder` evaluated at `shift`
 * (0: centred, ±1/2: staggered): the smallest symmetric set around `shift` that reaches the order.
 */
export function stencilPoints(order: number, fdOrder: number, shift = 0): number[] {
  // order + fdOrder − 1 points reach accuracy fdOrder; symmetry about `shift` wants an odd count
  // when centred on a grid point and an even count when centred between two.
  let count = order + fdOrder - 1;
  const staggered = shift !== Math.round(shift);
  if ((count % 2 === 0) !== staggered) count += 1;
  const first = shift - (count - 1) / 2;
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * Time stencil points for a TimeFunction of `timeOrder`: the `timeOrder + 1` levels its ring
 * holds, `t + 1 − timeOrder … t + 1` (forward for order 1, centred for 2), so `solve(pde,
 * u.forward)` gives an explicit update; evaluated at t, a first derivative is `timeOrder`-th
 * order accurate.
 */
export function timeStencilPoints(timeOrder: number): number[] {
  return Array.from({ length: timeOrder + 1 }, (_, i) => i + 1 - timeOrder);
}
