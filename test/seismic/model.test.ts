import { describe, expect, it } from 'vitest';
import {
  AcousticWaveSolver, AcquisitionGeometry, DevitoError, GridMismatchError, InvalidArgumentError, MissingParameterError, Operator, SeismicModel, ShapeError,
  TimeFunction, gabor, ricker,
} from '../../src/index.ts';
import { stencilEquations } from '../../src/seismic/acoustic-equations.ts';
import { THREADS, dot, random, randomArray } from './seismic-helpers.ts';

describe('SeismicModel', () => {
  it('pads m = 1/vp² by edge values, and restrictAdjoint is exactly the transpose of the padding', () => {
    const shape = [5, 4];
    const vp = Float64Array.from({ length: 20 }, (_, k) => 1.5 + 0.1 * k);
    const model = new SeismicModel({ vp, shape, spacing: [10, 20], origin: [100, 50], nbl: 3, dtype: 'float64' });
    expect(model.paddedShape).toEqual([11, 10]);
    expect(model.grid.origin).toEqual([70, -10]);
    expect(model.grid.spacing).toEqual([10, 20]);
    const m = model.m.data;
    expect(m.get(3, 3)).toBeCloseTo(1 / 1.5 ** 2, 15); // first physical point
    expect(m.get(0, 0)).toBe(m.get(3, 3)); // corner of the layer copies it
    expect(m.get(10, 5)).toBe(1 / vp[4 * 4 + 2]! ** 2); // last row, physical column 2
    const rand = random(1);
    const a = randomArray(rand, model.size);
    const b = randomArray(rand, model.grid.size);
    expect(Math.abs(dot(model.pad(a), b) - dot(a, model.restrictAdjoint(b)))).toBeLessThan(1e-12);
  });

  it('damping is zero on every physical point and ramps up smoothly to the outer edge', () => {
    const model = new SeismicModel({ vp: 2, shape: [21, 11], spacing: [10, 10], nbl: 10, dtype: 'float64' });
    const damp = model.damp.data;
    for (let i = 10; i <= 30; i++) for (let j = 10; j <= 20; j++) expect(damp.get(i, j)).toBe(0);
    const profile = Array.from({ length: 11 }, (_, k) => damp.get(10 - k, 15));
    for (let k = 1; k <= 10; k++) expect(profile[k]!).toBeGreaterThan(profile[k - 1]!);
    expect(profile[1]! / profile[10]!).toBeLessThan(0.01); // starts like p³: zero slope and curvature at the boundary
    expect(damp.get(0, 0)).toBeCloseTo(2 * damp.get(0, 15), 12); // corners add both axes
  });

  it('the critical dt is 0.8 of the leapfrog limit, and that limit is sharp: 0.99× stays bounded, 1.02× blows up', () => {
    const model = new SeismicModel({ vp: 2, shape: [40, 40], spacing: [10, 10], nbl: 0, spaceOrder: 8, dtype: 'float64' });
    const limit = model.stabilityLimit();
    expect(model.criticalDt).toBeCloseTo(0.8 * limit, 12);
    // so8 second derivative: Σ|w| = 6.5015…, so limit = 2h / (v·√(2·6.5015)) in 2D.
    expect(limit).toBeCloseTo((2 * 10) / (2 * Math.sqrt(2 * (205 / 72 + 2 * (8 / 5 + 1 / 5 + 8 / 315 + 1 / 560)))), 12);
    expect(model.criticalDtFor(16)).toBeLessThan(model.criticalDt);
    const u = new TimeFunction({ name: 'u', grid: model.grid, timeOrder: 2, spaceOrder: 8 });
    const op = new Operator(stencilEquations(u, model), { name: 'seismic_cfl' });
    const rand = random(4);
    const growth = (factor: number): number => {
      u.data.assign(randomArray(rand, u.data.size));
      op.apply({ timeMin: 1, timeMax: 600, dt: factor * limit, ...THREADS });
      return Math.max(...u.data.toArray().map(Math.abs));
    };
    expect(growth(0.99)).toBeLessThan(100);
    expect(growth(1.02)).toBeGreaterThan(1e6);
  });

  it('rejects bad input with DevitoErrors that say what to change, before any C runs', () => {
    const base = { shape: [11, 11], spacing: [10, 10], nbl: 5 } as const;
    expect(() => new SeismicModel({ ...base, vp: new Float32Array(120) })).toThrow(ShapeError);
    expect(() => new SeismicModel({ ...base, vp: new Float32Array(120) })).toThrow(/got 120 values but the model has shape \[11, 11\] = 121 points/);
    expect(() => new SeismicModel({ ...base, vp: 0 })).toThrow(InvalidArgumentError);
    const negative = new Float64Array(121).fill(1.5);
    negative[7] = -1;
    expect(() => new SeismicModel({ ...base, vp: negative })).toThrow(/SeismicModel at point 7: vp must be in km\/s between 0\.1 and 20, got -1$/);
    negative[7] = Number.NaN;
    expect(() => new SeismicModel({ ...base, vp: negative })).toThrow(DevitoError);
    expect(() => new SeismicModel({ ...base, vp: 1.5, nbl: -1 })).toThrow(/nbl must be an integer >= 0/);
    expect(() => new SeismicModel({ ...base, vp: 1.5, shape: [11] })).toThrow(/2 or 3/);
    expect(() => new SeismicModel({ ...base, vp: 1.5, spacing: [10, 0] })).toThrow(/spacing/);
    expect(() => new SeismicModel({ ...base, vp: 1.5, dtype: 'float16' as never })).toThrow(InvalidArgumentError);

    const model = new SeismicModel({ ...base, vp: 1.5 });
    const good = { srcCoordinates: [[50, 20]], recCoordinates: [[10, 10], [90, 10]], tn: 100, f0: 0.01 };
    expect(() => new AcquisitionGeometry(model, { ...good, dt: 2 * model.criticalDt })).toThrow(InvalidArgumentError);
    expect(() => new AcquisitionGeometry(model, { ...good, dt: 2 * model.criticalDt })).toThrow(/above the critical dt/);
    expect(() => new AcquisitionGeometry(model, { ...good, srcCoordinates: [[50, 100.5]] })).toThrow(GridMismatchError);
    // In the absorbing layer (inside the padded grid) is outside the model too.
    expect(() => new AcquisitionGeometry(model, { ...good, recCoordinates: [[-20, 10]] })).toThrow(/outside the physical domain \[0, 100\] m/);
    expect(() => new AcquisitionGeometry(model, { ...good, srcCoordinates: [[50, 20, 3]] })).toThrow(ShapeError);
    expect(() => new AcquisitionGeometry(model, { ...good, f0: 0 })).toThrow(/f0/);
    expect(() => new AcquisitionGeometry(model, { ...good, tn: -5 })).toThrow(/t0 < tn/);

    const geometry = new AcquisitionGeometry(model, good);
    expect(() => new AcousticWaveSolver(model, geometry, { spaceOrder: 16 })).toThrow(/above the critical dt .* for spaceOrder 16/);
    const other = new SeismicModel({ ...base, vp: 1.5 });
    expect(() => new AcousticWaveSolver(other, geometry)).toThrow(GridMismatchError);
    const solver = new AcousticWaveSolver(model, geometry);
    expect(() => solver.born(new Float64Array(10))).toThrow(ShapeError);
    expect(() => solver.forward({ vp: 10 })).toThrow(/unstable for vmax = 10/);
    expect(() => solver.forward({ vp: 1.5, m: new Float64Array(121) })).toThrow(/vp or m, not both/);
    const wrong = new AcquisitionGeometry(model, { ...good, recCoordinates: [[10, 10]] }).newRec();
    expect(() => solver.adjoint(wrong)).toThrow(/1 points × \d+ samples; this solver's geometry has 2 points/);
    const ring = new TimeFunction({ name: 'u', grid: model.grid, timeOrder: 2, spaceOrder: 8 });
    expect(() => solver.gradient(geometry.rec, { u: ring })).toThrow(/saved forward wavefield .* \(forward\(\{ save: true \}\)\.u\)/);
    const outside = geometry.newRec();
    outside.coordinates[0] = -30; // inside the padded grid, in the layer
    expect(() => solver.adjoint(outside)).toThrow(GridMismatchError);
  });

  // Before: vp in m/s (1500) was accepted and planned a thousand times more time steps; the CLI
  // refused it. Both now share one rule (0.1 … 20 km/s).
  it('velocities outside 0.1 … 20 km/s (m/s by mistake) are refused, by the constructor, update and overrides alike', () => {
    const base = { shape: [11, 11], spacing: [10, 10], nbl: 5 } as const;
    expect(() => new SeismicModel({ ...base, vp: 1500 })).toThrow('SeismicModel: vp must be in km/s between 0.1 and 20, got 1500 (1500 looks like m/s: give 1.5 km/s)');
    expect(() => new SeismicModel({ ...base, vp: 0.05 })).toThrow(InvalidArgumentError);
    expect(new SeismicModel({ ...base, vp: 0.1 }).vmax).toBe(0.1);
    const model = new SeismicModel({ ...base, vp: 20 });
    expect(() => model.update({ vp: 25 })).toThrow('SeismicModel.update: vp must be in km/s between 0.1 and 20, got 25');
    expect(() => model.update({ m: new Float64Array(121).fill(1e-6) })).toThrow(/m = 1\/vp² at point 0: vp must be in km\/s between 0\.1 and 20, got 1000/);
  });

  it('options objects with an unknown key are refused, with the known keys', () => {
    const base = { shape: [11, 11], spacing: [10, 10], nbl: 5 } as const;
    expect(() => new SeismicModel({ ...base, vp: 1.5, spaceorder: 4 } as never)).toThrow('SeismicModel: unknown option "spaceorder" (did you mean spaceOrder?); known options: vp, shape, spacing, origin, nbl, spaceOrder, dtype');
    const model = new SeismicModel({ ...base, vp: 1.5 });
    const good = { srcCoordinates: [[50, 20]], recCoordinates: [[10, 10]], tn: 100, f0: 0.01 };
    expect(() => new AcquisitionGeometry(model, { ...good, fO: 0.01 } as never)).toThrow('AcquisitionGeometry: unknown option "fO" (did you mean f0?)');
    const geometry = new AcquisitionGeometry(model, good);
    expect(() => new AcousticWaveSolver(model, geometry, { order: 4 } as never)).toThrow('AcousticWaveSolver: unknown option "order"');
    const solver = new AcousticWaveSolver(model, geometry);
    expect(() => solver.forward({ nthread: 1 } as never)).toThrow('forward: unknown option "nthread" (did you mean nthreads?)');
    expect(() => solver.adjoint(geometry.rec, { save: true } as never)).toThrow('adjoint: unknown option "save"; known options: vp, m, nthreads, autotune');
    expect(() => solver.born(new Float64Array(121), { save: true } as never)).toThrow('born: unknown option "save"');
    expect(() => solver.gradient(geometry.rec, { checkpointing: { ncheckpoints: 3 } } as never)).toThrow('gradient: checkpointing: unknown option "ncheckpoints" (did you mean nCheckpoints?)');
  });

  it('update changes m (not damp); a per-call vp override leaves the model as it was', () => {
    const model = new SeismicModel({ vp: 1.5, shape: [11, 11], spacing: [10, 10], nbl: 5, dtype: 'float64' });
    const damp = model.damp.data.toArray();
    model.update({ vp: 2 });
    expect(model.m.data.get(0, 0)).toBe(0.25);
    expect(Array.from(model.damp.data.toArray())).toEqual(Array.from(damp));
    model.update({ m: new Float64Array(121).fill(1 / 1.5 ** 2) });
    expect(model.vp[60]).toBeCloseTo(1.5, 14);
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[50, 20]], recCoordinates: [[10, 10]], tn: 100, f0: 0.02 });
    const before = model.m.data.toArray();
    new AcousticWaveSolver(model, geometry, { spaceOrder: 4 }).forward({ vp: 1.7, ...THREADS });
    expect(Array.from(model.m.data.toArray())).toEqual(Array.from(before));
  });
});

