import { describe, expect, it } from 'vitest';
import { AcousticWaveSolver, AcquisitionGeometry, InvalidArgumentError, MissingParameterError, SeismicModel } from '../../src/index.ts';
import { slsConstants } from '../../src/seismic/viscoacoustic-equations.ts';
import { ViscoacousticWaveSolver } from '../../src/seismic/viscoacoustic-solver.ts';
import { THREADS, dot, dotTestResidual, random, randomArray, texturedVelocity } from './seismic-helpers.ts';
import { bufferOf } from '../helpers.ts';
import { stabilityLimit } from '../../src/seismic/stability.ts';

// Every solver here is float64, spaceOrder 4: the kernels (same C text) are compiled once.
const SPACE_ORDER = 4;

/** A textured model with a textured Q (10 … 60) and a 10-point layer; two sources, seven receivers, off the grid. */
function texturedCase(qp?: number) {
  const shape = [50, 40];
  const rand = random(7);
  const vp = texturedVelocity(shape, rand);
  const q = qp ?? Float64Array.from({ length: 50 * 40 }, () => 35 + 25 * rand());
  const model = new SeismicModel({ vp, qp: q, shape, spacing: [10, 10], nbl: 10, spaceOrder: SPACE_ORDER, dtype: 'float64' });
  const srcCoordinates = [[143.3, 23.7], [301.1, 27.9]];
  const recCoordinates = Array.from({ length: 7 }, (_, i) => [17.3 + 63.1 * i, 31.3 + 4.1 * i]);
  const geometry = new AcquisitionGeometry(model, { srcCoordinates, recCoordinates, t0: 0, tn: 250, f0: 0.02 });
  return { model, geometry };
}

