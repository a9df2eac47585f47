import { describe, expect, it } from 'vitest';
import { Constant, Eq, Grid, Operator, TimeFunction, solve } from '../../src/index.ts';

/**
 * u_t = a·Δu in [0, L]^d with u = 0 on the walls, started from the lowest mode: the exact solution
 * decays as exp(−a·d·π²·t/L²). Forward Euler (timeOrder 1) multiplies that mode by exactly
 * (1 − dt·λ_h) per step, λ_h the discrete Laplacian's eigenvalue, which the kernel must reproduce.
 */
function decay(ndim: 1 | 2) {
  const L = 1;
  const a = 0.5;
  const points = 49;
  const h = L / (points + 1);
  const dt = (0.2 * h * h) / a;
  const steps = Math.round(0.1 / dt);
  const grid = new Grid({ shape: new Array(ndim).fill(points), extent: new Array(ndim).fill(L - 2 * h), origin: new Array(ndim).fill(h), dtype: 'float64' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
  const diffusivity = new Constant({ name: 'a', value: a, dtype: 'float64' });
  const op = new Operator([new Eq(u.forward, solve(u.dt.sub(diffusivity.mul(u.laplace)), u.forward))], { name: `diffusion${ndim}d` });
  const mode: number[] = [];
  if (ndim === 1) for (let i = 0; i < points; i++) mode.push(Math.sin((Math.PI * (i + 1) * h) / L));
  else for (let i = 0; i < points; i++) for (let j = 0; j < points; j++) mode.push(Math.sin((Math.PI * (i + 1) * h) / L) * Math.sin((Math.PI * (j + 1) * h) / L));
  const size = mode.length;
  u.data.assign([...mode, ...new Array(size).fill(0)]);
  op.apply({ timeMin: 0, timeMax: steps - 1, dt });
  const final = u.data.toArray().subarray((steps % 2) * size, (steps % 2 + 1) * size);
  const lambda = ndim * (4 / (h * h)) * Math.sin((Math.PI * h) / (2 * L)) ** 2;
  const discrete = (1 - dt * a * lambda) ** steps;
  const continuous = Math.exp(-a * ndim * Math.PI ** 2 * steps * dt);
  let discreteError = 0;
  let continuousError = 0;
  for (let k = 0; k < size; k++) {
    discreteError = Math.max(discreteError, Math.abs(final[k]! - mode[k]! * discrete));
    continuousError = Math.max(continuousError, Math.abs(final[k]! - mode[k]! * continuous));
  }
  return { discreteError, continuousError, continuous, steps };
}

describe('diffusion u_t = aΔu (timeOrder 1) against exponential decay (float64)', () => {
  for (const ndim of [1, 2] as const) {
    it(`${ndim}D: decays as exp(−a·d·π²·t) to 1e-3 and as the discrete eigenvalue predicts to 1e-12`, () => {
      const { discreteError, continuousError, continuous, steps } = decay(ndim);
      expect(steps).toBeGreaterThan(500);
      expect(continuous).toBeLessThan(0.8); // a real decay happened
      expect(continuousError / continuous).toBeLessThan(1e-3);
      expect(discreteError).toBeLessThan(1e-12);
    });
  }
});
