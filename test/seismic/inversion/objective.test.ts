import { describe, expect, it } from 'vitest';
import { AcquisitionGeometry, SeismicModel } from '../../../src/index.ts';
import { FwiObjective, fwiObjective } from '../../../src/seismic/inversion/objective.ts';
import { modelShots } from '../../../src/seismic/inversion/shots.ts';
import { convergenceOrder } from '../../helpers.ts';
import { dot } from '../seismic-helpers.ts';

// Small 2D float64 problem: 50 × 40 points at 10 m, a 10-point layer, two shots, 21 receivers.
const shape = [50, 40];
const [nx, nz] = shape as [number, number];
const background = Float64Array.from({ length: nx * nz }, (_, k) => 1.5 + (0.6 * (k % nz)) / nz);
const truth = background.map((v, k) => v + 0.25 * Math.exp(-((((k / nz) | 0) - 25) ** 2) / 30 - ((k % nz) - 22) ** 2 / 30));

function problem() {
  const model = new SeismicModel({ vp: background, shape, spacing: [10, 10], nbl: 10, spaceOrder: 4, dtype: 'float64' });
  const recCoordinates = Array.from({ length: 21 }, (_, i) => [5 + 23.5 * i, 20]);
  const geometries = [[120.5, 15.2], [370.5, 15.2]].map((s) => new AcquisitionGeometry(model, { srcCoordinates: [s], recCoordinates, tn: 450, f0: 0.015, dt: 1.5 }));
  const shots = modelShots({ model, geometries, vp: truth, nthreads: 1 });
  return { model, shots };
}

describe('fwiObjective', () => {
  it('Taylor test w.r.t. vp: first-order residual slope 1 ± 0.1, second-order slope 2 ± 0.2', () => {
    const { model, shots } = problem();
    expect(shots[0]!.geometry.nt).toBeLessThanOrEqual(400);
    const objective = new FwiObjective({ model, shots, nthreads: 1 });
    const { misfit: j0, gradient, perShot } = objective.evaluate(background);
    expect(perShot).toHaveLength(2);
    expect(j0).toBeGreaterThan(0);
    // A smooth perturbation of at most 0.002 km/s, a blob beside the anomaly (not orthogonal to the gradient).
    const dv = Float64Array.from({ length: nx * nz }, (_, k) => 0.002 * Math.exp(-((((k / nz) | 0) - 20) ** 2) / 60 - ((k % nz) - 18) ** 2 / 60));
    const slope = dot(gradient, dv);
    const hs = [1, 1 / 2, 1 / 4, 1 / 8, 1 / 16];
    const first: number[] = [];
    const second: number[] = [];
    for (const h of hs) {
      const j = objective.misfit(background.map((v, k) => v + h * dv[k]!));
      first.push(Math.abs(j - j0));
      second.push(Math.abs(j - j0 - h * slope));
    }
    const p1 = convergenceOrder(hs, first);
    const p2 = convergenceOrder(hs, second);
    console.log(`Taylor slopes: first ${p1.toFixed(3)}, second ${p2.toFixed(3)}; J0 = ${j0.toExponential(3)}`);
    expect(Math.abs(p1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(p2 - 2)).toBeLessThan(0.2);
    objective.release();
  });

  it('checkpointed evaluation gives the saved-history misfit and gradient (bitwise)', () => {
    const { model, shots } = problem();
    const saved = fwiObjective({ model, shots, nthreads: 1 });
    const checkpointed = fwiObjective({ model, shots, nthreads: 1, checkpointing: { nCheckpoints: 6 } });
    expect(checkpointed.misfit).toBe(saved.misfit);
    expect(Array.from(checkpointed.gradient)).toEqual(Array.from(saved.gradient));
    // Chain rule: ∂J/∂vp = −2/vp³ · ∂J/∂m.
    const k = 22 * nz + 20;
    expect(saved.gradient[k]).toBeCloseTo((-2 * saved.gradientM[k]!) / background[k]! ** 3, 12);
  });
});