describe('ViscoacousticWaveSolver (one SLS): exact adjoints, gradient, checkpointing', () => {
  const { model, geometry } = texturedCase();
  const solver = new ViscoacousticWaveSolver(model, geometry);

  it('F/Fᵀ dot test in float64 (textured vp and Q, absorbing layer, off-grid points)', () => {
    const rand = random(11);
    const q = geometry.newSrc('q');
    q.data.assign(randomArray(rand, geometry.nt * geometry.nsrc));
    const d = geometry.newRec('d');
    d.data.assign(randomArray(rand, geometry.nt * geometry.nrec));
    const { rec } = solver.forward({ src: q, ...THREADS });
    const { srca } = solver.adjoint(d, THREADS);
    const { lhs, residual } = dotTestResidual(rec.data.toArray(), d.data.toArray(), q.data.toArray(), srca.data.toArray());
    console.log(`visco F/Fᵀ: ⟨Fq, d⟩ = ${lhs.toExponential(6)}, relative mismatch ${residual.toExponential(2)}`);
    expect(Math.abs(lhs)).toBeGreaterThan(1e-6);
    expect(residual).toBeLessThan(1e-10);
  });

  it('J/Jᵀ dot test: born(dm) against gradient(d) in float64', () => {
    const rand = random(13);
    const dm = randomArray(rand, model.size);
    const d = geometry.newRec('d');
    d.data.assign(randomArray(rand, geometry.nt * geometry.nrec));
    const { rec: Jdm } = solver.born(dm, THREADS);
    const { grad } = solver.gradient(d, THREADS);
    const { lhs, residual } = dotTestResidual(Jdm.data.toArray(), d.data.toArray(), dm, grad);
    console.log(`visco J/Jᵀ: ⟨J dm, d⟩ = ${lhs.toExponential(6)}, relative mismatch ${residual.toExponential(2)}`);
    expect(Math.abs(lhs)).toBeGreaterThan(1e-9);
    expect(residual).toBeLessThan(1e-10);
  });

  it('born is the derivative of forward in m: centred difference of forward({ m: m ± h·dm }) against born(dm)', () => {
    const rand = random(17);
    const m0 = model.vp.map((v) => 1 / (v * v));
    const dm = m0.map((m) => m * rand());
    const h = 1e-3;
    const plus = solver.forward({ m: m0.map((m, k) => m + h * dm[k]!), ...THREADS }).rec.data.toArray();
    const minus = solver.forward({ m: m0.map((m, k) => m - h * dm[k]!), ...THREADS }).rec.data.toArray();
    const born = solver.born(dm, THREADS).rec.data.toArray();
    const diff = born.map((b, i) => b - (plus[i]! - minus[i]!) / (2 * h));
    const relative = Math.sqrt(dot(diff, diff) / dot(born, born));
    console.log(`visco born vs centred difference (h = ${h}): relative L2 ${relative.toExponential(2)}`);
    expect(dot(born, born)).toBeGreaterThan(0);
    expect(relative).toBeLessThan(1e-4);
  });

  it('float32: F/Fᵀ dot test to float32 round-off', () => {
    const shape = [50, 40];
    const rand = random(19);
    const m32 = new SeismicModel({ vp: texturedVelocity(shape, rand), qp: 30, shape, spacing: [10, 10], nbl: 10, spaceOrder: SPACE_ORDER });
    const g32 = new AcquisitionGeometry(m32, { srcCoordinates: geometry.srcCoordinates, recCoordinates: geometry.recCoordinates, tn: 250, f0: 0.02 });
    const s32 = new ViscoacousticWaveSolver(m32, g32);
    const q = g32.newSrc('q');
    q.data.assign(randomArray(rand, g32.nt * g32.nsrc, 'float32'));
    const d = g32.newRec('d');
    d.data.assign(randomArray(rand, g32.nt * g32.nrec, 'float32'));
    const { rec } = s32.forward({ src: q, ...THREADS });
    const { srca } = s32.adjoint(d, THREADS);
    const { residual } = dotTestResidual(rec.data.toArray(), d.data.toArray(), q.data.toArray(), srca.data.toArray());
    console.log(`visco float32 F/Fᵀ: relative mismatch ${residual.toExponential(2)}`);
    expect(residual).toBeLessThan(1e-5);
  });

  it('checkpointed gradient (p and the memory variable in the checkpoint) is bitwise the full-history gradient', () => {
    const { rec: observed } = solver.forward(THREADS);
    const residual = geometry.newRec('residual');
    residual.data.assign(observed.data.toArray().map((x, i) => x * (1 + 0.5 * Math.sin(0.37 * i))));
    const reference = solver.gradient(residual, THREADS).grad;
    const n = geometry.nt - 2;
    for (const nCheckpoints of [1, 5, n + 1]) {
      const { grad, rec, revolver } = solver.gradient(residual, { ...THREADS, checkpointing: { nCheckpoints } });
      expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
      expect(bufferOf(rec!.data.toArray()).equals(bufferOf(observed.data.toArray()))).toBe(true);
      expect(revolver!.reverseSteps).toBe(n);
      if (nCheckpoints <= 5) expect(revolver!.forwardSteps).toBeGreaterThan(n);
      if (nCheckpoints > 1) expect(revolver!.inPlaceRestores).toBeGreaterThan(0);
    }
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0);
  });

  it('needs qp (MissingParameterError before any C) and refuses a dt unstable for the unrelaxed velocity', () => {
    const plain = new SeismicModel({ vp: 1.5, shape: [20, 20], spacing: [10, 10], nbl: 4, spaceOrder: SPACE_ORDER, dtype: 'float64' });
    const plainGeometry = new AcquisitionGeometry(plain, { srcCoordinates: [[50, 50]], recCoordinates: [[100, 50]], tn: 50, f0: 0.02 });
    expect(() => new ViscoacousticWaveSolver(plain, plainGeometry)).toThrow(MissingParameterError);
    // Q = 1: τε/τσ = 5.8, the unrelaxed velocity is 2.4·vp, beyond the 1.25 margin of the critical dt.
    const lossy = new SeismicModel({ vp: 1.5, qp: 1, shape: [20, 20], spacing: [10, 10], nbl: 4, spaceOrder: SPACE_ORDER, dtype: 'float64' });
    const lossyGeometry = new AcquisitionGeometry(lossy, { srcCoordinates: [[50, 50]], recCoordinates: [[100, 50]], tn: 50, f0: 0.02 });
    expect(() => new ViscoacousticWaveSolver(lossy, lossyGeometry)).toThrow(/unstable/);
    expect(() => new ViscoacousticWaveSolver(lossy, lossyGeometry)).toThrow(InvalidArgumentError);
  });
});

