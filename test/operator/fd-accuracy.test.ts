import { describe, expect, it } from 'vitest';
import { Eq, Function, Grid, Operator, type Expr } from '../../src/index.ts';
import { convergenceOrder } from '../helpers.ts';

type Which = 'dx' | 'dx2' | 'laplace';

/**
 * Applies `which` to `f` sampled on a float64 grid of spacing h and returns the max error
 * against `exact` over points whose whole stencil lies inside the domain.
 */
function derivativeError(
  which: Which,
  k: number,
  h: number,
  length: number,
  f: (x: number, y: number) => number,
  exact: (x: number, y: number) => number,
  origin = 0,
): number {
  const n = Math.round(length / h) + 1;
  const twoD = which === 'laplace';
  const shape = twoD ? [n, n] : [n];
  const grid = new Grid({ shape, extent: shape.map(() => (n - 1) * h), origin: shape.map(() => origin), dtype: 'float64' });
  const u = new Function({ name: 'u', grid, spaceOrder: k });
  const out = new Function({ name: 'out', grid, spaceOrder: k });
  const coord = (i: number): number => origin + i * h;
  const values: number[] = [];
  if (twoD) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) values.push(f(coord(i), coord(j)));
  else for (let i = 0; i < n; i++) values.push(f(coord(i), 0));
  u.data.assign(values);
  const expr: Expr = which === 'dx' ? u.dx : which === 'dx2' ? u.dx2 : u.laplace;
  new Operator([new Eq(out, expr)], { name: `fd_${which}` }).apply({});
  const result = out.data.toArray();
  const r = k / 2;
  let error = 0;
  if (twoD) {
    for (let i = r; i < n - r; i++) for (let j = r; j < n - r; j++) {
      error = Math.max(error, Math.abs(result[i * n + j]! - exact(coord(i), coord(j))));
    }
  } else {
    for (let i = r; i < n - r; i++) error = Math.max(error, Math.abs(result[i]! - exact(coord(i), 0)));
  }
  return error;
}

// Spacings per order, chosen so errors stay above round-off yet in the asymptotic range.
const SPACINGS: Record<number, number[]> = {
  2: [0.2, 0.1, 0.05, 0.025],
  4: [0.2, 0.1, 0.05, 0.025],
  8: [0.4, 0.3, 0.2, 0.15],
  12: [0.5, 0.4, 0.35, 0.3, 0.25],
};

const smooth: Record<Which, [(x: number, y: number) => number, (x: number, y: number) => number]> = {
  dx: [(x) => Math.sin(x), (x) => Math.cos(x)],
  dx2: [(x) => Math.sin(x), (x) => -Math.sin(x)],
  laplace: [(x, y) => Math.sin(x) * Math.cos(0.7 * y), (x, y) => -1.49 * Math.sin(x) * Math.cos(0.7 * y)],
};

describe('finite-difference accuracy (float64, through gcc)', () => {
  for (const k of [2, 4, 8, 12]) {
    for (const which of ['dx', 'dx2', 'laplace'] as const) {
      it(`${which} at spaceOrder ${k} converges at order ${k}`, () => {
        const hs = SPACINGS[k]!;
        const [f, exact] = smooth[which];
        const errors = hs.map((h) => derivativeError(which, k, h, which === 'laplace' ? 8 : 30, f, exact));
        const order = convergenceOrder(hs, errors);
        // Round-off of a second derivative here is about eps·Σ|w|/h² ≈ 5e-14: stay above it.
        for (const e of errors) expect(e).toBeGreaterThan(2e-13);
        expect(Math.abs(order - k)).toBeLessThan(0.3);
      });
    }

    it(`dx, dx2 and laplace at spaceOrder ${k} are exact on polynomials of degree ${k}`, () => {
      // Deterministic coefficients in [-1, 1]; the degree-k term is always present.
      const coefficients = Array.from({ length: k + 1 }, (_, j) => Math.sin(3.7 * j + 1));
      const p = (x: number): number => coefficients.reduce((s, c, j) => s + c * x ** j, 0);
      const dp = (x: number): number => coefficients.reduce((s, c, j) => s + (j > 0 ? j * c * x ** (j - 1) : 0), 0);
      const d2p = (x: number): number => coefficients.reduce((s, c, j) => s + (j > 1 ? j * (j - 1) * c * x ** (j - 2) : 0), 0);
      const scale = Math.max(...Array.from({ length: 9 }, (_, i) => Math.abs(d2p(-2 + i * 0.5))), 1);
      const h = 0.125;
      expect(derivativeError('dx', k, h, 4, p, dp, -2) / scale).toBeLessThan(1e-10);
      expect(derivativeError('dx2', k, h, 4, p, d2p, -2) / scale).toBeLessThan(1e-10);
      const q = (x: number, y: number): number => p(x) + p(y) * 0.5 + x * y;
      const lapq = (x: number, y: number): number => d2p(x) + d2p(y) * 0.5;
      expect(derivativeError('laplace', k, h, 4, q, lapq, -2) / scale).toBeLessThan(1e-10);
      // The same stencils are not exact one degree beyond their reach: the check has teeth.
      const high = (x: number): number => x ** (k + 2);
      const d2high = (x: number): number => (k + 2) * (k + 1) * x ** k;
      expect(derivativeError('dx2', k, h, 4, high, d2high, -2)).toBeGreaterThan(1e-8);
    });
  }
});
