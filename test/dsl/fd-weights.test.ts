import { describe, expect, it } from 'vitest';
import { finiteDifferenceWeights } from '../../src/index.ts';
import { stencilPoints } from '../../src/dsl/fd-weights.ts';

function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-15): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(tolerance));
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** Σ w_i (p_i − x0)^j, and Σ |w_i (p_i − x0)^j| as the scale of its rounding error. */
function moment(weights: readonly number[], points: readonly number[], x0: number, j: number): [number, number] {
  let sum = 0;
  let scale = 0;
  weights.forEach((w, i) => {
    const term = w * (points[i]! - x0) ** j;
    sum += term;
    scale += Math.abs(term);
  });
  return [sum, scale];
}

function expectMoments(order: number, points: readonly number[], x0: number, upTo: number): void {
  const weights = finiteDifferenceWeights(order, points, x0);
  for (let j = 0; j <= upTo; j++) {
    const [sum, scale] = moment(weights, points, x0, j);
    const exact = j === order ? factorial(order) : 0;
    const tolerance = 1e-13 * Math.max(1, scale);
    if (Math.abs(sum - exact) > tolerance) {
      throw new Error(`order ${order}, points [${points.join(', ')}], x0 ${x0}: moment ${j} = ${sum}, expected ${exact} (±${tolerance})`);
    }
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('finiteDifferenceWeights: known tables', () => {
  it('second derivative, order 2: [1, −2, 1]', () => {
    expectClose(finiteDifferenceWeights(2, [-1, 0, 1]), [1, -2, 1]);
  });

  it('second derivative, order 4: [−1/12, 4/3, −5/2, 4/3, −1/12]', () => {
    expectClose(finiteDifferenceWeights(2, [-2, -1, 0, 1, 2]), [-1 / 12, 4 / 3, -5 / 2, 4 / 3, -1 / 12]);
  });

  it('first derivative, order 4: [1/12, −2/3, 0, 2/3, −1/12]', () => {
    const weights = finiteDifferenceWeights(1, [-2, -1, 0, 1, 2]);
    expectClose(weights, [1 / 12, -2 / 3, 0, 2 / 3, -1 / 12]);
    expect(weights[2]).toBe(0);
  });

  it('staggered first derivative at x0 = 0.5 from [−1, 0, 1, 2]: [1/24, −9/8, 9/8, −1/24]', () => {
    expectClose(finiteDifferenceWeights(1, [-1, 0, 1, 2], 0.5), [1 / 24, -9 / 8, 9 / 8, -1 / 24]);
  });

  it('more entries of the standard tables', () => {
    expectClose(finiteDifferenceWeights(1, [-1, 0, 1]), [-1 / 2, 0, 1 / 2]);
    expectClose(finiteDifferenceWeights(1, [0, 1]), [-1, 1]);
    expectClose(finiteDifferenceWeights(1, [0, 1], 0.5), [-1, 1]);
    expectClose(finiteDifferenceWeights(2, [-3, -2, -1, 0, 1, 2, 3]), [1 / 90, -3 / 20, 3 / 2, -49 / 18, 3 / 2, -3 / 20, 1 / 90]);
    expectClose(finiteDifferenceWeights(3, [-2, -1, 0, 1, 2]), [-1 / 2, 1, 0, -1, 1 / 2]);
    expectClose(finiteDifferenceWeights(4, [-2, -1, 0, 1, 2]), [1, -4, 6, -4, 1], 1e-14);
    expectClose(finiteDifferenceWeights(1, [0, 1, 2]), [-3 / 2, 2, -1 / 2]);
    expectClose(finiteDifferenceWeights(0, [-1, 0, 1]), [0, 1, 0]);
    expectClose(finiteDifferenceWeights(0, [0, 1], 0.5), [0.5, 0.5]);
  });

  it('symmetric stencils get exactly symmetric (even) or antisymmetric (odd) weights', () => {
    for (let radius = 1; radius <= 8; radius++) {
      const points = Array.from({ length: 2 * radius + 1 }, (_, i) => i - radius);
      const second = finiteDifferenceWeights(2, points);
      const first = finiteDifferenceWeights(1, points);
      for (let i = 0; i < points.length; i++) {
        expect(second[i]).toBe(second[points.length - 1 - i]);
        expect(first[i]! + first[points.length - 1 - i]!).toBe(0);
      }
    }
  });

  it('rejects too few points and non-half-integer positions', () => {
    expect(() => finiteDifferenceWeights(2, [0, 1])).toThrow('at least 3 points');
    expect(() => finiteDifferenceWeights(1, [0, 0.3])).toThrow('multiples of 1/2');
  });
});

describe('finiteDifferenceWeights: moment conditions Σ w_i p_i^j = j!·δ(j, order)', () => {
  it('holds, to the requested accuracy, for the centred stencils the compiler uses (orders 1–4, fdOrder 2–16)', () => {
    for (let order = 1; order <= 4; order++) {
      for (let fdOrder = 2; fdOrder <= 16; fdOrder += 2) {
        const points = stencilPoints(order, fdOrder, 0);
        expect(points.map((p, i) => p + points[points.length - 1 - i]!)).toEqual(points.map(() => 0));
        // Error O(h^fdOrder): moments vanish up to degree order + fdOrder − 1 (and up to n − 1).
        expectMoments(order, points, 0, Math.max(order + fdOrder - 1, points.length - 1));
      }
    }
  });

  it('holds, to the requested accuracy, for staggered first and third derivatives (x0 = ±1/2)', () => {
    for (const order of [1, 3]) {
      for (let fdOrder = 2; fdOrder <= 16; fdOrder += 2) {
        for (const shift of [0.5, -0.5]) {
          const points = stencilPoints(order, fdOrder, shift);
          expectMoments(order, points, shift, Math.max(order + fdOrder - 1, points.length - 1));
        }
      }
    }
  });

  it('holds for random orders 1–4 on random point sets of up to 17 points', () => {
    const random = seeded(20240601);
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const order = 1 + Math.floor(random() * 4);
      const size = order + 1 + Math.floor(random() * (17 - order));
      // Distinct half-integer positions in [−8, 8].
      const pool = Array.from({ length: 33 }, (_, i) => (i - 16) / 2);
      const points: number[] = [];
      while (points.length < size) {
        const p = pool.splice(Math.floor(random() * pool.length), 1)[0]!;
        points.push(p);
      }
      const x0 = (Math.floor(random() * 9) - 4) / 2;
      expectMoments(order, points, x0, size - 1);
      checked++;
    }
    expect(checked).toBe(200);
  });

  it('is not exact one degree beyond the points (the check can fail)', () => {
    const points = [-2, -1, 0, 1, 2];
    const weights = finiteDifferenceWeights(2, points);
    const [sixth] = moment(weights, points, 0, 6);
    expect(Math.abs(sixth)).toBeGreaterThan(1);
  });
});
