import { hugePageBuffer } from '../runtime/memory.ts';
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
/** Forward steps of each timed sequence (fewer when the problem has fewer). */
const MEASURED_STEPS = 16;
/** Rounds of the sequences; each is timed as its fastest round. */
const ROUNDS = 3;

/**
 * Measures the cost model on the real problem before anything runs, as a run meets each cost:
 * copies go to and from slots in RAM (distinct scratch slots of at least 128 MiB in all, 1 to 64
 * states), between forward steps whose cache they disturb. Sequences of up to 16 steps from state
 * 0 (`nTimesteps` caps them; state 0 is restored before each, which the checkpoint contract makes
 * exact) are timed: the steps in one call, one call per step, a save before each step, and a
 * restore before each step (of the state its slot holds, and the step from there). The step
 * costs the first ÷ steps (a run advances over ranges); a save costs the third's excess over the
 * second, a restore the fourth's: the copy together with the slower step after it. The first
 * touch of the scratch memory is timed too (`memory.firstTouchMs`), and a write and read through
 * `DiskStorage` when `disk` is set. The reverse step is taken to cost a forward step and reading
 * a state in place a read: they cannot be run before the forward sweep. The number of steps
 * depends only on `nTimesteps`, so ranks of a split grid run the same ones.
 */
export function measureCosts(checkpoint: Checkpointable, forward: Stepper, disk: { directory?: string } | undefined, nTimesteps = 1): CostModel {
  const state = new Uint8Array(checkpoint.nbytes);
  checkpoint.save(state, 0);
  const nScratch = Math.min(MAX_SCRATCH_STATES, Math.max(1, Math.ceil(COLD_BYTES / checkpoint.nbytes)));
  // Touching the scratch slots the first time is what a new storage pays per slot in its first run.
  const touchStart = performance.now();
  // One slab, as MemoryStorage allocates its slots.
  const slab = hugePageBuffer(nScratch * checkpoint.nbytes);
  const scratch = Array.from({ length: nScratch }, (_, i) => new Uint8Array(slab, i * checkpoint.nbytes, checkpoint.nbytes).fill(1));
  const firstTouchMs = (performance.now() - touchStart) / nScratch;
  // Every slot holds a state (state 0 at first) and is restored only as the state it holds.
  for (const slot of scratch) checkpoint.save(slot, 0);
  const held = new Int32Array(nScratch);

  const steps = Math.max(1, Math.min(MEASURED_STEPS, Math.floor(nTimesteps)));
  let next = 0; // slots taken in rotation: each is cold again when its turn comes
  const nextSlot = (): number => next++ % nScratch;
  const fromStateZero = (sequence: () => void): number => {
    checkpoint.load(state, 0);
    const t0 = performance.now();
    sequence();
    return performance.now() - t0;
  };
  let oneCall = Infinity;
  let stepsOnly = Infinity;
  let withSaves = Infinity;
  let withRestores = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    oneCall = Math.min(oneCall, fromStateZero(() => forward.apply(0, steps)));
    stepsOnly = Math.min(stepsOnly, fromStateZero(() => {
      for (let j = 0; j < steps; j++) forward.apply(j, j + 1);
    }));
    withSaves = Math.min(withSaves, fromStateZero(() => {
      for (let j = 0; j < steps; j++) {
        const i = nextSlot();
        checkpoint.save(scratch[i]!, j);
        held[i] = j;
        forward.apply(j, j + 1);
      }
    }));
    withRestores = Math.min(withRestores, fromStateZero(() => {
      for (let j = 0; j < steps; j++) {
        const i = nextSlot();
        const step = held[i]!;
        checkpoint.load(scratch[i]!, step);
        forward.apply(step, step + 1);
      }
    }));
  }
  checkpoint.load(state, 0);
  const step = oneCall / steps;
  // Never below a hundredth of a step: timer noise must not make copies free or negative.
  const write = Math.max((withSaves - stepsOnly) / steps, step / 100);
  const read = Math.max((withRestores - stepsOnly) / steps, step / 100);
  const memory = { writeMs: write, readMs: read, firstTouchMs };
  let diskCost: CostModel['disk'] = { writeMs: Infinity, readMs: Infinity };
  if (disk) {
    // The Revolver's own path: the state copied into the storage's staging buffer, checksummed
    // and written to a new file (renamed over the old), then read back, verified and loaded.
    // Fresh files take fresh page-cache memory: a new storage's first write of each slot pays
    // the memory's first touch too.
    const storage = new DiskStorage(disk);
    storage.open({ nSlots: 1, slotBytes: state.length, restoresPerSlot: [1] });
    try {
      diskCost = {
        writeMs: fastest(ROUNDS, () => storage.write(0, state.length, (dst) => checkpoint.save(dst, 0))),
        readMs: fastest(ROUNDS, () => storage.read(0, (src) => checkpoint.load(src, 0))),
        firstTouchMs,
      };
    } finally {
      storage.close();
    }
  }
  return Object.freeze({ forwardStepMs: step, reverseStepMs: step, memory, disk: diskCost });
}
