import type { Checkpointable, Stepper } from './contracts.ts';
import type { CostModel } from './schedules/types.ts';
import { DiskStorage } from './storage/disk.ts';

/** Fastest of `repeats` timings of `work`, in ms. */
function fastest(repeats: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    work();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Checkpoint memory the copies are timed against: at least this many bytes (past the last-level
 * caches), so that a copy is timed as a run copies to and from its many slots, from RAM.
 */
const COLD_BYTES = 128 * 2 ** 20;
/** At most this many states of scratch memory. */
const MAX_SCRATCH_STATES = 64;

/**
 * Ms of one save into (or load from) each of `slots` distinct, already touched slots: a
 * checkpoint copy as the Revolver makes it, to or from memory the caches do not hold.
 */
function coldCopies(slots: readonly Uint8Array[], copy: (slot: Uint8Array) => void): number {
  // The fastest of 3 passes: each pass is still cold (the slots outgrow the caches), and other processes disturb fewer.
  return fastest(3, () => {
    for (const slot of slots) copy(slot);
  }) / slots.length;
}

/**
 * Measures the cost model on the real problem before anything runs: a forward step (from state 0,
 * twice, which is then restored exactly: the checkpoint contract makes that safe), copies of the
 * state to and from memory, and a write and read through `DiskStorage` when `disk` is set. Memory
 * copies are timed over distinct slots of at least 128 MiB in all (1 to 64 states), touched
 * first, as a run's copies go to and from RAM rather than a cache-hot buffer. The reverse step is
 * taken to cost a forward step: it cannot be run before the forward sweep.
 */
export function measureCosts(checkpoint: Checkpointable, forward: Stepper, disk: { directory?: string } | undefined): CostModel {
  const state = new Uint8Array(checkpoint.nbytes);
  const copy = new Uint8Array(checkpoint.nbytes);
  checkpoint.save(state, 0);
  const nScratch = Math.min(MAX_SCRATCH_STATES, Math.max(1, Math.ceil(COLD_BYTES / checkpoint.nbytes)));
  const scratch = Array.from({ length: nScratch }, () => new Uint8Array(checkpoint.nbytes).fill(1));
  const write = coldCopies(scratch, (slot) => checkpoint.save(slot, 0));
  const forwardStepMs = fastest(2, () => {
    forward.apply(0, 1);
    checkpoint.load(state, 0);
  });
  const warmRead = fastest(3, () => checkpoint.load(state, 0));
  const read = coldCopies(scratch, (slot) => checkpoint.load(slot, 0));
  checkpoint.load(state, 0);
  const memory = { writeMs: write, readMs: read };
  let diskCost = { writeMs: Infinity, readMs: Infinity };
  if (disk) {
    const storage = new DiskStorage(disk);
    storage.open({ nSlots: 1, slotBytes: state.length, restoresPerSlot: [1] });
    try {
      diskCost = {
        writeMs: write + fastest(2, () => storage.write(0, state.length, (dst) => dst.set(state))),
        readMs: read + fastest(2, () => storage.read(0, (src) => copy.set(src))),
      };
    } finally {
      storage.close();
    }
  }
  // The step time includes one restore from a cache-hot buffer; take it off (never below a hundredth of the measurement).
  const step = Math.max(forwardStepMs - warmRead, forwardStepMs / 100);
  return Object.freeze({ forwardStepMs: step, reverseStepMs: step, memory, disk: diskCost });
}
