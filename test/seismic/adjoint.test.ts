import { describe, expect, it } from 'vitest';
import type { AcousticWaveSolver, Dtype } from '../../src/index.ts';
import { THREADS, dotTestResidual, dotTestSolver, random, randomArray } from './seismic-helpers.ts';
import { bufferOf } from '../helpers.ts';
import { iadd, int } from '../../src/ir/index-expr.ts';
import { isIteration, nodesOf } from '../../src/ir/visit.ts';

/** ⟨F q, d⟩ against ⟨q, Fᵀ d⟩ for random source data q and receiver data d (every time sample). */
function forwardAdjointResidual(solver: AcousticWaveSolver, seed: number) {
  const { geometry, model } = solver;
  const rand = random(seed);
  const q = geometry.newSrc('q');
  q.data.assign(randomArray(rand, geometry.nt * geometry.nsrc, model.dtype));
  const d = geometry.newRec('d');
  d.data.assign(randomArray(rand, geometry.nt * geometry.nrec, model.dtype));
  const { rec: Fq } = solver.forward({ src: q, ...THREADS });
  const { srca: FTd } = solver.adjoint(d, THREADS);
  return dotTestResidual(Fq.data.toArray(), d.data.toArray(), q.data.toArray(), FTd.data.toArray());
}

describe('acoustic forward / adjoint: dot test with off-grid points and the absorbing layer', () => {
  // Measured (float64): 2D so4 1.1e-15, so8 1.7e-15, so12 2.1e-15, 3D so4 1.8e-15;
  // float32: 2D so8 5.2e-7, 3D so4 1.8e-6.
  const cases: { ndim: 2 | 3; spaceOrder: number; dtype: Dtype; tolerance: number }[] = [
    { ndim: 2, spaceOrder: 4, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 8, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 12, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 3, spaceOrder: 4, dtype: 'float64', tolerance: 1e-10 },
    { ndim: 2, spaceOrder: 8, dtype: 'float32', tolerance: 1e-5 },
    { ndim: 3, spaceOrder: 4, dtype: 'float32', tolerance: 1e-5 },
  ];
  for (const { ndim, spaceOrder, dtype, tolerance } of cases) {
    it(`${ndim}D spaceOrder ${spaceOrder} ${dtype}: |⟨Fq, d⟩ − ⟨q, Fᵀd⟩| / |⟨Fq, d⟩| < ${tolerance}`, () => {
      const solver = dotTestSolver(ndim, spaceOrder, dtype);
      expect(solver.model.damp.data.toArray().some((value) => value > 0)).toBe(true);
      const { lhs, residual } = forwardAdjointResidual(solver, 100 + spaceOrder);
      expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
      expect(residual).toBeLessThan(tolerance);
    });
  }

  it('operators are built once per solver: a second forward and adjoint reuse them and reproduce the results bitwise', () => {
    const solver = dotTestSolver(2, 4, 'float64', 5);
    const first = solver.forward(THREADS).rec.data.toArray();
    const op = solver.forwardOperator();
    const second = solver.forward(THREADS).rec.data.toArray();
    expect(solver.forwardOperator()).toBe(op);
    expect(Array.from(second)).toEqual(Array.from(first));
    // The record is a copy: the next call does not change it.
    const kept = solver.forward({ vp: 1.6, ...THREADS }).rec;
    const snapshot = kept.data.toArray();
    solver.forward(THREADS);
    expect(Array.from(kept.data.toArray())).toEqual(Array.from(snapshot));
    // rec[0] is zero (u[0] = 0) and the last sample is recorded.
    const { nt, nrec } = solver.geometry;
    expect(first.subarray(0, nrec).every((x) => x === 0)).toBe(true);
    expect(first.subarray((nt - 1) * nrec).some((x) => x !== 0)).toBe(true);
  });

  it('3D kernels are time-tiled with sources and receivers; autotuned tile sizes give the record and wavefield bitwise', () => {
    const solver = dotTestSolver(3, 4, 'float32', 9);
    const plain = solver.forward({ nthreads: 2 });
    const wavefield = bufferOf(plain.u.data.raw.slice()); // the solver's own u: the next call overwrites it
    // Tiled with skew 2: the wave loop runs to x_M + 2·(tile_steps − 1).
    const wave = nodesOf(solver.forwardOperator().kernel.body, isIteration).find((loop) => loop.role === 'wave');
    expect(wave?.upper).toEqual(iadd('x_M', { kind: 'mul', factors: [int(2), iadd('tile_steps', -1)] }));
    const tuned = solver.forward({ nthreads: 2, autotune: true });
    expect(bufferOf(tuned.rec.data.raw).equals(bufferOf(plain.rec.data.raw))).toBe(true);
    expect(bufferOf(tuned.u.data.raw).equals(wavefield)).toBe(true);
    expect(Math.max(...plain.rec.data.toArray().map(Math.abs))).toBeGreaterThan(0);
  });
});
