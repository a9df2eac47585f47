import { describe, expect, it } from 'vitest';
import { AcousticWaveSolver, AcquisitionGeometry, Operator, SeismicModel, SparseTimeFunction, TimeFunction, type Dtype } from '../../src/index.ts';
import { forwardEquations, freeSurface } from '../../src/seismic/acoustic-equations.ts';
import { isIteration, nodesOf } from '../../src/ir/visit.ts';
import { bufferOf } from '../helpers.ts';
import { THREADS, dot, dotTestResidual, random, randomArray, texturedVelocity } from './seismic-helpers.ts';

/**
 * A textured model with a 10-point layer (6 in 3D) under a free surface; sources and receivers
 * off the grid, some within a point of the surface (their stencils touch the surface row) and
 * one on it.
 */
function surfaceSolver(ndim: 2 | 3, spaceOrder: number, dtype: Dtype, seed = 1): AcousticWaveSolver {
  const shape = ndim === 2 ? [61, 51] : [25, 23, 21];
  const spacing = shape.map(() => 10);
  const model = new SeismicModel({ vp: texturedVelocity(shape, random(seed)), shape, spacing, nbl: ndim === 2 ? 10 : 6, spaceOrder, dtype });
  const extent = shape.map((n) => (n - 1) * 10);
  const depthsSrc = [23.7, 4.3];
  const srcCoordinates = [0.43, 0.61].map((f, s) => extent.map((e, d) => (d === ndim - 1 ? depthsSrc[s]! : e * f + 3.3)));
  const depthsRec = [0, 3.1, 7.7, 31.3, 12.2, 45.9, 18.4];
  const recCoordinates = depthsRec.map((z, i) => extent.map((e, d) => (d === ndim - 1 ? z : e * (0.07 + 0.13 * i) + 1.7)));
  const geometry = new AcquisitionGeometry(model, { srcCoordinates, recCoordinates, t0: 0, tn: 300, f0: 0.015 });
  return new AcousticWaveSolver(model, geometry, { spaceOrder, freeSurface: true });
}

/** Index (fractional, by a parabola through the neighbours) of the largest |value|. */
function peak(values: ArrayLike<number>): { index: number; value: number } {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]!) > Math.abs(values[best]!)) best = i;
  const [a, b, c] = [values[best - 1] ?? 0, values[best]!, values[best + 1] ?? 0];
  const denominator = a - 2 * b + c;
  return { index: best + (denominator === 0 ? 0 : (0.5 * (a - c)) / denominator), value: b };
}

