import { describe, expect, it } from 'vitest';
import { Constant, Eq, Grid, Operator, TimeFunction, solve } from '../../src/index.ts';
import { convergenceOrder, maxAbs } from '../helpers.ts';

/**
 * Standing wave u = Πd sin(π x_d / L) · cos(ω t) of u_tt = c²Δu in the box [0, L]^d with u = 0 on
 * the walls. The grid holds the interior points h … L−h; the spaceOrder-2 halo sits exactly on
 * the walls and stays zero, which is the Dirichlet condition.
 */
function standingWave(ndim: 1 | 2, points: number, steps: number, frequency: 'continuous' | 'semi-discrete') {
  const L = 1;
  const c = 1;
  // At t = 0.8 neither mode is near an extremum of cos(ωt), so phase errors show at first order.
  const T = 0.8;
  const h = L / (points + 1);
  const dt = T / steps;
  const grid = new Grid({ shape: new Array(ndim).fill(points), extent: new Array(ndim).fill(L - 2 * h), origin: new Array(ndim).fill(h), dtype: 'float64' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 2 });
  const c2 = new Constant({ name: 'c2', value: c * c, dtype: 'float64' });
  const op = new Operator([new Eq(u.forward, solve(u.dt2.sub(c2.mul(u.laplace)), u.forward))], { name: `wave${ndim}d` });

  // The semi-discrete frequency is that of the exact solution of the space-discretised system,
  // so comparing with it isolates the time-stepping error.
  const omega = frequency === 'continuous'
    ? c * Math.PI * Math.sqrt(ndim) / L
    : Math.sqrt(ndim * ((2 * c) / h) ** 2 * Math.sin((Math.PI * h) / (2 * L)) ** 2);
  const shape = grid.shape;
  const mode: number[] = [];
  if (ndim === 1) for (let i = 0; i < points; i++) mode.push(Math.sin((Math.PI * (i + 1) * h) / L));
  else for (let i = 0; i < points; i++) for (let j = 0; j < points; j++) mode.push(Math.sin((Math.PI * (i + 1) * h) / L) * Math.sin((Math.PI * (j + 1) * h) / L));
  const size = shape.reduce((a, b) => a * b, 1);
  const all = new Float64Array(3 * size);
  for (let k = 0; k < size; k++) {
    all[k] = mode[k]!;
    all[size + k] = mode[k]! * Math.cos(omega * dt);
  }
  u.data.assign(all);
  op.apply({ timeMin: 1, timeMax: steps - 1, dt });
  const final = u.data.toArray().subarray((steps % 3) * size, (steps % 3 + 1) * size);
  const expected = mode.map((m) => m * Math.cos(omega * T));
  let error = 0;
  for (let k = 0; k < size; k++) error = Math.max(error, Math.abs(final[k]! - expected[k]!));
  return { error, dt, amplitude: maxAbs(final) };
}

describe('wave equation u_tt = c²Δu against a standing wave (float64)', () => {
  for (const ndim of [1, 2] as const) {
    it(`${ndim}D: within 2e-4 of the analytic solution at t = 0.8`, () => {
      const { error, amplitude } = standingWave(ndim, 99, 2000, 'continuous');
      expect(amplitude).toBeGreaterThan(0.5); // the wave is really there at t = T
      expect(error).toBeLessThan(2e-4);
    });

    it(`${ndim}D: converges at second order in dt`, () => {
      const steps = [100, 200, 400, 800];
      const runs = steps.map((n) => standingWave(ndim, 49, n, 'semi-discrete'));
      const order = convergenceOrder(runs.map((r) => r.dt), runs.map((r) => r.error));
      expect(runs[0]!.error).toBeGreaterThan(1e-6);
      expect(Math.abs(order - 2)).toBeLessThan(0.1);
    });
  }
});
