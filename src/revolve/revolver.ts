import { DevitoError, InvalidArgumentError } from '../errors.ts';
import { assertNever } from '../support/assert-never.ts';
import { planFromSummary, resolveCheckpoints, type CheckpointPlan } from './budget.ts';
import type { Checkpointable, Stepper } from './contracts.ts';
import { assertCount, compileSchedule, type CompiledSchedule } from './schedule.ts';
import { createStorage, isStorage, type StorageSpec } from './storage/create.ts';
import type { CheckpointStorage, CompressionCounters, StorageCounters } from './storage/storage.ts';

/** Which sweep a progress report is about. */
export type RevolverPhase = 'forward' | 'reverse';

/**
 * Called after each forward call of the forward sweep (`done` = steps run, `total` = n) and after
 * each reverse step (`done` = reverse steps run, `total` = n).
 */
export type ProgressCallback = (phase: RevolverPhase, done: number, total: number) => void;

/** Options of `Revolver`; give exactly one of `nCheckpoints` and `memoryBudgetBytes`. */
export interface RevolverOptions {
  readonly checkpoint: Checkpointable;
  readonly forward: Stepper;
  readonly reverse: Stepper;
  readonly nTimesteps: number;
  /** Storage slots, the initial state's included (≥ 1; more than `n + 1` are never used). */
  readonly nCheckpoints?: number;
  /** Bytes of checkpoints allowed; the slot count is the number of whole states that fit. */
  readonly memoryBudgetBytes?: number;
  /** A storage object (the Revolver opens and, on `close`, closes it) or a spec. Default: memory. */
  readonly storage?: CheckpointStorage | StorageSpec;
  readonly onProgress?: ProgressCallback;
}

/** What the last run (forward sweep, and reverse sweep if run) did and cost. */
export interface RevolverStats {
  readonly forwardSteps: number;
  /** `forward.apply` calls; each covers the longest range the schedule allows. */
  readonly forwardCalls: number;
  readonly reverseSteps: number;
  readonly saves: number;
  readonly restores: number;
  /** Most slots in use at once. */
  readonly peakSlots: number;
  /** Most checkpoint bytes held at once, uncompressed (`peakSlots × nbytes`). */
  readonly peakCheckpointBytes: number;
  /** Process memory the storage reserved for checkpoints. */
  readonly reservedBytes: number;
  /** Bytes moved to and from the storage medium (compressed bytes when compressing). */
  readonly bytesWritten: number;
  readonly bytesRead: number;
  /** Raw bytes over stored bytes of the checkpoints written, when the storage compresses. */
  readonly compressionRatio: number | undefined;
  /**
   * The storage's compression counters of the last run (codec, bytes, and for a lossy codec such
   * as zfp the largest error measured per saved value), when it compresses.
   */
  readonly compression: CompressionCounters | undefined;
  /** Wall time inside `forward.apply`, `reverse.apply` and storage (copies included), in ms. */
  readonly forwardMs: number;
  readonly reverseMs: number;
  readonly storageMs: number;
}

const FREE = -1;
const UNKNOWN = -1;
const NO_COUNTERS: StorageCounters = { writes: 0, reads: 0, bytesWritten: 0, bytesRead: 0, reservedBytes: 0 };

/**
 * Runs an adjoint with optimal binomial checkpointing: `applyForward()` runs all `n` forward
 * steps (so whatever the forward records is complete) taking checkpoints, and `applyReverse()`
 * calls `reverse.apply(t, t + 1)` for `t = n−1 … 0`, restoring and recomputing as scheduled.
 *
 * NOTE: invariant — when `reverse.apply(t, t + 1)` is called, the live forward state is the
 * state after `t + 1` forward steps (the output of forward step `t`). The forward steps over both
 * sweeps total the least possible under that invariant, `plan.forwardSteps`; at most
 * `nCheckpoints` slots are in use at any time. `reverse.apply` may overwrite the forward state:
 * the schedule always restores before it runs forward again.
 *
 * The Revolver is the only caller of the steppers during an adjoint.
 */
