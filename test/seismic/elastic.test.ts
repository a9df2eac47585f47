import { describe, expect, it } from 'vitest';
import {
  AcousticWaveSolver, AcquisitionGeometry, InvalidArgumentError, MissingParameterError, SeismicModel,
} from '../../src/index.ts';
import { ElasticWaveSolver, elasticStabilityLimit } from '../../src/seismic/elastic-solver.ts';
import type { SparseTimeFunction } from '../../src/dsl/sparse.ts';

// One thread: as fast as two on these small grids, and immune to oversubscription (see seismic-helpers.ts).
const THREADS = { nthreads: 1 } as const;

/** Trace `r` of a record (data [nt, npoint]) as float64. */
function trace(rec: SparseTimeFunction, r: number): Float64Array {
  const raw = rec.data.toArray();
  return Float64Array.from({ length: rec.nt }, (_, k) => raw[k * rec.npoint + r]!);
}

/**
 * The lag (in samples, refined by a parabola through the three best) at which b best matches a
 * delayed copy of a — the largest |Σ a[k]·b[k + lag]| — and the sign of that correlation.
 */
function delay(a: Float64Array, b: Float64Array): { lag: number; sign: number } {
  const n = a.length;
  const corr = (lag: number): number => {
    let sum = 0;
    for (let k = Math.max(0, -lag); k < n && k + lag < n; k++) sum += a[k]! * b[k + lag]!;
    return sum;
  };
  let best = 0;
  let bestValue = 0;
  for (let lag = -n + 1; lag < n; lag++) {
    const value = Math.abs(corr(lag));
    if (value > bestValue) { bestValue = value; best = lag; }
  }
  const [l, c, r] = [corr(best - 1), corr(best), corr(best + 1)].map(Math.abs) as [number, number, number];
  const shift = (l - r) / (2 * (l - 2 * c + r));
  return { lag: best + shift, sign: Math.sign(corr(best)) };
}

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) { num += (a[k]! - b[k]!) ** 2; den += b[k]! ** 2; }
  return Math.sqrt(num / den);
}

describe('ElasticWaveSolver: P and S speeds in a homogeneous medium (2D, spaceOrder 8)', () => {
  // Source at x = 200 m, receivers 300 and 600 m away along the same depth: the delay between the
  // two traces (cross-correlation) is 300 m / speed, free of the wavelet's delay and of the 2D
  // waveform's phase, which the two far-field traces share.
  const vp = 2.0;
  const vs = 1.0;
  const model = new SeismicModel({ vp, vs, rho: 1.8, shape: [101, 101], spacing: [10, 10], nbl: 20, spaceOrder: 8 });
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[200, 500]], recCoordinates: [[500, 500], [800, 500]], tn: 850, f0: 0.010 });

  it('explosive source: the pressure record moves at vp within 1%', () => {
    const { rec1 } = new ElasticWaveSolver(model, geometry, { spaceOrder: 8 }).forward(THREADS);
    const { lag, sign } = delay(trace(rec1, 0), trace(rec1, 1));
    const speed = 300 / (lag * geometry.dt);
    console.log(`elastic P speed ${speed.toFixed(4)} km/s (vp ${vp})`);
    expect(sign).toBe(1);
    expect(Math.abs(speed / vp - 1)).toBeLessThan(0.01);
  });

  it('vertical force: the vertical velocity broadside moves at vs within 1% (P radiates no vertical motion there)', () => {
    const { rec2 } = new ElasticWaveSolver(model, geometry, { spaceOrder: 8, source: 'force-z' }).forward(THREADS);
    const near = trace(rec2, 0);
    const { lag, sign } = delay(near, trace(rec2, 1));
    const speed = 300 / (lag * geometry.dt);
    console.log(`elastic S speed ${speed.toFixed(4)} km/s (vs ${vs})`);
    expect(sign).toBe(1);
    expect(Math.abs(speed / vs - 1)).toBeLessThan(0.01);
    // The S peak arrives at 300 m / vs after the wavelet's peak (1/f0 = 100 ms), not at 300 m / vp.
    const peak = near.reduce((best, value, k) => (Math.abs(value) > Math.abs(near[best]!) ? k : best), 0) * geometry.dt;
    expect(Math.abs(peak - (100 + 300 / vs))).toBeLessThan(30);
  });
});