describe('acoustic solver with a free surface', () => {
  it('the surface ghost: opposite polarity, arriving at (path via the mirror image)/vp', () => {
    const vp = 2.0; // km/s = m/ms
    const model = new SeismicModel({ vp, shape: [101, 61], spacing: [10, 10], nbl: 40, spaceOrder: 8, dtype: 'float64' });
    const depth = 200;
    const [xs, xr] = [300, 700];
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[xs, depth]], recCoordinates: [[xr, depth]], t0: 0, tn: 500, f0: 0.015 });
    const surface = new AcousticWaveSolver(model, geometry, { freeSurface: true });
    const absorbing = new AcousticWaveSolver(model, geometry);
    const withSurface = surface.forward(THREADS).rec.data.toArray();
    const direct = absorbing.forward(THREADS).rec.data.toArray();
    const ghost = withSurface.map((value, k) => value - direct[k]!);

    // The ghost against the direct wave: the lag of the extreme cross-correlation, and its sign.
    const nt = geometry.nt;
    const correlation = Float64Array.from({ length: nt }, (_, lag) => {
      let sum = 0;
      for (let t = 0; t + lag < nt; t++) sum += ghost[t + lag]! * direct[t]!;
      return sum;
    });
    const { index: lagSamples, value: best } = peak(correlation);
    const directPath = xr - xs;
    const ghostPath = Math.hypot(xr - xs, 2 * depth); // from the image source at −depth
    const lag = lagSamples * geometry.dt;
    const directTime = peak(direct).index * geometry.dt;
    const ghostTime = directTime + lag;
    const expectedGhostTime = directTime + (ghostPath - directPath) / vp;
    // Measured: lag 82.65 ms against 82.84 ms; ghost at 355.30 ms against 355.49 ms (0.05%).
    expect(best).toBeLessThan(0); // opposite polarity
    expect(Math.abs(ghostTime - expectedGhostTime) / expectedGhostTime).toBeLessThan(0.02);
    expect(Math.abs(lag - (ghostPath - directPath) / vp) / ((ghostPath - directPath) / vp)).toBeLessThan(0.05);
    // The ghost's own peak: the opposite sign of the direct one's, about √(400/566) = 0.84 of it (2D spreading; measured −0.833).
    const ghostPeak = peak(ghost);
    const directPeak = peak(direct);
    expect(Math.sign(ghostPeak.value)).toBe(-Math.sign(directPeak.value));
    expect(Math.abs(ghostPeak.value / directPeak.value)).toBeGreaterThan(0.6);
    expect(Math.abs(ghostPeak.value / directPeak.value)).toBeLessThan(1.0);
    expect(Math.abs(ghostPeak.index * geometry.dt - expectedGhostTime) / expectedGhostTime).toBeLessThan(0.02);

    // The wavefield: zero on the surface row and above it (the top layer goes unused), not below.
    const u = surface.forward(THREADS).u;
    const slot = u.slotOf(nt - 1);
    const z0 = model.nbl;
    const [nx, nz] = model.paddedShape as [number, number];
    let moving = 0;
    for (let x = 0; x < nx; x++) {
      for (let z = 0; z <= z0; z++) expect(u.data.get(slot, x, z)).toBe(0);
      if (u.data.get(slot, x, z0 + 1) !== 0) moving++;
    }
    expect(moving).toBe(nx);
    expect(nz).toBe(141);
  });

  // Measured (float64): 2D so4 4.1e-15, so8 1.9e-15, so12 2.2e-15, 3D so4 1.5e-16; float32 2D so8 1.1e-6.
  const cases: { ndim: 2 | 3; spaceOrder: number; dtype: Dtype; tolerance: number }[] = [
    { ndim: 2, spaceOrder: 4, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 8, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 12, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 3, spaceOrder: 4, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 8, dtype: 'float32', tolerance: 1e-5 },
  ];
  for (const { ndim, spaceOrder, dtype, tolerance } of cases) {
    it(`${ndim}D spaceOrder ${spaceOrder} ${dtype}: forward and adjoint are transposes, |⟨Fq, d⟩ − ⟨q, Fᵀd⟩| / |⟨Fq, d⟩| < ${tolerance}`, () => {
      const solver = surfaceSolver(ndim, spaceOrder, dtype);
      const { geometry, model } = solver;
      const rand = random(100 + spaceOrder);
      const q = geometry.newSrc('q');
      q.data.assign(randomArray(rand, geometry.nt * geometry.nsrc, model.dtype));
      const d = geometry.newRec('d');
      d.data.assign(randomArray(rand, geometry.nt * geometry.nrec, model.dtype));
      const Fq = solver.forward({ src: q, ...THREADS }).rec.data.toArray();
      const FTd = solver.adjoint(d, THREADS).srca.data.toArray();
      const { lhs, residual } = dotTestResidual(Fq, d.data.toArray(), q.data.toArray(), FTd);
      expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
      expect(residual).toBeLessThan(tolerance);
      // The receiver on the surface records nothing; the one within a point of it, something.
      const nrec = geometry.nrec;
      expect(Fq.every((value, k) => k % nrec !== 0 || value === 0)).toBe(true);
      expect(Fq.some((value, k) => k % nrec === 1 && value !== 0)).toBe(true);
    });
  }

  // Measured: 2D so8 4.0e-15, 3D so4 1.9e-14.
  const linearCases: { ndim: 2 | 3; spaceOrder: number; tolerance: number }[] = [
    { ndim: 2, spaceOrder: 8, tolerance: 1e-10 },
    { ndim: 3, spaceOrder: 4, tolerance: 1e-10 },
  ];
  for (const { ndim, spaceOrder, tolerance } of linearCases) {
    it(`${ndim}D spaceOrder ${spaceOrder} float64: the gradient is the adjoint of Born, |⟨J dm, d⟩ − ⟨dm, Jᵀd⟩| / |⟨J dm, d⟩| < ${tolerance}`, () => {
      const solver = surfaceSolver(ndim, spaceOrder, 'float64', 3);
      const { model, geometry } = solver;
      const rand = random(17);
      const dm = randomArray(rand, model.size, 'float64');
      const d = geometry.newRec('d');
      d.data.assign(randomArray(rand, geometry.nt * geometry.nrec, 'float64'));
      const { rec: Jdm } = solver.born(dm, THREADS);
      const { grad } = solver.gradient(d, THREADS);
      const { lhs, residual } = dotTestResidual(Jdm.data.toArray(), d.data.toArray(), dm, grad);
      expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
      expect(residual).toBeLessThan(tolerance);
      // dm on the surface row changes nothing (u is zero there): its gradient is zero.
      const nz = model.shape[ndim - 1]!;
      expect(grad.every((g, k) => k % nz !== 0 || g === 0)).toBe(true);
    });
  }

  it('checkpointed gradient: bitwise the saved-history gradient and shot record (2D spaceOrder 8 float32)', () => {
    const solver = surfaceSolver(2, 8, 'float32', 5);
    const { geometry } = solver;
    const residual = geometry.newRec('residual');
    residual.data.assign(randomArray(random(23), geometry.nt * geometry.nrec, 'float32'));
    const { rec, u } = solver.forward({ save: true, ...THREADS });
    const reference = solver.gradient(residual, { u, ...THREADS }).grad;
    const checkpointed = solver.gradient(residual, { checkpointing: { nCheckpoints: 6 }, ...THREADS });
    expect(bufferOf(checkpointed.grad).equals(bufferOf(reference))).toBe(true);
    expect(bufferOf(checkpointed.rec!.data.raw).equals(bufferOf(rec.data.raw))).toBe(true);
    expect(checkpointed.revolver!.forwardSteps).toBeGreaterThan(geometry.nt - 2);
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0);
    solver.releaseCheckpoints();
  });

  it('3D forward: the time-tiled kernel gives bitwise the untiled one', () => {
    const solver = surfaceSolver(3, 4, 'float32', 9);
    const { model, geometry } = solver;
    const surface = freeSurface(model.grid, model.nbl, 4);
    const make = (): { u: TimeFunction; src: SparseTimeFunction; rec: SparseTimeFunction } => {
      const u = new TimeFunction({ name: 'u', grid: model.grid, timeOrder: 2, spaceOrder: 4, });
      const src = new SparseTimeFunction({ name: 'src', grid: model.grid, npoint: geometry.nsrc, nt: geometry.nt, coordinates: geometry.srcCoordinates });
      src.data.raw.set(geometry.src.data.raw);
      const rec = new SparseTimeFunction({ name: 'rec', grid: model.grid, npoint: geometry.nrec, nt: geometry.nt, coordinates: geometry.recCoordinates });
      return { u, src, rec };
    };
    const a = make();
    const b = make();
    const medium = { m: model.m, damp: model.damp };
    const tiled = new Operator(forwardEquations(a.u, medium, a.src, a.rec, surface), { name: 'fs_tiled' });
    const plain = new Operator(forwardEquations(b.u, medium, b.src, b.rec, surface), { name: 'fs_plain', passes: { timeTiling: false } });
    const args = { timeMin: 1, timeMax: geometry.nt - 2, dt: geometry.dt, nthreads: 2 };
    tiled.apply(args);
    plain.apply(args);
    // The pass tiles it (the mirrored rows read the step before's data only).
    expect(nodesOf(tiled.kernel.body, isIteration).some((loop) => loop.role === 'wave')).toBe(true);
    expect(bufferOf(a.u.data.raw).equals(bufferOf(b.u.data.raw))).toBe(true);
    expect(bufferOf(a.rec.data.raw).equals(bufferOf(b.rec.data.raw))).toBe(true);
    expect(dot(a.rec.data.toArray(), a.rec.data.toArray())).toBeGreaterThan(0);
  });

  it('needs no absorbing layer above the surface (nbl 0 runs); rejects a non-boolean option', () => {
    const model = new SeismicModel({ vp: 2, shape: [30, 30], spacing: [10, 10], nbl: 0, spaceOrder: 8, dtype: 'float64' });
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[150, 50]], recCoordinates: [[100, 20]], tn: 100, f0: 0.015 });
    const rec = new AcousticWaveSolver(model, geometry, { freeSurface: true }).forward(THREADS).rec.data.toArray();
    expect(Math.max(...rec.map(Math.abs))).toBeGreaterThan(0);
    expect(rec.every(Number.isFinite)).toBe(true);
    expect(() => new AcousticWaveSolver(model, geometry, { freeSurface: 1 as unknown as boolean })).toThrow(/freeSurface must be true or false/);
  });
});