describe('AcquisitionGeometry and wavelets', () => {
  it('time axis ends exactly at tn with dt ≤ the critical dt; src holds the wavelet at every point', () => {
    const model = new SeismicModel({ vp: 2.5, shape: [21, 21], spacing: [10, 10], nbl: 4 });
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[10, 10], [20, 10]], recCoordinates: [[0, 0]], t0: 0, tn: 250, f0: 0.015 });
    expect(geometry.dt).toBeLessThanOrEqual(model.criticalDt);
    expect((geometry.nt - 1) * geometry.dt).toBeCloseTo(250, 10);
    expect(geometry.nt).toBe(Math.ceil(250 / model.criticalDt) + 1);
    expect(geometry.src.data.shape).toEqual([geometry.nt, 2]);
    const wavelet = ricker(geometry.timeValues, 0.015);
    for (let k = 0; k < geometry.nt; k += 17) {
      expect(geometry.src.data.get(k, 0)).toBe(Math.fround(wavelet[k]!));
      expect(geometry.src.data.get(k, 1)).toBe(Math.fround(wavelet[k]!));
    }
    expect(geometry.rec.data.shape).toEqual([geometry.nt, 1]);
    expect(geometry.rec).not.toBe(geometry.rec); // a fresh set each time, like Devito's
  });

  it('Ricker peaks at 1 at its delay 1/f0 and has zero mean; Gabor peaks at 3/f0', () => {
    const times = Float64Array.from({ length: 8001 }, (_, i) => i * 0.1 - 300);
    const r = ricker(times, 0.01);
    expect(r[4000]).toBe(1); // t = 100 ms
    expect(Math.max(...r)).toBe(1);
    expect(Math.abs(r.reduce((a, b) => a + b, 0) * 0.1)).toBeLessThan(1e-9);
    const g = gabor(times, 0.01);
    expect(g[6000]).toBe(1); // t = 300 ms
    expect(() => ricker(times, -1)).toThrow(InvalidArgumentError);
  });
});