export class Revolver {
  readonly nTimesteps: number;
  /** Slots allowed (from `nCheckpoints`, or from the memory budget). */
  readonly nCheckpoints: number;
  /** The cost, known before running. */
  readonly plan: CheckpointPlan;
  private readonly checkpoint: Checkpointable;
  private readonly forward: Stepper;
  private readonly reverse: Stepper;
  private readonly onProgress: ProgressCallback | undefined;
  private readonly storage: CheckpointStorage;
  private readonly schedule: CompiledSchedule;
  private readonly slotStep: Float64Array;
  /** State index of the save or restore under way (passed to the checkpoint, which may need it). */
  private stepInFlight = 0;
  private readonly fill = (dst: Uint8Array): void => this.checkpoint.save(dst, this.stepInFlight);
  private readonly drain = (src: Uint8Array): void => this.checkpoint.load(src, this.stepInFlight);
  private phase: 'ready' | 'forward-done' | 'reversed' | 'failed' | 'closed' = 'ready';
  private storageOpen = false;
  private live = 0;
  private inUse = 0;
  private baseline: StorageCounters = NO_COUNTERS;
  private counts = newCounts();

  constructor(options: RevolverOptions) {
    // NOTE: unknown keys are allowed here: callers build these options by spreading an object
    // that implements checkpoint, forward and reverse (and carries state of its own).
    const { checkpoint, forward, reverse, nTimesteps } = options;
    if (!checkpoint || typeof checkpoint.save !== 'function' || typeof checkpoint.load !== 'function') {
      throw new InvalidArgumentError('checkpoint must have save(slot) and load(slot) methods');
    }
    assertCount('checkpoint nbytes', checkpoint.nbytes, 1);
    for (const [name, stepper] of [['forward', forward], ['reverse', reverse]] as const) {
      if (!stepper || typeof stepper.apply !== 'function') {
        throw new InvalidArgumentError(`${name} must be a Stepper with an apply(tStart, tEnd) method`);
      }
    }
    this.nCheckpoints = resolveCheckpoints({ ...options, stateBytes: checkpoint.nbytes });
    this.nTimesteps = nTimesteps;
    this.checkpoint = checkpoint;
    this.forward = forward;
    this.reverse = reverse;
    this.onProgress = options.onProgress;
    this.schedule = compileSchedule(nTimesteps, this.nCheckpoints);
    this.plan = planFromSummary(this.schedule.summary, checkpoint.nbytes);
    this.slotStep = new Float64Array(this.schedule.summary.peakSlots).fill(FREE);
    const storage = options.storage ?? { kind: 'memory' };
    this.storage = isStorage(storage) ? storage : createStorage(storage);
  }

  /** Runs the forward sweep: all `n` steps, saving checkpoints; the live state ends at state `n`. */
  applyForward(): void {
    this.ensureUsable();
    if (this.checkpoint.nbytes !== this.plan.stateBytes) {
      throw new InvalidArgumentError(
        `checkpoint nbytes changed from ${this.plan.stateBytes} to ${this.checkpoint.nbytes}; build a new Revolver`,
      );
    }
    if (!this.storageOpen) {
      const { peakSlots, restoresPerSlot } = this.schedule.summary;
      this.storage.open({ nSlots: peakSlots, slotBytes: this.plan.stateBytes, restoresPerSlot });
      this.storageOpen = true;
    }
    this.slotStep.fill(FREE);
    this.inUse = 0;
    this.live = 0;
    this.counts = newCounts();
    this.baseline = this.storage.counters();
    this.storage.resetCompression?.();
    this.execute(0, this.schedule.firstReverse, 'forward-done');
  }

  /** Runs the reverse sweep: `reverse.apply(t, t + 1)` for `t = n−1 … 0`, recomputing as needed. */
  applyReverse(): void {
    this.ensureUsable();
    if (this.phase !== 'forward-done') {
      throw new DevitoError(
        this.phase === 'reversed'
          ? 'applyReverse() already ran; run applyForward() again before another reverse sweep'
          : 'applyReverse() needs a completed applyForward() first',
      );
    }
    this.execute(this.schedule.firstReverse, this.schedule.actions.length, 'reversed');
  }

