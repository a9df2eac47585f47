import { describe, expect, it } from 'vitest';
import { DevitoError, InvalidArgumentError } from '../../src/errors.ts';
import {
  MemoryStorage,
  predictForwardSteps,
  Revolver,
  summarizeSchedule,
  type CheckpointStorage,
} from '../../src/revolve/index.ts';
import { descending, ToyProblem } from './toy.ts';

/** Memory storage that also tracks, independently of the Revolver, how many slots hold data. */
class WatchedStorage extends MemoryStorage {
  held = new Set<number>();
  peakHeld = 0;
  override write(slot: number, length: number, fill: (dst: Uint8Array) => void): void {
    if (this.held.has(slot)) throw new Error(`slot ${slot} overwritten while held`);
    super.write(slot, length, fill);
    this.held.add(slot);
    this.peakHeld = Math.max(this.peakHeld, this.held.size);
  }
  override release(slot: number): void {
    super.release(slot);
    this.held.delete(slot);
  }
}

function run(n: number, c: number, options: { log?: boolean; storage?: CheckpointStorage } = {}) {
  const toy = new ToyProblem({ log: options.log ?? false });
  const storage = options.storage ?? new WatchedStorage();
  const revolver = new Revolver({ ...toy, nTimesteps: n, nCheckpoints: c, storage });
  revolver.applyForward();
  const afterForward = { step: toy.step, forwardSteps: toy.forwardSteps, reversed: toy.reversed.length };
  revolver.applyReverse();
  return { toy, revolver, storage, afterForward };
}

