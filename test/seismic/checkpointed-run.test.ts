import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointReleasedError, SparseTimeFunction } from '../../src/index.ts';
import { gradientCase } from './seismic-helpers.ts';
import { bufferOf } from '../helpers.ts';

const THREADS = { nthreads: 1 };
const scratch = mkdtempSync(join(tmpdir(), 'devito-ts-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('forwardWithCheckpoints: the two-phase checkpointed gradient', () => {
  const { solver, geometry, residual, reference, observed } = gradientCase(2);
  const n = geometry.nt - 2;
  // A second residual, and its full-history gradient.
  const residual2 = geometry.newRec('residual2');
  residual2.data.assign(observed.map((x, i) => x * Math.cos(0.11 * i) - 0.3 * x));
  const reference2 = solver.gradient(residual2, THREADS).grad;
  const checkpointing = { nCheckpoints: 5 };

  it('two residuals after one forward sweep: bitwise the one-call gradients (and the full-history ones); the second reverse recomputes the forward sweep', () => {
    const oneCall = [residual, residual2].map((r) => solver.gradient(r, { ...THREADS, checkpointing }).grad);
    expect(bufferOf(oneCall[0]!).equals(bufferOf(reference))).toBe(true);
    expect(bufferOf(oneCall[1]!).equals(bufferOf(reference2))).toBe(true);
    const run = solver.forwardWithCheckpoints({ ...THREADS, checkpointing });
    expect(bufferOf(run.rec.data.toArray()).equals(bufferOf(Float32Array.from(observed)))).toBe(true);
    expect(run.plan.nCheckpoints).toBe(5);
    const first = run.gradient(residual);
    const second = run.gradient(residual2);
    const third = run.gradient(residual);
    expect(bufferOf(first.grad).equals(bufferOf(oneCall[0]!))).toBe(true);
    expect(bufferOf(second.grad).equals(bufferOf(oneCall[1]!))).toBe(true);
    expect(bufferOf(third.grad).equals(bufferOf(oneCall[0]!))).toBe(true);
    // Each gradient's counters cover the forward sweep it used and its reverse sweep.
    for (const { revolver } of [first, second, third]) {
      expect(revolver.forwardSteps).toBe(run.plan.forwardSteps);
      expect(revolver.reverseSteps).toBe(n);
      expect(revolver.peakSlots).toBeLessThanOrEqual(5);
    }
    expect(run.plan.forwardSteps).toBeGreaterThan(n);
    run.release();
  });

  it('another modelling call in between (other source, other wavefield): the run recomputes its own forward sweep', () => {
    const run = solver.forwardWithCheckpoints({ ...THREADS, checkpointing });
    const elsewhere = new SparseTimeFunction({ name: 'src', grid: solver.model.grid, npoint: 1, nt: geometry.nt, coordinates: [[100, 40]] });
    elsewhere.data.raw.set(geometry.src.data.raw);
    solver.forward({ ...THREADS, src: elsewhere });
    const other = solver.forwardWithCheckpoints({ ...THREADS, checkpointing, src: elsewhere });
    expect(bufferOf(run.gradient(residual).grad).equals(bufferOf(reference))).toBe(true);
    expect(bufferOf(other.gradient(residual).grad).equals(bufferOf(reference))).toBe(false);
    expect(bufferOf(run.gradient(residual2).grad).equals(bufferOf(reference2))).toBe(true);
    run.release();
    other.release();
  });

  it('release: later calls throw CheckpointReleasedError; release is idempotent; disk checkpoints are removed', () => {
    const directory = join(scratch, 'disk');
    const run = solver.forwardWithCheckpoints({ ...THREADS, checkpointing: { nCheckpoints: 4, storage: { kind: 'disk', directory } } });
    expect(readdirSync(directory).length).toBeGreaterThan(0); // the forward sweep's checkpoints, on disk
    expect(bufferOf(run.gradient(residual).grad).equals(bufferOf(reference))).toBe(true);
    run.release();
    expect(run.active).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
    expect(() => run.gradient(residual)).toThrow(CheckpointReleasedError);
    expect(() => run.gradient(residual)).toThrow(/released; run solver\.forwardWithCheckpoints again/);
    run.release();
  });

  it('a velocity override applies to both phases: stable override of an unstable stored model', () => {
    const vp = solver.model.vp;
    solver.model.update({ vp: vp.map((v) => 3 * v) }); // unstable at this dt
    try {
      expect(() => solver.forwardWithCheckpoints({ ...THREADS, checkpointing })).toThrow(/unstable/);
      const run = solver.forwardWithCheckpoints({ ...THREADS, vp, checkpointing });
      expect(bufferOf(run.gradient(residual).grad).equals(bufferOf(reference))).toBe(true);
      expect(bufferOf(run.gradient(residual2).grad).equals(bufferOf(reference2))).toBe(true);
      run.release();
    } finally {
      solver.model.update({ vp });
    }
  });
});
