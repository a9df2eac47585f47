import { describe, expect, it } from 'vitest';
import { Constant, Eq, Function, Grid, LoweringError, Operator, TimeFunction, cos, exp, sin, solve, sqrt } from '../../src/index.ts';
import { convergenceOrder } from '../helpers.ts';

function mixedDerivativeError(k: number, h: number): number {
  const n = Math.round(6 / h) + 1;
  const grid = new Grid({ shape: [n, n], extent: [(n - 1) * h, (n - 1) * h], dtype: 'float64' });
  const f = new Function({ name: 'f', grid, spaceOrder: k });
  const g = new Function({ name: 'g', grid, spaceOrder: k });
  const values: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) values.push(Math.sin(i * h) * Math.cos(j * h));
  f.data.assign(values);
  new Operator([new Eq(g, f.dx.dy)], { name: 'mixed' }).apply({});
  const out = g.data.toArray();
  let error = 0;
  for (let i = k / 2; i < n - k / 2; i++) for (let j = k / 2; j < n - k / 2; j++) {
    error = Math.max(error, Math.abs(out[i * n + j]! + Math.cos(i * h) * Math.sin(j * h)));
  }
  return error;
}

describe('operator features', () => {
  for (const k of [2, 4, 8]) {
    it(`mixed derivative u.dx.dy converges at order ${k}`, () => {
      const hs = k === 8 ? [0.4, 0.3, 0.2] : [0.2, 0.1, 0.05];
      const errors = hs.map((h) => mixedDerivativeError(k, h));
      expect(Math.abs(convergenceOrder(hs, errors) - k)).toBeLessThan(0.3);
    });
  }

  it('u.dx.dx needs a halo of spaceOrder and says so; with that halo it is the square of dx', () => {
    const grid = new Grid({ shape: [64], extent: [2 * Math.PI], dtype: 'float64' });
    const f = new Function({ name: 'f', grid, spaceOrder: 4 });
    const g = new Function({ name: 'g', grid, spaceOrder: 4 });
    expect(() => new Operator([new Eq(g, f.dx.dx)])).toThrow(LoweringError);
    expect(() => new Operator([new Eq(g, f.dx.dx)])).toThrow(/halo: 4/);
    const wide = new Function({ name: 'wide', grid, spaceOrder: 4, halo: 4 });
    const h = grid.spacing[0]!;
    wide.data.assign(Array.from({ length: 64 }, (_, i) => Math.sin(i * h)));
    new Operator([new Eq(g, wide.dx.dx)], { name: 'dxdx' }).apply({});
    const out = g.data.toArray();
    for (let i = 8; i < 56; i++) expect(Math.abs(out[i]! + Math.sin(i * h))).toBeLessThan(2e-3);
  });

  it('math functions and powers evaluate like JavaScript (float64: 1e-14, float32: 1e-6 relative)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const grid = new Grid({ shape: [7, 5], dtype });
      const a = new Function({ name: 'a', grid });
      const out = new Function({ name: 'out', grid });
      const c = new Constant({ name: 'c', value: 0.25, dtype });
      const values = Array.from({ length: 35 }, (_, i) => 0.1 + i / 10);
      a.data.assign(dtype === 'float32' ? Float32Array.from(values) : values);
      const expr = sqrt(a).add(sin(a).mul(cos(a.mul(2)))).sub(exp(a.neg())).add(a.pow(3).div(a.add(c))).add(a.pow(0.5).mul(c));
      new Operator([new Eq(out, expr)], { name: `mathfns_${dtype}` }).apply({});
      const result = out.data.toArray();
      const stored = a.data.toArray();
      stored.forEach((x, i) => {
        const expected = Math.sqrt(x) + Math.sin(x) * Math.cos(2 * x) - Math.exp(-x) + x ** 3 / (x + 0.25) + Math.sqrt(x) * 0.25;
        expect(Math.abs(result[i]! - expected) / Math.abs(expected)).toBeLessThan(dtype === 'float64' ? 1e-14 : 1e-6);
      });
    }
  });

  it('a saved TimeFunction keeps every time index; a backward operator runs time downwards', () => {
    const grid = new Grid({ shape: [5], dtype: 'float64' });
    const u = new TimeFunction({ name: 'u', grid, save: 10 });
    const forward = new Operator([new Eq(u.forward, u.add(1))], { name: 'count_up' });
    const summary = forward.apply({}); // default range: every index the buffer can hold
    expect(summary.timesteps).toBe(9);
    for (let t = 0; t < 10; t++) expect(u.data.get(t, 2)).toBe(t);
    const v = new TimeFunction({ name: 'v', grid, save: 10 });
    v.data.set(9, 0, 1);
    // v(t−1) = 2·v(t) + u(t): runs t = 9 … 1, so v(0) = Σ 2^t·u(t) + 2^9·v(9).
    const backward = new Operator([new Eq(v.backward, v.mul(2).add(u))], { name: 'count_down' });
    backward.apply({ timeMin: 1, timeMax: 9 });
    let expected = 2 ** 9;
    for (let t = 1; t <= 9; t++) expected += 2 ** (t - 1) * t;
    expect(v.data.get(0, 0)).toBe(expected);
    expect(backward.ccode).toContain('for (int time = time_M; time >= time_m; time -= 1)');
  });

  it('the performance summary: least bytes per point (u at t−1, t, t+1 and m: 16 B), OI, rates from the C timers', () => {
    const grid = new Grid({ shape: [40, 40] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const m = new Function({ name: 'm', grid });
    m.data.fill(1);
    const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'summary_check' });
    expect(op.bytesPerPoint).toBe(16);
    expect(op.flopsPerPoint).toBeGreaterThan(10);
    const summary = op.apply({ timeMin: 1, timeMax: 50, dt: 0.1, nthreads: 1 });
    expect(summary.timesteps).toBe(50);
    expect(summary.points).toBe(1600);
    expect(summary.operationalIntensity).toBeCloseTo(op.flopsPerPoint / 16, 12);
    expect(summary.elapsedSeconds).toBeGreaterThan(0);
    expect(summary.gpointsPerSecond).toBeCloseTo((1600 * 50) / summary.elapsedSeconds / 1e9, 9);
    expect(summary.gflopsPerSecond / summary.gpointsPerSecond).toBeCloseTo(op.flopsPerPoint, 9);
  });

  it('solve reproduces the explicit acoustic update u⁺ = 2u − u⁻ + dt²/m·Δu', () => {
    const grid = new Grid({ shape: [9, 9], dtype: 'float64' });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 2 });
    const m = new Function({ name: 'm', grid });
    const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'acoustic_check' });
    const init = Array.from({ length: 3 * 81 }, (_, i) => Math.sin(i * 0.37));
    u.data.assign(init);
    const mvals = Array.from({ length: 81 }, (_, i) => 0.4 + 0.01 * i);
    m.data.assign(mvals);
    const dt = 0.3;
    op.apply({ timeMin: 1, timeMax: 1, dt });
    const at = (slot: number, i: number, j: number): number => (i < 0 || j < 0 || i > 8 || j > 8 ? 0 : init[slot * 81 + i * 9 + j]!);
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) {
      const lap = at(1, i - 1, j) + at(1, i + 1, j) + at(1, i, j - 1) + at(1, i, j + 1) - 4 * at(1, i, j);
      const expected = 2 * at(1, i, j) - at(0, i, j) + (dt * dt / mvals[i * 9 + j]!) * lap;
      expect(Math.abs(u.data.get(2, i, j) - expected)).toBeLessThan(1e-13);
    }
  });
});