/** Roots of z³ + c₂z² + c₁z + c₀ (Durand–Kerner), as [re, im] pairs. */
function cubicRoots(c2: number, c1: number, c0: number): [number, number][] {
  let roots: [number, number][] = [[0.4, 0.9], [-0.65, 0.72], [0.9, -0.3]];
  const evaluate = ([re, im]: [number, number]): [number, number] => {
    // ((z + c2)·z + c1)·z + c0 in complex arithmetic.
    let [a, b] = [re + c2, im];
    [a, b] = [a * re - b * im + c1, a * im + b * re];
    return [a * re - b * im + c0, a * im + b * re];
  };
  for (let iteration = 0; iteration < 500; iteration++) {
    roots = roots.map((z, i) => {
      let [dr, di] = [1, 0];
      roots.forEach((other, j) => {
        if (j === i) return;
        const [er, ei] = [z[0] - other[0], z[1] - other[1]];
        [dr, di] = [dr * er - di * ei, dr * ei + di * er];
      });
      const [nr, ni] = evaluate(z);
      const norm = dr * dr + di * di;
      return [z[0] - (nr * dr + ni * di) / norm, z[1] - (ni * dr - nr * di) / norm];
    });
  }
  return roots;
}

describe('ViscoacousticWaveSolver: limits and physics', () => {
  it('the stability limit is the leapfrog one at the unrelaxed velocity vp·√(τε/τσ): the step\'s amplification matrix at Q = 3', () => {
    // One Fourier mode, Δ → −λ, no damping: (p[t+1], p[t], ρ[t+1]) = A·(p[t], p[t−1], ρ[t]) has the
    // characteristic polynomial z³ − (α + c₁)z² + (1 + αc₁ − βλ)z − c₁, α = 2 − Λλdt²/m, β = c_f·dt²/m.
    const vp = 1.5;
    const Q = 3;
    const f0 = 0.02;
    const spacing = [10, 10];
    const acousticLimit = stabilityLimit(spacing, SPACE_ORDER, vp);
    const lambdaMax = (2 / (vp * acousticLimit)) ** 2; // Σ_d Σ|w|/h², the Laplacian's largest eigenvalue
    const spectralRadius = (dt: number): number => {
      const { lam, decay, couple } = slsConstants(Q, f0, dt);
      let radius = 0;
      for (let i = 0; i <= 200; i++) {
        const lambda = (lambdaMax * i) / 200;
        const alpha = 2 - (lam * lambda * dt * dt) * vp * vp;
        const beta = couple * dt * dt * vp * vp;
        for (const [re, im] of cubicRoots(-(alpha + decay), 1 + alpha * decay - beta * lambda, -decay)) radius = Math.max(radius, Math.hypot(re, im));
      }
      return radius;
    };
    const { unrelaxed } = slsConstants(Q, f0, 1);
    const limit = acousticLimit / Math.sqrt(unrelaxed);
    // 1e-6: the double root z = 1 at λ = 0 (marginal, as for leapfrog) converges only to √ε.
    expect(spectralRadius(0.999 * limit)).toBeLessThan(1 + 1e-6);
    expect(spectralRadius(1.01 * limit)).toBeGreaterThan(1.01);
    // The solver computes the same limit (uniform model) and refuses a dt above it.
    const model = new SeismicModel({ vp, qp: Q, shape: [20, 20], spacing, nbl: 4, spaceOrder: SPACE_ORDER, dtype: 'float64' });
    const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[50, 50]], recCoordinates: [[100, 50]], tn: 100, f0, dt: 0.99 * limit });
    expect(new ViscoacousticWaveSolver(model, geometry).stabilityLimit()).toBeCloseTo(limit, 12);
    console.log(`visco stability at Q = ${Q}: limit ${limit.toFixed(4)} ms = acoustic ${acousticLimit.toFixed(4)} ms / ${Math.sqrt(unrelaxed).toFixed(4)}; radius ${spectralRadius(0.999 * limit).toFixed(12)} at 0.999×, ${spectralRadius(1.01 * limit).toFixed(4)} at 1.01×`);
  });

  it('Q → ∞ (qp = 1e14) reproduces AcousticWaveSolver\'s shot record (the schemes coincide at Q = ∞)', () => {
    const { model, geometry } = texturedCase(1e14);
    const visco = new ViscoacousticWaveSolver(model, geometry).forward(THREADS).rec.data.toArray();
    const acoustic = new AcousticWaveSolver(model, geometry, { spaceOrder: SPACE_ORDER }).forward(THREADS).rec.data.toArray();
    const diff = visco.map((x, i) => x - acoustic[i]!);
    const relative = Math.sqrt(dot(diff, diff) / dot(acoustic, acoustic));
    console.log(`visco Q=1e14 vs acoustic: relative L2 difference ${relative.toExponential(2)}`);
    expect(dot(acoustic, acoustic)).toBeGreaterThan(0);
    expect(relative).toBeLessThan(1e-10);
  });

  it('amplitude decay between two receivers matches the constant-Q prediction exp(−π f0 Δt / Q) within 5%', () => {
    const Q = 20;
    const f0 = 0.015;
    const vp = 1.5;
    const shape = [80, 60];
    const source = [100, 295];
    const receivers = [[250, 295], [650, 295]];
    const record = (qp: number): Float64Array => {
      const model = new SeismicModel({ vp, qp, shape, spacing: [10, 10], nbl: 40, spaceOrder: SPACE_ORDER, dtype: 'float64' });
      const geometry = new AcquisitionGeometry(model, { srcCoordinates: [source], recCoordinates: receivers, tn: 700, f0 });
      const solver = new ViscoacousticWaveSolver(model, geometry);
      return Float64Array.from(solver.forward(THREADS).rec.data.toArray());
    };
    const lossy = record(Q);
    const elastic = record(1e14);
    const nt = lossy.length / 2;
    const dt = 700 / (nt - 1);
    /** |Σ_k trace[k]·e^{−2πi f0 t_k}| of receiver `r`: the spectral amplitude at f0. */
    const spectrum = (rec: Float64Array, r: number): number => {
      let re = 0;
      let im = 0;
      for (let k = 0; k < nt; k++) {
        re += rec[k * 2 + r]! * Math.cos(2 * Math.PI * f0 * k * dt);
        im -= rec[k * 2 + r]! * Math.sin(2 * Math.PI * f0 * k * dt);
      }
      return Math.hypot(re, im);
    };
    const peak = (rec: Float64Array, r: number): number => Math.max(...Array.from({ length: nt }, (_, k) => Math.abs(rec[k * 2 + r]!)));
    // The Q → ∞ run carries the geometric spreading (and the grid's dispersion): divide it out.
    const measured = (spectrum(lossy, 1) / spectrum(lossy, 0)) / (spectrum(elastic, 1) / spectrum(elastic, 0));
    const peakRatio = (peak(lossy, 1) / peak(lossy, 0)) / (peak(elastic, 1) / peak(elastic, 0));
    // Travel time between the receivers at the SLS phase velocity at f0 (Q(f0) = Q by construction).
    const { tauSigma, tauEpsilon } = slsConstants(Q, f0, dt);
    const w = 2 * Math.PI * f0;
    const mRe = (1 + w * w * tauSigma * tauEpsilon) / (1 + w * w * tauSigma * tauSigma);
    const mIm = (w * (tauEpsilon - tauSigma)) / (1 + w * w * tauSigma * tauSigma);
    const delta = Math.atan2(mIm, mRe);
    expect(mRe / mIm).toBeCloseTo(Q, 9);
    const phaseVelocity = (vp * Math.sqrt(Math.hypot(mRe, mIm))) / Math.cos(delta / 2);
    const travel = (receivers[1]![0]! - receivers[0]![0]!) / phaseVelocity;
    const predicted = Math.exp((-Math.PI * f0 * travel) / Q);
    console.log(
      `visco decay Q=${Q}, f0=${f0 * 1000} Hz, Δt=${travel.toFixed(1)} ms: spectral ratio at f0 ${measured.toFixed(4)}, predicted ${predicted.toFixed(4)} ` +
        `(error ${(100 * (measured / predicted - 1)).toFixed(2)}%); peak-amplitude ratio ${peakRatio.toFixed(4)}; ` +
        `Q from the spectral ratio ${((-Math.PI * f0 * travel) / Math.log(measured)).toFixed(2)}`,
    );
    expect(Math.abs(measured / predicted - 1)).toBeLessThan(0.05);
  });
});

