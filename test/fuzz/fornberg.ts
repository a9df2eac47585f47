/**
 * The reference's own finite-difference weights (independent of src/dsl/fd-weights.ts): Fornberg's
 * recursion (Fornberg 1988, Math. Comp. 51) in exact BigInt rationals, so weights are the exactly
 * rounded doubles and a float64 comparison is not blurred by the reference's own rounding.
 */

type Q = readonly [bigint, bigint];

const abs = (a: bigint): bigint => (a < 0n ? -a : a);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a); b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
function q(n: bigint, d = 1n): Q {
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d) || 1n;
  return [n / g, d / g];
}
const qsub = (a: Q, b: Q): Q => q(a[0] * b[1] - b[0] * a[1], a[1] * b[1]);
const qmul = (a: Q, b: Q): Q => q(a[0] * b[0], a[1] * b[1]);
const qdiv = (a: Q, b: Q): Q => q(a[0] * b[1], a[1] * b[0]);
/** Stencil positions are multiples of 1/2. */
const half = (x: number): Q => q(BigInt(Math.round(2 * x)), 2n);

/** Exact rational → nearest double (numerator and denominator may exceed 2^53). */
function toDouble([n, d]: Q): number {
  const scale = 80n;
  const scaled = (abs(n) << scale) / d;
  const value = Number(scaled) / 2 ** 80;
  return n < 0n ? -value : value;
}

/** Weights w such that f^(m)(x0) ≈ Σ w_i f(xs_i), unit spacing (the textbook recursion). */
export function fornbergWeights(m: number, xs: readonly number[], x0: number): number[] {
  const n = xs.length;
  const c: Q[][] = Array.from({ length: n }, () => Array.from({ length: m + 1 }, () => q(0n)));
  const z = xs.map((x) => qsub(half(x), half(x0)));
  let c1: Q = q(1n);
  let c4: Q = z[0]!;
  c[0]![0] = q(1n);
  for (let i = 1; i < n; i++) {
    const mn = Math.min(i, m);
    let c2: Q = q(1n);
    const c5 = c4;
    c4 = z[i]!;
    for (let j = 0; j < i; j++) {
      const c3 = qsub(z[i]!, z[j]!);
      c2 = qmul(c2, c3);
      if (j === i - 1) {
        for (let k = mn; k >= 1; k--) {
          c[i]![k] = qdiv(qmul(c1, qsub(qmul(q(BigInt(k)), c[i - 1]![k - 1]!), qmul(c5, c[i - 1]![k]!))), c2);
        }
        c[i]![0] = qdiv(qmul(q(-1n), qmul(c1, qmul(c5, c[i - 1]![0]!))), c2);
      }
      for (let k = mn; k >= 1; k--) {
        c[j]![k] = qdiv(qsub(qmul(c4, c[j]![k]!), qmul(q(BigInt(k)), c[j]![k - 1]!)), c3);
      }
      c[j]![0] = qdiv(qmul(c4, c[j]![0]!), c3);
    }
    c1 = c2;
  }
  return c.map((row) => toDouble(row[m]!));
}

/**
 * The documented stencil rule (README, "derivatives of any even order"): the smallest set of
 * points symmetric about `shift` that reaches accuracy `fdOrder` for derivative `order`:
 * order + fdOrder − 1 points, one more when needed for an odd count centred on a grid point
 * (shift integral) or an even count centred between points (shift half-integral).
 */
export function spacePoints(order: number, fdOrder: number, shift: number): number[] {
  let count = order + fdOrder - 1;
  const staggered = !Number.isInteger(shift);
  if ((count % 2 === 0) !== staggered) count += 1;
  const first = shift - (count - 1) / 2;
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Time stencils: forward [t, t+1] for timeOrder 1, centred [t−1, t, t+1] for timeOrder 2. */
export const timePoints = (timeOrder: number): number[] => (timeOrder === 1 ? [0, 1] : [-1, 0, 1]);

export interface Stencil { readonly points: readonly number[]; readonly weights: readonly number[] }
const cache = new Map<string, Stencil>();

export function spaceStencil(order: number, fdOrder: number, shift: number): Stencil {
  const key = `s${order},${fdOrder},${shift}`;
  let s = cache.get(key);
  if (!s) {
    const points = spacePoints(order, fdOrder, shift);
    s = { points, weights: fornbergWeights(order, points, shift) };
    cache.set(key, s);
  }
  return s;
}

export function timeStencil(order: number, timeOrder: number): Stencil {
  const key = `t${order},${timeOrder}`;
  let s = cache.get(key);
  if (!s) {
    const points = timePoints(timeOrder);
    s = { points, weights: fornbergWeights(order, points, 0) };
    cache.set(key, s);
  }
  return s;
}
