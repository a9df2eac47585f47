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
 * Measures the cost model on the real problem before anything runs: a forward step (from state 0,
 * twice, which is then restored exactly: the checkpoint contract makes that safe), copies of the
 * state to and from memory, and a write and read through `DiskStorage` when `disk` is set. The
 * reverse step is taken to cost a forward step: it cannot be run before the forward sweep.
 */
export function measureCosts(checkpoint: Checkpointable, forward: Stepper, disk: { directory?: string } | undefined): CostModel {
  const state = new Uint8Array(checkpoint.nbytes);
  const copy = new Uint8Array(checkpoint.nbytes);
  const write = fastest(3, () => checkpoint.save(state, 0));
  const forwardStepMs = fastest(2, () => {
    forward.apply(0, 1);
    checkpoint.load(state, 0);
  });
  const read = fastest(3, () => checkpoint.load(state, 0));
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
  // The step time includes one restore; take it off (never below a hundredth of the measurement).
  const step = Math.max(forwardStepMs - read, forwardStepMs / 100);
  return Object.freeze({ forwardStepMs: step, reverseStepMs: step, memory, disk: diskCost });
}
