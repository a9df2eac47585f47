import { describe, expect, it } from 'vitest';
import { AcousticWaveSolver, AcquisitionGeometry, Revolver, SeismicModel, type Dtype } from '../../src/index.ts';
import { convergenceOrder, maxAbsDiff } from '../helpers.ts';
import { THREADS, dot, dotTestResidual, linearSolver, random, randomArray } from './seismic-helpers.ts';

describe('Born and FWI gradient', () => {
  // Measured: 2D so8 float64 5.3e-16, 3D so4 float64 1.7e-16, 2D so8 float32 2.3e-6.
  const cases: { ndim: 2 | 3; spaceOrder: number; dtype: Dtype; tolerance: number }[] = [
    { ndim: 2, spaceOrder: 8, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 3, spaceOrder: 4, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 8, dtype: 'float32', tolerance: 1e-5 },
  ];
  for (const { ndim, spaceOrder, dtype, tolerance } of cases) {
    it(`${ndim}D spaceOrder ${spaceOrder} ${dtype}: gradient is the adjoint of born, |⟨J dm, d⟩ − ⟨dm, Jᵀd⟩| / |⟨J dm, d⟩| < ${tolerance}`, () => {
      const solver = linearSolver(ndim, spaceOrder, dtype);
      const { model, geometry } = solver;
      const rand = random(17);
      const dm = randomArray(rand, model.size, dtype);
      const d = geometry.newRec('d');
      d.data.assign(randomArray(rand, geometry.nt * geometry.nrec, dtype));
      const { rec: Jdm } = solver.born(dm, THREADS);
      const { grad } = solver.gradient(d, THREADS);
      expect(grad.length).toBe(model.size); // physical shape, no absorbing layer
      const { lhs, residual } = dotTestResidual(Jdm.data.toArray(), d.data.toArray(), dm, grad);
      expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
      expect(residual).toBeLessThan(tolerance);
    });
  }

  it('Taylor test of ½‖F(m) − d‖² along a smooth random perturbation: error slopes 1 and 2 (±10%)', () => {
    const shape = [71, 61];
    const [nx, nz] = shape as [number, number];
    const size = nx * nz;
    const v0 = new Float64Array(size);
    const vTrue = new Float64Array(size);
    for (let i = 0; i < nx; i++) for (let j = 0; j < nz; j++) {
      v0[i * nz + j] = 1.5 + 0.015 * j;
      vTrue[i * nz + j] = v0[i * nz + j]! + 0.3 * Math.exp(-((i - 35) ** 2 + (j - 35) ** 2) / 50);
    }
    const model = new SeismicModel({ vp: v0, shape, spacing: [10, 10], nbl: 15, spaceOrder: 8, dtype: 'float64' });
    const geometry = new AcquisitionGeometry(model, {
      srcCoordinates: [[353.3, 20.1]], recCoordinates: Array.from({ length: 21 }, (_, i) => [13.7 + 33.1 * i, 30.3]), tn: 700, f0: 0.012,
    });
    const solver = new AcousticWaveSolver(model, geometry);
    const observed = solver.forward({ vp: vTrue, ...THREADS }).rec.data.toArray();
    const misfit = (rec: ArrayLike<number>): number => 0.5 * dot(rec, rec) - dot(rec, observed) + 0.5 * dot(observed, observed);

    // Smooth perturbation: six Gaussian blobs of random place, width and sign, at most 0.2% of m.
    const rand = random(11);
    const dm = new Float64Array(size);
    for (let b = 0; b < 6; b++) {
      const ci = ((rand() + 1) / 2) * nx;
      const cj = ((rand() + 1) / 2) * nz;
      const amplitude = rand();
      const width = 20 + 30 * (rand() + 1);
      for (let i = 0; i < nx; i++) for (let j = 0; j < nz; j++) dm[i * nz + j]! += amplitude * Math.exp(-((i - ci) ** 2 + (j - cj) ** 2) / width);
    }
    const m0 = v0.map((v) => 1 / (v * v));
    const scale = (0.002 * Math.max(...m0)) / Math.max(...dm.map(Math.abs));
    dm.forEach((value, k) => { dm[k] = value * scale; });

    const { rec, u } = solver.forward({ save: true, ...THREADS });
    const predicted = rec.data.toArray();
    const residual = geometry.newRec('residual');
    residual.data.assign(predicted.map((p, i) => p - observed[i]!));
    const { grad } = solver.gradient(residual, { u, ...THREADS });
    const phi0 = misfit(predicted);
    const slope = dot(grad, dm);

    const hs = [1, 1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32];
    const first: number[] = [];
    const second: number[] = [];
    for (const h of hs) {
      const phi = misfit(solver.forward({ m: m0.map((m, k) => m + h * dm[k]!), ...THREADS }).rec.data.toArray());
      first.push(Math.abs(phi - phi0));
      second.push(Math.abs(phi - phi0 - h * slope));
    }
    // Measured: slopes 1.03 and 2.00.
    expect(Math.abs(convergenceOrder(hs, first) - 1)).toBeLessThan(0.1);
    expect(Math.abs(convergenceOrder(hs, second) - 2)).toBeLessThan(0.2);
    expect(second[second.length - 1]! / phi0).toBeGreaterThan(1e-9); // far above rounding
  });

  it('checkpointing contract: the Revolver driving the forward / gradient operators step by step reproduces the saved-history gradient bitwise', () => {
    const solver = linearSolver(2, 8, 'float64');
    const { geometry } = solver;
    const { rec, u } = solver.forward({ save: true, ...THREADS });
    const residual = geometry.newRec('residual');
    residual.data.assign(rec.data.toArray().map((x, i) => x * Math.sin(0.37 * i)));
    const { grad } = solver.gradient(residual, { u, ...THREADS });

    const stepping = solver.gradientStepping(THREADS);
    expect(stepping.nSteps).toBe(geometry.nt - 2);
    for (const nCheckpoints of [3, 11]) {
      const revolver = new Revolver({
        checkpoint: stepping.checkpoint, forward: stepping.forward, reverse: stepping.reverse, nTimesteps: stepping.nSteps, nCheckpoints,
      });
      stepping.startForward();
      revolver.applyForward();
      const recorded = stepping.finishForward();
      expect(maxAbsDiff(recorded.data.toArray(), rec.data.toArray())).toBe(0);
      stepping.startReverse(residual);
      revolver.applyReverse();
      const checkpointed = stepping.finishReverse();
      expect(maxAbsDiff(checkpointed, grad)).toBe(0);
      expect(revolver.stats.forwardSteps).toBeGreaterThan(stepping.nSteps); // it really recomputed
      revolver.close();
    }
  });
});