describe('SeismicModel parameters beyond vp', () => {
  const base = { shape: [6, 5], spacing: [10, 10], nbl: 2, spaceOrder: 4 } as const;

  it('holds epsilon, delta, theta, qp, vs, rho as given and pads them like m (edge values)', () => {
    const vs = Array.from({ length: 30 }, (_, k) => 0.5 + k / 100);
    const model = new SeismicModel({ ...base, vp: 2, epsilon: 0.2, delta: 0.1, theta: 0.3, qp: 100, vs, rho: 2.2 });
    expect(['epsilon', 'delta', 'theta', 'qp', 'vs', 'rho'].every((n) => model.has(n as 'vs'))).toBe(true);
    expect(model.has('phi')).toBe(false);
    expect([...model.values('vs')]).toEqual(vs);
    const padded = model.field('vs');
    expect(padded.data.shape).toEqual([10, 9]);
    // Padded corner (0, 0) copies physical (0, 0); padded (9, 8) copies physical (5, 4).
    expect(padded.data.get(0, 0)).toBeCloseTo(vs[0]!, 6);
    expect(padded.data.get(9, 8)).toBeCloseTo(vs[29]!, 6);
    expect(model.field('vs')).toBe(padded);
    expect(model.field('epsilon').data.get(5, 5)).toBeCloseTo(0.2, 6);
  });

  it('a solver asking for a parameter the model lacks gets a MissingParameterError naming it and the solver', () => {
    const model = new SeismicModel({ ...base, vp: 2 });
    expect(() => model.require(['epsilon', 'delta'], 'TTIWaveSolver')).toThrow(MissingParameterError);
    expect(() => model.require(['epsilon', 'delta'], 'TTIWaveSolver')).toThrow(/TTIWaveSolver needs epsilon, delta of the model/);
    expect(() => model.field('qp', 'ViscoacousticWaveSolver')).toThrow(/ViscoacousticWaveSolver needs qp/);
  });

  it('refuses parameter values outside their physical range, phi in 2D and vs ≥ vp', () => {
    expect(() => new SeismicModel({ ...base, vp: 2, epsilon: -0.6 })).toThrow(/epsilon must be a Thomsen ε/);
    expect(() => new SeismicModel({ ...base, vp: 2, qp: 0 })).toThrow(/qp must be a quality factor > 0, got 0/);
    expect(() => new SeismicModel({ ...base, vp: 2, rho: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new SeismicModel({ ...base, vp: 2, phi: 0.1 })).toThrow(/phi \(azimuth\) needs a 3D model/);
    expect(() => new SeismicModel({ ...base, vp: 2, vs: 2 })).toThrow(/vs must be below vp, got vs = 2 ≥ vp = 2/);
    expect(() => new SeismicModel({ ...base, vp: 2, theta: [0.1, 0.2] })).toThrow(ShapeError);
  });
});