describe('ElasticWaveSolver in 3D (spaceOrder 8)', () => {
  // The 3D kernel has 94 C parameters, more than koffi passes one by one: it takes them in one
  // struct (codegen/print-kernel.ts). Same measurement as in 2D on a tiny cube (30³ at 10 m, 140
  // steps): source at x = 40 m, receivers 100 and 200 m away on its line; the delay between the
  // two traces is 100 m / vp. A 25 Hz wavelet: the 10 Hz one of the 2D test is as long as the cube.
  const vp = 2.0;
  const model = new SeismicModel({ vp, vs: 1.0, rho: 1.8, shape: [30, 30, 30], spacing: [10, 10, 10], nbl: 10, spaceOrder: 8 });
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[40, 140, 140]], recCoordinates: [[140, 140, 140], [240, 140, 140]], tn: 250, f0: 0.025 });

  it('explosive source: the pressure record moves at vp within 2% and decays as 1/r', () => {
    const solver = new ElasticWaveSolver(model, geometry, { spaceOrder: 8 });
    expect(solver.operator().kernel.parameters.length).toBeGreaterThan(64);
    const { rec1 } = solver.forward(THREADS);
    const near = trace(rec1, 0);
    const far = trace(rec1, 1);
    const { lag, sign } = delay(near, far);
    const speed = 100 / (lag * geometry.dt);
    const ratio = Math.max(...far.map(Math.abs)) / Math.max(...near.map(Math.abs));
    console.log(`elastic 3D P speed ${speed.toFixed(4)} km/s (vp ${vp}), far/near amplitude ${ratio.toFixed(3)}`);
    expect(sign).toBe(1);
    expect(Math.abs(speed / vp - 1)).toBeLessThan(0.02);
    // Spherical spreading over twice the distance halves the amplitude (cylindrical, in 2D, would give 0.71).
    expect(ratio).toBeGreaterThan(0.42);
    expect(ratio).toBeLessThan(0.6);
  });
});

describe('ElasticWaveSolver with vs = 0 against the acoustic solver (2D, spaceOrder 4)', () => {
  // With vs = 0 and ρ = 1 the pressure obeys the acoustic leapfrog exactly in time when the
  // acoustic source is m·(s[t] − s[t−1])/dt (see elastic-equations.ts); only the Laplacian differs
  // (staggered D₋D₊ against the centred second derivatives, both fourth order) and the layer
  // (a mask against η·u_t), which the window (220 ms) ends before the layer's echoes arrive.
  const run = (h: number): number => {
    const n = Math.round(500 / h) + 1;
    const nbl = Math.round(200 / h);
    const model = new SeismicModel({ vp: 2.0, vs: 0, shape: [n, n], spacing: [h, h], nbl, spaceOrder: 4 });
    const geometry = new AcquisitionGeometry(model, {
      srcCoordinates: [[250, 250]], recCoordinates: [[400, 250], [250, 420], [370, 360], [130, 180]], tn: 220, f0: 0.015,
    });
    const elastic = new ElasticWaveSolver(model, geometry, { spaceOrder: 4 }).forward(THREADS).rec1;
    const src = geometry.newSrc();
    const s = geometry.wavelet;
    const m = 1 / 2.0 ** 2;
    const f = new Float32Array(geometry.nt);
    for (let t = 1; t < geometry.nt; t++) f[t] = (m * (s[t]! - (t === 1 ? 0 : s[t - 1]!))) / geometry.dt;
    src.data.assign(f);
    const acoustic = new AcousticWaveSolver(model, geometry, { spaceOrder: 4 }).forward({ src, ...THREADS }).rec;
    return relativeL2(elastic.data.toArray(), acoustic.data.toArray());
  };

  it('pressure records agree to 0.3% at h = 10 m and the difference shrinks at least 2x at h = 5 m', () => {
    const coarse = run(10);
    const fine = run(5);
    console.log(`vs = 0 vs acoustic, relative L2: h = 10 m ${coarse.toExponential(3)}, h = 5 m ${fine.toExponential(3)}`);
    expect(coarse).toBeLessThan(3e-3);
    expect(fine).toBeLessThan(coarse / 2);
  });
});

