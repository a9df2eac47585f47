import { describe, expect, it } from 'vitest';
import {
  ApplyArgumentError, Checkpoint, CheckpointOperator, Eq, Function, Grid, InvalidArgumentError, Operator, Revolver, TimeFunction, solve,
} from '../../src/index.ts';
import { compileSchedule } from '../../src/revolve/index.ts';

/**
 * Zero-copy restores: a read-only reverse kernel runs on a memory checkpoint in place. The ring of
 * a timeOrder-2 field has 3 slots and a state holds 2 of them, oldest first.
 */
function setup() {
  const grid = new Grid({ shape: [9, 8], extent: [80, 70] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 2 });
  const m = new Function({ name: 'm', grid, spaceOrder: 2 });
  m.data.fill(0.5);
  const forward = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'inplace_forward' });
  // Reads u at t and t − 1 only, writes m: the shape of the FWI gradient's access to u.
  const reader = new Operator([new Eq(m, m.add(u.mul(0.25)).sub(u.backward.mul(0.5)))], { name: 'inplace_reader' });
  return { grid, u, m, forward, reader };
}

describe('Checkpoint.viewsOf: a state read in place', () => {
  const { u } = setup();
  const cell = u.data.raw.length / 3;
  u.data.raw.forEach((_, i, raw) => { raw[i] = Math.floor(i / cell) + 1; }); // ring slot s holds s + 1
  const checkpoint = new Checkpoint([u], { timeOffset: 1 });
  const slab = new Uint8Array(3 * checkpoint.nbytes);
  const slot = slab.subarray(checkpoint.nbytes, 2 * checkpoint.nbytes); // the middle slot: room on both sides

  for (const step of [0, 1, 2, 3, 4, 5]) {
    it(`state ${step}: in ring order unless its levels wrap; the view reads the saved levels where the kernel looks`, () => {
      checkpoint.save(slot, step);
      const newest = u.slotOf(step + 1);
      const oldest = u.slotOf(step);
      const views = checkpoint.viewsOf(slot, step);
      if (oldest === 2) {
        expect(views).toBeUndefined(); // ring slots 2 and 0: not adjacent in memory
        return;
      }
      const view = views!.get(u)!;
      expect(view.length).toBe(u.data.raw.length);
      expect(view[newest * cell]).toBe(newest + 1);
      expect(view[newest * cell + cell - 1]).toBe(newest + 1);
      expect(view[oldest * cell]).toBe(oldest + 1);
      expect(view.byteOffset).toBe(slot.byteOffset - oldest * cell * 4);
    });
  }

  it('no view when the ring around the state would leave the buffer, or for a saved history', () => {
    const first = slab.subarray(0, checkpoint.nbytes);
    const step = [0, 1, 2].find((s) => u.slotOf(s) === 1)!; // oldest level in ring slot 1: the ring starts one cell earlier
    checkpoint.save(first, step);
    expect(checkpoint.viewsOf(first, step)).toBeUndefined();
    const saved = new TimeFunction({ name: 'h', grid: u.grid, timeOrder: 2, spaceOrder: 2, save: 6 });
    const history = new Checkpoint([saved], { timeOffset: 1 });
    const bytes = new Uint8Array(2 * history.nbytes);
    expect(history.viewsOf(bytes.subarray(history.nbytes), 2)).toBeUndefined();
  });
});

/**
 * In-place steps the schedule allows: a last restore of state k right before reverse step k − 1,
 * whose levels (time k − 1 oldest, then k) are not split by the ring's wrap, and whose ring (one
 * 3-cell window around the 2-cell slot) stays inside the slab of all slots.
 */
function expectedInPlace(n: number, c: number, slabEdges = true): number {
  const { actions, summary } = compileSchedule(n, c);
  let count = 0;
  actions.forEach((action, i) => {
    const next = actions[i + 1];
    if (action.kind !== 'restore' || !action.release || next?.kind !== 'reverse' || next.step !== action.step - 1) return;
    const oldest = (((action.step - 1) % 3) + 3) % 3;
    const start = 2 * action.slot - oldest;
    if (oldest !== 2 && (!slabEdges || (start >= 0 && start + 3 <= 2 * summary.peakSlots))) count += 1;
  });
  return count;
}

