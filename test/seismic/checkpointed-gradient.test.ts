import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointBudgetError } from '../../src/index.ts';
import type { StorageSpec } from '../../src/revolve/index.ts';
import { gradientCase as setup } from './seismic-helpers.ts';
import { bufferOf } from '../helpers.ts';

const THREADS = { nthreads: 1 };
const directories: string[] = [];
afterAll(() => directories.forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'devito-ts-gradient-'));
  directories.push(dir);
  return dir;
};

describe('checkpointed FWI gradient (Revolve) against the full-history gradient', () => {
  for (const ndim of [2, 3] as const) {
    const context = setup(ndim);
    const n = context.geometry.nt - 2;
    const storages: [string, () => StorageSpec][] = [
      ['memory', () => ({ kind: 'memory' })],
      ['disk', () => ({ kind: 'disk', directory: scratch() })],
      ['two-level (2 fast slots)', () => ({ kind: 'two-level', fastSlots: 2, directory: scratch() })],
      ['memory + lz4', () => ({ kind: 'memory', compression: 'lz4' })],
    ];
    for (const [label, storage] of storages) {
      for (const nCheckpoints of [1, 4, 13, n + 1]) {
        if (nCheckpoints === 1 && label !== 'memory') continue; // c = 1 stores only state 0: one slot, storage-independent
        it(`${ndim}D, ${label}, c = ${nCheckpoints}: bitwise equal gradient and shot record`, () => {
          const { grad, rec, revolver } = context.solver.gradient(context.residual, { ...THREADS, checkpointing: { nCheckpoints, storage: storage() } });
          expect(bufferOf(grad).equals(bufferOf(context.reference))).toBe(true);
          expect(bufferOf(rec!.data.toArray()).equals(bufferOf(Float32Array.from(context.observed)))).toBe(true);
          expect(revolver!.reverseSteps).toBe(n);
          expect(revolver!.peakSlots).toBeLessThanOrEqual(nCheckpoints);
          // Plain memory lends its checkpoints to the gradient kernel (no restore copy).
          expect(revolver!.inPlaceRestores > 0).toBe(label === 'memory' && nCheckpoints > 1);
          if (nCheckpoints <= 13) expect(revolver!.forwardSteps).toBeGreaterThan(n); // it really recomputed
          else expect(revolver!.forwardSteps).toBe(n);
        });
      }
    }
  }

  it('repeated gradients with the same settings reuse the checkpoint memory and stay bitwise equal; progress reported each call', () => {
    const { solver, residual, reference, geometry } = setup(2);
    const n = geometry.nt - 2;
    for (let call = 0; call < 3; call++) {
      const reports: string[] = [];
      const { grad, revolver } = solver.gradient(residual, {
        ...THREADS,
        checkpointing: { nCheckpoints: 5, onProgress: (phase, done, total) => reports.push(`${phase}:${done}/${total}`) },
      });
      expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
      expect(revolver!.reverseSteps).toBe(n);
      expect(reports).toContain(`forward:${n}/${n}`);
      expect(reports).toContain(`reverse:${n}/${n}`);
    }
    solver.releaseCheckpoints();
    const again = solver.gradient(residual, { ...THREADS, checkpointing: { nCheckpoints: 5 } });
    expect(bufferOf(again.grad).equals(bufferOf(reference))).toBe(true);
    solver.releaseCheckpoints();
  });

  it('kept memory storage reports compression per call; disk storage is closed after each call, leaving no files', () => {
    const { solver, residual, reference } = setup(2);
    const compressed = [0, 1].map(() => {
      const { grad, revolver } = solver.gradient(residual, { ...THREADS, checkpointing: { nCheckpoints: 5, storage: { kind: 'memory', compression: 'lz4' } } });
      expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
      return revolver!.compression!;
    });
    expect(compressed[0]!.rawBytes).toBeGreaterThan(0);
    expect(compressed[1]).toEqual(compressed[0]); // the second call's own bytes, not a running total
    solver.releaseCheckpoints();
    const directory = scratch();
    const { grad } = solver.gradient(residual, { ...THREADS, checkpointing: { nCheckpoints: 5, storage: { kind: 'disk', directory } } });
    expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('a velocity override is checked for stability, not the stored model: checkpointed gradient under a stable override of an unstable model', () => {
    const { solver, residual, reference } = setup(2);
    const vp = solver.model.vp;
    solver.model.update({ vp: vp.map((v) => 3 * v) }); // three times faster: unstable at this dt
    expect(() => solver.gradient(residual, { ...THREADS, checkpointing: { nCheckpoints: 5 } })).toThrow(/unstable/);
    const { grad } = solver.gradient(residual, { ...THREADS, vp, checkpointing: { nCheckpoints: 5 } });
    expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
    solver.model.update({ vp });
  });

  it('a memory budget: the Revolver picks c from it and peak checkpoint bytes stay within it', () => {
    const { solver, residual, reference } = setup(2);
    const state = solver.gradientStepping(THREADS).checkpoint.nbytes;
    for (const slots of [2, 5, 20]) {
      const memoryBudgetBytes = slots * state + state / 2;
      const { grad, revolver } = solver.gradient(residual, { ...THREADS, checkpointing: { memoryBudgetBytes } });
      expect(revolver!.peakCheckpointBytes).toBeLessThanOrEqual(memoryBudgetBytes);
      expect(revolver!.peakSlots).toBeLessThanOrEqual(slots);
      expect(bufferOf(grad).equals(bufferOf(reference))).toBe(true);
    }
    expect(() => solver.gradient(residual, { ...THREADS, checkpointing: { memoryBudgetBytes: state - 1 } })).toThrow(CheckpointBudgetError);
  });

  it('lossy ZFP at tolerance 1e-6 (relative to each field\'s peak): relative gradient error reported and below 1e-4', () => {
    const { solver, residual, reference } = setup(2);
    const segments = solver.gradientStepping(THREADS).checkpoint.segments;
    const { grad, revolver } = solver.gradient(residual, {
      ...THREADS,
      checkpointing: { nCheckpoints: 6, storage: { kind: 'memory', compression: { codec: 'zfp', tolerance: 1e-6, toleranceMode: 'relative', segments } } },
    });
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < grad.length; i++) {
      diff += (grad[i]! - reference[i]!) ** 2;
      norm += reference[i]! ** 2;
    }
    const relative = Math.sqrt(diff / norm);
    expect(revolver!.compressionRatio).toBeGreaterThan(1.5);
    expect(revolver!.compression?.maxRelError).toBeLessThanOrEqual(1e-6);
    expect(relative).toBeGreaterThan(0); // lossy: something changed
    expect(relative).toBeLessThan(1e-4); // measured 2.3e-6 at a compression ratio of 5.4
  });
});