describe('ElasticWaveSolver: free surface (2D, spaceOrder 4)', () => {
  // Source 300 m deep, receiver 100 m deep above it: the surface reflection travels 400 m against
  // the direct wave's 200 m, so it arrives (400 − 200) m / vp = 100 ms later, pressure reversed
  // (reflection coefficient −1 at normal incidence). The reflection alone is the free-surface
  // record minus the record of the same model absorbing on every side.
  const vp = 2.0;
  const model = new SeismicModel({ vp, vs: 1.0, shape: [81, 61], spacing: [10, 10], nbl: 20, spaceOrder: 4 });
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[400, 300]], recCoordinates: [[400, 100]], tn: 400, f0: 0.015 });

  it('reflects the pressure with opposite polarity 100 ms after the direct wave (within 3%)', () => {
    const open = trace(new ElasticWaveSolver(model, geometry, { spaceOrder: 4 }).forward(THREADS).rec1, 0);
    const surface = trace(new ElasticWaveSolver(model, geometry, { spaceOrder: 4, freeSurface: true }).forward(THREADS).rec1, 0);
    const reflection = surface.map((value, k) => value - open[k]!);
    const { lag, sign } = delay(open, reflection);
    const twoWay = lag * geometry.dt;
    const ratio = Math.max(...reflection.map(Math.abs)) / Math.max(...open.map(Math.abs));
    console.log(`free surface: reflection ${twoWay.toFixed(2)} ms after the direct wave (expected 100), amplitude ratio ${ratio.toFixed(3)}, polarity ${sign}`);
    expect(sign).toBe(-1);
    expect(Math.abs(twoWay / 100 - 1)).toBeLessThan(0.03);
    // 2D spreading over 400 m against 200 m: about √(1/2).
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(0.9);
  });
});

describe('ElasticWaveSolver: bad input', () => {
  it('a model without vs is a MissingParameterError before any C is built', () => {
    const model = new SeismicModel({ vp: 2.0, shape: [21, 21], spacing: [10, 10], nbl: 4, spaceOrder: 4 });
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[100, 100]], recCoordinates: [[50, 50]], tn: 50, f0: 0.015 });
    expect(() => new ElasticWaveSolver(model, geometry)).toThrow(MissingParameterError);
    expect(() => new ElasticWaveSolver(model, geometry)).toThrow(/vs/);
  });

  it('refuses a dt above the staggered scheme\'s stability limit', () => {
    // The geometry's dt is 0.8 of the second-order acoustic limit (0.707 h/vp); the 16th-order
    // staggered limit is below it.
    const model = new SeismicModel({ vp: 2.0, vs: 1.0, shape: [21, 21], spacing: [10, 10], nbl: 4, spaceOrder: 2 });
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[100, 100]], recCoordinates: [[50, 50]], tn: 50, f0: 0.015 });
    expect(() => new ElasticWaveSolver(model, geometry, { spaceOrder: 16 })).toThrow(InvalidArgumentError);
    expect(() => new ElasticWaveSolver(model, geometry, { spaceOrder: 16 })).toThrow(/stability limit/);
    expect(() => new ElasticWaveSolver(model, geometry, { source: 'force-y' })).toThrow(InvalidArgumentError);
    expect(() => new ElasticWaveSolver(model, geometry, { freeSurface: 1 as unknown as boolean })).toThrow(InvalidArgumentError);
    const shallow = new SeismicModel({ vp: 2.0, vs: 1.0, shape: [21, 21], spacing: [10, 10], nbl: 1, spaceOrder: 4 });
    const shallowGeometry = new AcquisitionGeometry(shallow, { srcCoordinates: [[100, 100]], recCoordinates: [[50, 50]], tn: 50, f0: 0.015 });
    expect(() => new ElasticWaveSolver(shallow, shallowGeometry, { freeSurface: true })).toThrow(/nbl >= 2/);
  });

  it('the stability limit is h/(vp·√2) at spaceOrder 2 and shrinks with the order', () => {
    expect(elasticStabilityLimit([10, 10], 2, 2)).toBeCloseTo(10 / (2 * Math.SQRT2), 12);
    const limits = [2, 4, 8, 16].map((order) => elasticStabilityLimit([10, 10], order, 2));
    limits.slice(1).forEach((limit, k) => expect(limit).toBeLessThan(limits[k]!));
  });
});