describe('in-place reverse steps under the Revolver', () => {
  const nTimesteps = 30;
  const run = (nCheckpoints: number, readsInPlace: boolean, storage: 'memory' | 'lz4') => {
    const { u, m, forward, reader } = setup();
    u.data.raw.forEach((_, i, raw) => { raw[i] = Math.sin(i * 0.37); });
    const initial = u.data.raw.slice();
    m.data.fill(0.5);
    const checkpoint = new Checkpoint([u]);
    const history: Float32Array[] = [];
    const revolver = new Revolver({
      checkpoint,
      forward: new CheckpointOperator(forward, { dt: 0.5 }),
      reverse: new CheckpointOperator(reader, {}, readsInPlace ? { timeOffset: 1, readsInPlace: checkpoint } : { timeOffset: 1 }),
      nTimesteps,
      nCheckpoints,
      storage: storage === 'memory' ? { kind: 'memory' } : { kind: 'memory', compression: 'lz4' },
      // A restore copy costs 1 ms and nothing else costs anything: plan.predicted.storageMs counts the copying restores.
      // A reverse step reading in place costs 0.25 ms more, touching a slot the first time 0.5 ms.
      costs: { forwardStepMs: 0, reverseStepMs: 0, memory: { writeMs: 0, readMs: 1, inPlaceReadMs: 0.25, firstTouchMs: 0.5 }, disk: { writeMs: Infinity, readMs: Infinity } },
    });
    const { storageMs: predictedCopies, reverseMs: predictedInPlace, firstTouchMs } = revolver.plan.predicted;
    u.data.raw.set(initial);
    revolver.applyForward();
    revolver.applyReverse();
    history.push(Float32Array.from(m.data.raw));
    revolver.close();
    return { grad: history[0]!, stats: revolver.stats, predictedCopies, predictedInPlace, firstTouchMs };
  };

  for (const nCheckpoints of [3, 8, nTimesteps + 1]) {
    it(`c = ${nCheckpoints}: bitwise the restoring run, with about two thirds of the last restores in place`, () => {
      const copied = run(nCheckpoints, false, 'memory');
      const inPlace = run(nCheckpoints, true, 'memory');
      expect(Buffer.from(inPlace.grad.buffer).equals(Buffer.from(copied.grad.buffer))).toBe(true);
      expect(copied.stats.inPlaceRestores).toBe(0);
      expect(inPlace.stats.inPlaceRestores).toBeGreaterThan(0);
      expect(inPlace.stats.restores).toBe(copied.stats.restores);
      expect(inPlace.stats.reverseSteps).toBe(nTimesteps);
      expect(inPlace.stats.bytesRead).toBe(copied.stats.bytesRead - inPlace.stats.inPlaceRestores * copied.stats.bytesRead / copied.stats.restores);
      expect(inPlace.stats.inPlaceRestores).toBe(expectedInPlace(nTimesteps, nCheckpoints));
      // The cost model knows which restores the reverse step reads in place by ring order (restores in the slab's
      // first and last slot may still copy), and that a level without traffic costs nothing at an infinite cost per copy.
      expect(copied.predictedCopies).toBe(copied.stats.restores);
      expect(inPlace.predictedCopies).toBe(inPlace.stats.restores - expectedInPlace(nTimesteps, nCheckpoints, false));
      expect(inPlace.predictedCopies).toBeLessThanOrEqual(inPlace.stats.restores - inPlace.stats.inPlaceRestores);
      // The in-place restores make their reverse steps read the slot: 0.25 ms each, in the reverse time.
      expect(copied.predictedInPlace).toBe(0);
      expect(inPlace.predictedInPlace).toBe(0.25 * expectedInPlace(nTimesteps, nCheckpoints, false));
      // A new storage touches each slot it uses once.
      expect(inPlace.firstTouchMs).toBe(0.5 * inPlace.stats.peakSlots);
    });
  }

  it('compressed memory lends no bytes: every restore copies', () => {
    const compressed = run(8, true, 'lz4');
    expect(compressed.stats.inPlaceRestores).toBe(0);
    expect(compressed.predictedCopies).toBe(compressed.stats.restores);
  });

  it('readsInPlace refuses an operator that writes the checkpointed field; runWith checks what it is given', () => {
    const { u, forward, reader, m } = setup();
    expect(() => new CheckpointOperator(forward, { dt: 0.5 }, { readsInPlace: new Checkpoint([u]) })).toThrow(InvalidArgumentError);
    const bound = reader.bind({ timeMin: 1, timeMax: 1 });
    expect(() => bound.runWith(1, 1, new Map([[u, new Float64Array(u.data.raw.length)]]))).toThrow(ApplyArgumentError);
    expect(() => bound.runWith(1, 1, new Map([[u, new Float32Array(u.data.raw.length - 1)]]))).toThrow(/at least/);
    const other = new TimeFunction({ name: 'w', grid: u.grid, timeOrder: 2, spaceOrder: 2 });
    expect(() => bound.runWith(1, 1, new Map([[other, other.data.raw]]))).toThrow(/does not take/);
    // The field's own data is back after a call with a replacement.
    const copy = Float32Array.from(u.data.raw);
    bound.runWith(1, 1, new Map([[u, copy]]));
    m.data.fill(0);
    u.data.raw.fill(2);
    bound.run(1, 1);
    expect(m.data.get(4, 4)).toBeCloseTo(2 * 0.25 - 2 * 0.5, 6);
  });
});