// The free-surface solvers are float64, spaceOrder 8 (three mirrored rows): their kernels are compiled once.
const SURFACE_ORDER = 8;

/** Index (fractional, by a parabola through the neighbours) of the largest |value|. */
function peak(values: ArrayLike<number>): { index: number; value: number } {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]!) > Math.abs(values[best]!)) best = i;
  const [a, b, c] = [values[best - 1] ?? 0, values[best]!, values[best + 1] ?? 0];
  const denominator = a - 2 * b + c;
  return { index: best + (denominator === 0 ? 0 : (0.5 * (a - c)) / denominator), value: b };
}

/**
 * A textured model (vp, and Q from 35 to 60) with a 10-point layer under a free surface; sources
 * and receivers off the grid, some within a point of the surface and one on it.
 */
function viscoSurfaceSolver(): ViscoacousticWaveSolver {
  const shape = [61, 51];
  const rand = random(3);
  const vp = texturedVelocity(shape, rand);
  const qp = Float64Array.from({ length: 61 * 51 }, () => 47.5 + 12.5 * rand());
  const model = new SeismicModel({ vp, qp, shape, spacing: [10, 10], nbl: 10, spaceOrder: SURFACE_ORDER, dtype: 'float64' });
  const srcCoordinates = [[261.3, 23.7], [369.3, 4.3]];
  const recCoordinates = [0, 3.1, 7.7, 31.3, 12.2, 45.9, 18.4].map((z, i) => [600 * (0.07 + 0.13 * i) + 1.7, z]);
  const geometry = new AcquisitionGeometry(model, { srcCoordinates, recCoordinates, t0: 0, tn: 250, f0: 0.02 });
  return new ViscoacousticWaveSolver(model, geometry, { freeSurface: true });
}

