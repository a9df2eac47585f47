import { describe, expect, it } from 'vitest';
import { AcquisitionGeometry, SeismicModel } from '../../../src/index.ts';
import { fwi, type FwiIteration } from '../../../src/seismic/inversion/fwi.ts';
import { modelShots } from '../../../src/seismic/inversion/shots.ts';

// 2D 50 × 40 at 10 m: a linear-in-depth background and a circular fast anomaly; float64.
const shape = [50, 40];
const [nx, nz] = shape as [number, number];
const background = Float64Array.from({ length: nx * nz }, (_, k) => 1.5 + (0.4 * (k % nz)) / nz);
const truth = background.map((v, k) => (Math.hypot(((k / nz) | 0) - 25, (k % nz) - 22) <= 6 ? v + 0.3 : v));
const bounds: [number, number] = [1.5, 2.0];
const error = (vp: ArrayLike<number>): number => Math.sqrt(Array.from(vp).reduce((s, v, k) => s + (v - truth[k]!) ** 2, 0));

function problem() {
  const model = new SeismicModel({ vp: background, shape, spacing: [10, 10], nbl: 10, spaceOrder: 4, dtype: 'float64' });
  const recCoordinates = Array.from({ length: 25 }, (_, i) => [5 + 20 * i, 15]);
  const geometries = [[80.5, 15.2], [250.5, 15.2], [420.5, 15.2]].map((s) => new AcquisitionGeometry(model, { srcCoordinates: [s], recCoordinates, tn: 450, f0: 0.015, dt: 1.5 }));
  // Observed data in the true model (vmax 2.1: above the bounds, so the upper bound is active).
  const shots = modelShots({ model, geometries, vp: truth, nthreads: 1 });
  return { model, shots };
}

describe('fwi', () => {
  for (const method of ['lbfgs', 'gradient-descent'] as const) {
    it(`${method}: 5 iterations, misfit and ‖vp − vp_true‖ decrease at every iteration, bounds hold exactly`, () => {
      const { model, shots } = problem();
      const seen: FwiIteration[] = [];
      const result = fwi({ model, shots, iterations: 5, bounds, method, nthreads: 1, onIteration: (info) => { seen.push(info); } });
      const errors = [error(background), ...seen.map((s) => error(s.vp))];
      console.log(`${method}: misfit ${result.history.map((m) => m.toExponential(3)).join(' → ')}; model error ${errors.map((e) => e.toFixed(4)).join(' → ')}; ${result.evaluations} evaluations`);
      expect(result.iterations).toBe(5);
      expect(seen).toHaveLength(5);
      for (let k = 1; k < result.history.length; k++) expect(result.history[k]!).toBeLessThan(result.history[k - 1]!);
      for (let k = 1; k < errors.length; k++) expect(errors[k]!).toBeLessThan(errors[k - 1]!);
      for (const info of seen) {
        expect(info.misfit).toBeLessThan(info.previousMisfit);
        expect(info.gradientNorm).toBeGreaterThan(0);
        expect(info.step).toBeGreaterThan(0);
      }
      const min = result.vp.reduce((a, b) => Math.min(a, b));
      const max = result.vp.reduce((a, b) => Math.max(a, b));
      expect(min).toBeGreaterThanOrEqual(bounds[0]);
      expect(max).toBeLessThanOrEqual(bounds[1]);
      // The model itself is left as it was.
      expect(Array.from(model.vp)).toEqual(Array.from(background));
    });
  }

  it('an active bound: with vmax = 1.8 below the background (to 1.9) every model tried stays in [1.5, 1.8], and the result touches 1.8 exactly', () => {
    const { model, shots } = problem();
    const tried: Float64Array[] = [];
    const result = fwi({ model, shots, iterations: 2, bounds: [1.5, 1.8], nthreads: 1, precondition: (g, vp) => { tried.push(vp.slice()); return g; } });
    expect(result.iterations).toBe(2);
    for (const vp of [...tried, result.vp]) {
      expect(vp.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(1.5);
      expect(vp.reduce((a, b) => Math.max(a, b))).toBeLessThanOrEqual(1.8);
    }
    expect(result.vp.some((v) => v === 1.8)).toBe(true);
  });

  it('with a water mute (depth 100 m, 30 m taper) and illumination compensation: the muted rows stay at vp0 exactly, misfit decreases', () => {
    const { model, shots } = problem();
    const result = fwi({ model, shots, iterations: 2, bounds, nthreads: 1, mute: { depth: 100, taper: 30 }, illumination: true });
    expect(result.iterations).toBe(2);
    expect(result.history[2]!).toBeLessThan(result.history[0]!);
    let changedBelow = 0;
    result.vp.forEach((v, k) => {
      if ((k % nz) * 10 < 100) expect(v).toBe(background[k]);
      else if (v !== background[k]) changedBelow++;
    });
    expect(changedBelow).toBeGreaterThan(100);
  });

  it('rejects bounds whose vmax is unstable for the geometry dt', () => {
    const { model, shots } = problem();
    expect(() => fwi({ model, shots, bounds: [1.5, 6], iterations: 1 })).toThrow(/unstable at the upper bound/);
  });
});