  /** Counters of the last run (reset by `applyForward`). */
  get stats(): RevolverStats {
    const now = this.storageOpen ? this.storage.counters() : NO_COUNTERS;
    const compression = this.storageOpen ? this.storage.compression?.() : undefined;
    const c = this.counts;
    return {
      forwardSteps: c.forwardSteps,
      forwardCalls: c.forwardCalls,
      reverseSteps: c.reverseSteps,
      saves: c.saves,
      restores: c.restores,
      peakSlots: c.peakSlots,
      peakCheckpointBytes: c.peakSlots * this.plan.stateBytes,
      reservedBytes: now.reservedBytes,
      bytesWritten: now.bytesWritten - this.baseline.bytesWritten,
      bytesRead: now.bytesRead - this.baseline.bytesRead,
      compressionRatio: compression && compression.storedBytes > 0 ? compression.rawBytes / compression.storedBytes : undefined,
      compression,
      forwardMs: c.forwardMs,
      reverseMs: c.reverseMs,
      storageMs: c.storageMs,
    };
  }

  /** Releases the storage (memory, files); the Revolver cannot run afterwards. */
  close(): void {
    if (this.storageOpen) this.storage.close();
    this.storageOpen = false;
    this.phase = 'closed';
  }

  private ensureUsable(): void {
    if (this.phase === 'closed') throw new DevitoError('this Revolver was closed');
  }

  private execute(from: number, to: number, done: 'forward-done' | 'reversed'): void {
    try {
      this.run(from, to);
    } catch (error) {
      this.phase = 'failed';
      throw error;
    }
    this.phase = done;
  }

  private run(from: number, to: number): void {
    const actions = this.schedule.actions;
    const c = this.counts;
    const n = this.nTimesteps;
    for (let i = from; i < to; i++) {
      const action = actions[i];
      switch (action.kind) {
        case 'advance': {
          if (this.live !== action.from) this.broken(`advance from state ${action.from} with state ${this.live} live`);
          const t0 = performance.now();
          this.forward.apply(action.from, action.to);
          c.forwardMs += performance.now() - t0;
          c.forwardSteps += action.to - action.from;
          c.forwardCalls += 1;
          this.live = action.to;
          if (this.onProgress && c.reverseSteps === 0) this.onProgress('forward', this.live, n);
          break;
        }
        case 'save': {
          if (this.live !== action.step) this.broken(`save of state ${action.step} with state ${this.live} live`);
          // NOTE: a save never lands on a slot whose checkpoint is still needed.
          const held = this.slotStep[action.slot];
          if (held !== FREE) this.broken(`save into slot ${action.slot}, which still holds state ${held}`);
          const t0 = performance.now();
          this.stepInFlight = action.step;
          this.storage.write(action.slot, this.plan.stateBytes, this.fill);
          c.storageMs += performance.now() - t0;
          this.slotStep[action.slot] = action.step;
          c.saves += 1;
          this.inUse += 1;
          if (this.inUse > c.peakSlots) c.peakSlots = this.inUse;
          if (this.inUse > this.nCheckpoints) this.broken(`${this.inUse} slots in use`);
          break;
        }
        case 'restore': {
          const held = this.slotStep[action.slot];
          if (held !== action.step) this.broken(`restore of state ${action.step} from slot ${action.slot}, which holds ${held}`);
          const t0 = performance.now();
          this.stepInFlight = action.step;
          this.storage.read(action.slot, this.drain);
          if (action.release) {
            this.storage.release(action.slot);
            this.slotStep[action.slot] = FREE;
            this.inUse -= 1;
          }
          c.storageMs += performance.now() - t0;
          c.restores += 1;
          this.live = action.step;
          break;
        }
        case 'reverse': {
          if (this.live !== action.step + 1) this.broken(`reverse step ${action.step} with state ${this.live} live`);
          const t0 = performance.now();
          this.reverse.apply(action.step, action.step + 1);
          c.reverseMs += performance.now() - t0;
          c.reverseSteps += 1;
          this.live = UNKNOWN;
          this.onProgress?.('reverse', c.reverseSteps, n);
          break;
        }
        case 'terminate':
          if (this.inUse !== 0) this.broken(`${this.inUse} slots still in use at the end`);
          break;
        default:
          assertNever(action);
      }
    }
  }

  private broken(what: string): never {
    throw new DevitoError(`internal checkpointing error: ${what}; please report this with n and c`);
  }
}


function newCounts() {
  return {
    forwardSteps: 0,
    forwardCalls: 0,
    reverseSteps: 0,
    saves: 0,
    restores: 0,
    peakSlots: 0,
    forwardMs: 0,
    reverseMs: 0,
    storageMs: 0,
  };
}