describe('Revolver', () => {
  it('meets the contract for every n ≤ 150 and c ≤ 12', () => {
    for (let n = 1; n <= 150; n++) {
      const order = descending(n);
      for (let c = 1; c <= 12; c++) {
        const { toy, revolver, storage, afterForward } = run(n, c);
        const label = `n=${n} c=${c}`;
        expect(toy.violations, label).toEqual([]);
        // The forward sweep runs all n steps and nothing else.
        expect(afterForward, label).toEqual({ step: n, forwardSteps: n, reversed: 0 });
        expect(toy.forwardSteps, label).toBe(predictForwardSteps(n, c));
        expect(toy.reversed, label).toEqual(order);
        const stats = revolver.stats;
        expect(stats.forwardSteps).toBe(toy.forwardSteps);
        expect(stats.forwardCalls).toBe(toy.forwardCalls);
        expect(stats.reverseSteps).toBe(n);
        expect(stats.peakSlots).toBeLessThanOrEqual(c);
        expect((storage as WatchedStorage).peakHeld).toBe(stats.peakSlots);
        expect((storage as WatchedStorage).held.size).toBe(0);
      }
    }
  });

  it('calls forward once per advance, over the longest ranges, and copies each save and load once', () => {
    for (const [n, c] of [[1, 1], [2, 1], [9, 3], [40, 4], [100, 101]]) {
      const { toy, revolver } = run(n, c, { log: true });
      const summary = summarizeSchedule(n, c);
      expect(toy.forwardCalls).toBe(summary.forwardCalls);
      // Two forward calls in a row would have been one longer call.
      toy.events.forEach((e, i) => {
        if (e.kind === 'forward') expect(toy.events[i - 1]?.kind).not.toBe('forward');
      });
      expect(toy.events.filter((e) => e.kind === 'save')).toHaveLength(revolver.stats.saves);
      expect(toy.events.filter((e) => e.kind === 'load')).toHaveLength(revolver.stats.restores);
      expect(revolver.stats.saves).toBe(summary.saves);
    }
  });

  it('recomputes nothing when c ≥ n + 1, and stores only what the reverse sweep reads', () => {
    const { toy, revolver } = run(50, 51, { log: true });
    expect(toy.forwardSteps).toBe(50);
    expect(toy.events.filter((e) => e.kind === 'forward')).toHaveLength(50);
    expect(revolver.stats.peakSlots).toBe(49);
    expect(revolver.stats.saves).toBe(49);
    expect(revolver.plan.recomputeFactor).toBe(1);
  });

  it('with c = 1 recomputes from the initial state each time', () => {
    const { toy, revolver } = run(30, 1, { log: true });
    expect(toy.forwardSteps).toBe((30 * 31) / 2);
    expect(revolver.stats.peakSlots).toBe(1);
    expect(toy.events.filter((e) => e.kind === 'load').every((e) => e.kind === 'load' && e.step === 0)).toBe(true);
  });

  it('meets the contract on spot checks up to n = 20 000', () => {
    for (const [n, c] of [[1000, 4], [5000, 12], [20_000, 1], [20_000, 3], [20_000, 12], [20_000, 50], [20_000, 20_001]]) {
      const t0 = performance.now();
      const { toy, revolver } = run(n, c);
      const ms = performance.now() - t0;
      expect(toy.violations).toEqual([]);
      expect(toy.forwardSteps, `n=${n} c=${c}`).toBe(predictForwardSteps(n, c));
      expect(toy.reversed).toEqual(descending(n));
      expect(revolver.stats.peakSlots).toBeLessThanOrEqual(c);
      expect(ms, `n=${n} c=${c}: ${ms.toFixed(0)} ms`).toBeLessThan(1000);
    }
  });

  it('predicts its cost before running, and the run matches', () => {
    const toy = new ToyProblem({ log: false, nbytes: 64 });
    const revolver = new Revolver({ ...toy, nTimesteps: 1000, nCheckpoints: 10 });
    expect(toy.forwardCalls).toBe(0);
    expect(revolver.plan).toMatchObject({
      nTimesteps: 1000,
      nCheckpoints: 10,
      stateBytes: 64,
      forwardSteps: predictForwardSteps(1000, 10),
      peakSlots: 10,
      checkpointBytes: 640,
    });
    expect(revolver.plan.recomputeFactor).toBeCloseTo(predictForwardSteps(1000, 10) / 1000, 12);
    revolver.applyForward();
    revolver.applyReverse();
    const stats = revolver.stats;
    expect(stats.forwardSteps).toBe(revolver.plan.forwardSteps);
    expect(stats.bytesWritten).toBe(stats.saves * 64);
    expect(stats.bytesRead).toBe(stats.restores * 64);
    expect(stats.reservedBytes).toBe(640);
    expect(stats.peakCheckpointBytes).toBe(640);
    expect(stats.compressionRatio).toBeUndefined();
    for (const ms of [stats.forwardMs, stats.reverseMs, stats.storageMs]) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('reports progress for both sweeps', () => {
    const toy = new ToyProblem({ log: false });
    const seen: string[] = [];
    const revolver = new Revolver({
      ...toy,
      nTimesteps: 6,
      nCheckpoints: 2,
      onProgress: (phase, done, total) => seen.push(`${phase} ${done}/${total}`),
    });
    revolver.applyForward();
    expect(seen.at(-1)).toBe('forward 6/6');
    revolver.applyReverse();
    expect(seen.filter((s) => s.startsWith('reverse'))).toEqual([1, 2, 3, 4, 5, 6].map((k) => `reverse ${k}/6`));
  });

  it('can run again after a full adjoint, with fresh stats', () => {
    const toy = new ToyProblem({ log: false });
    const revolver = new Revolver({ ...toy, nTimesteps: 20, nCheckpoints: 3 });
    for (let round = 0; round < 2; round++) {
      toy.step = 0;
      toy.reversed.length = 0;
      revolver.applyForward();
      revolver.applyReverse();
      expect(toy.reversed).toEqual(descending(20));
      expect(revolver.stats.forwardSteps).toBe(predictForwardSteps(20, 3));
    }
    expect(toy.violations).toEqual([]);
    expect(() => revolver.applyReverse()).toThrow(/applyForward/);
    revolver.close();
    expect(() => revolver.applyForward()).toThrow(DevitoError);
  });

  it('refuses to reverse before the forward sweep, and after a failed forward', () => {
    const toy = new ToyProblem({ log: false });
    let calls = 0;
    const forward = {
      apply(a: number, b: number) {
        calls += 1;
        if (calls === 2) throw new Error('kernel failed');
        toy.forward.apply(a, b);
      },
    };
    const revolver = new Revolver({ ...toy, forward, nTimesteps: 10, nCheckpoints: 3 });
    expect(() => revolver.applyReverse()).toThrow(/applyForward/);
    expect(() => revolver.applyForward()).toThrow('kernel failed');
    expect(() => revolver.applyReverse()).toThrow(/applyForward/);
  });

  it('rejects invalid options with messages that say what to change', () => {
    const toy = new ToyProblem({ log: false });
    const base = { ...toy, nTimesteps: 10 };
    expect(() => new Revolver({ ...base, nCheckpoints: 0 })).toThrow(/nCheckpoints must be an integer ≥ 1/);
    expect(() => new Revolver({ ...base, nCheckpoints: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => new Revolver({ ...base, nTimesteps: 0, nCheckpoints: 2 })).toThrow(/nTimesteps/);
    expect(() => new Revolver({ ...base, nTimesteps: 1.5, nCheckpoints: 2 })).toThrow(/nTimesteps/);
    expect(() => new Revolver({ ...base })).toThrow(/exactly one of nCheckpoints and memoryBudgetBytes/);
    expect(() => new Revolver({ ...base, nCheckpoints: 2, memoryBudgetBytes: 100 })).toThrow(/exactly one/);
    expect(() => new Revolver({ ...base, nCheckpoints: 2, checkpoint: { ...toy.checkpoint, nbytes: 0 } })).toThrow(
      /nbytes/,
    );
    const noApply = {} as unknown as typeof toy.forward;
    expect(() => new Revolver({ ...base, nCheckpoints: 2, reverse: noApply })).toThrow(/reverse must be a Stepper/);
  });
});