describe('ViscoacousticWaveSolver with a free surface', () => {
  const solver = viscoSurfaceSolver();
  const { model, geometry } = solver;

  it('F/Fᵀ dot test in float64; the receiver on the surface records nothing', () => {
    const rand = random(101);
    const q = geometry.newSrc('q');
    q.data.assign(randomArray(rand, geometry.nt * geometry.nsrc));
    const d = geometry.newRec('d');
    d.data.assign(randomArray(rand, geometry.nt * geometry.nrec));
    const Fq = solver.forward({ src: q, ...THREADS }).rec.data.toArray();
    const FTd = solver.adjoint(d, THREADS).srca.data.toArray();
    const { lhs, residual } = dotTestResidual(Fq, d.data.toArray(), q.data.toArray(), FTd);
    console.log(`visco free surface F/Fᵀ: ⟨Fq, d⟩ = ${lhs.toExponential(6)}, relative mismatch ${residual.toExponential(2)}`);
    expect(Math.abs(lhs)).toBeGreaterThan(1e-6);
    expect(residual).toBeLessThan(1e-10);
    const nrec = geometry.nrec;
    expect(Fq.every((value, k) => k % nrec !== 0 || value === 0)).toBe(true);
    expect(Fq.some((value, k) => k % nrec === 1 && value !== 0)).toBe(true);
  });

  it('J/Jᵀ dot test: born(dm) against gradient(d) in float64; no gradient on the surface row', () => {
    const rand = random(17);
    const dm = randomArray(rand, model.size);
    const d = geometry.newRec('d');
    d.data.assign(randomArray(rand, geometry.nt * geometry.nrec));
    const { rec: Jdm } = solver.born(dm, THREADS);
    const { grad } = solver.gradient(d, THREADS);
    const { lhs, residual } = dotTestResidual(Jdm.data.toArray(), d.data.toArray(), dm, grad);
    console.log(`visco free surface J/Jᵀ: ⟨J dm, d⟩ = ${lhs.toExponential(6)}, relative mismatch ${residual.toExponential(2)}`);
    expect(Math.abs(lhs)).toBeGreaterThan(1e-9);
    expect(residual).toBeLessThan(1e-10);
    const nz = model.shape[1]!;
    expect(grad.every((g, k) => k % nz !== 0 || g === 0)).toBe(true);
  });

  it('checkpointed gradient is bitwise the full-history gradient, and its record the forward one', () => {
    const { rec: observed } = solver.forward(THREADS);
    const residual = geometry.newRec('residual');
    residual.data.assign(observed.data.toArray().map((x, i) => x * (1 + 0.5 * Math.sin(0.37 * i))));
    const reference = solver.gradient(residual, THREADS).grad;
    const { grad, rec, revolver } = solver.gradient(residual, { ...THREADS, checkpointing: { nCheckpoints: 5 } });
    expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
    expect(bufferOf(rec!.data.toArray()).equals(bufferOf(observed.data.toArray()))).toBe(true);
    expect(revolver!.forwardSteps).toBeGreaterThan(geometry.nt - 2);
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0);
  });

  it('the surface ghost: opposite polarity, arriving at (path via the mirror image)/vp; p zero on and above the surface', () => {
    const vp = 2.0; // km/s = m/ms
    const ghostModel = new SeismicModel({ vp, qp: 100, shape: [101, 61], spacing: [10, 10], nbl: 40, spaceOrder: SURFACE_ORDER, dtype: 'float64' });
    const depth = 200;
    const [xs, xr] = [300, 700];
    const ghostGeometry = new AcquisitionGeometry(ghostModel, { srcCoordinates: [[xs, depth]], recCoordinates: [[xr, depth]], t0: 0, tn: 500, f0: 0.015 });
    const surface = new ViscoacousticWaveSolver(ghostModel, ghostGeometry, { freeSurface: true });
    const absorbing = new ViscoacousticWaveSolver(ghostModel, ghostGeometry);
    const { rec, p } = surface.forward(THREADS);
    const withSurface = rec.data.toArray();
    const direct = absorbing.forward(THREADS).rec.data.toArray();
    const ghost = withSurface.map((value, k) => value - direct[k]!);

    const nt = ghostGeometry.nt;
    const correlation = Float64Array.from({ length: nt }, (_, lag) => {
      let sum = 0;
      for (let t = 0; t + lag < nt; t++) sum += ghost[t + lag]! * direct[t]!;
      return sum;
    });
    const { index: lagSamples, value: best } = peak(correlation);
    const extraPath = Math.hypot(xr - xs, 2 * depth) - (xr - xs); // via the image source at −depth
    const lag = lagSamples * ghostGeometry.dt;
    const directPeak = peak(direct);
    const ghostPeak = peak(ghost);
    const expectedGhostTime = directPeak.index * ghostGeometry.dt + extraPath / vp;
    const ghostTime = ghostPeak.index * ghostGeometry.dt;
    console.log(
      `visco ghost (Q = 100): lag ${lag.toFixed(2)} ms against ${(extraPath / vp).toFixed(2)} ms; ghost peak at ${ghostTime.toFixed(2)} ms against ` +
        `${expectedGhostTime.toFixed(2)} ms; amplitude ratio ${(ghostPeak.value / directPeak.value).toFixed(3)}`,
    );
    expect(best).toBeLessThan(0); // opposite polarity
    expect(Math.sign(ghostPeak.value)).toBe(-Math.sign(directPeak.value));
    expect(Math.abs(lag - extraPath / vp) / (extraPath / vp)).toBeLessThan(0.05);
    expect(Math.abs(ghostTime - expectedGhostTime) / expectedGhostTime).toBeLessThan(0.02);
    // 2D spreading √(400/566) = 0.84, times a little more attenuation along the longer path.
    expect(Math.abs(ghostPeak.value / directPeak.value)).toBeGreaterThan(0.6);
    expect(Math.abs(ghostPeak.value / directPeak.value)).toBeLessThan(1.0);

    const slot = p.slotOf(nt - 1);
    const z0 = ghostModel.nbl;
    const nx = ghostModel.paddedShape[0]!;
    let moving = 0;
    for (let x = 0; x < nx; x++) {
      for (let z = 0; z <= z0; z++) expect(p.data.get(slot, x, z)).toBe(0);
      if (p.data.get(slot, x, z0 + 1) !== 0) moving++;
    }
    expect(moving).toBe(nx);
  });

  it('rejects a non-boolean freeSurface', () => {
    expect(() => new ViscoacousticWaveSolver(model, geometry, { freeSurface: 'yes' as unknown as boolean })).toThrow(/freeSurface must be true or false/);
  });
});

