import { CheckpointBudgetError, DevitoError, InvalidArgumentError } from '../errors.ts';
import { assertNever } from '../support/assert-never.ts';
import type { Action } from './actions.ts';
import { diskSlotsFor, planFromSummary, resolveCheckpoints, type CheckpointPlan } from './budget.ts';
import type { Checkpointable, InPlaceStepper, Stepper } from './contracts.ts';
import { agreedSettings } from './agreement.ts';
import { measureCosts } from './measure.ts';
import { assertCount } from './schedule.ts';
import { chooseSchedule, overBudget, type Candidate } from './schedules/choose.ts';
import { predictTime, type PredictedTime } from './schedules/cost.ts';
import { OnlinePlanner } from './schedules/online.ts';
import { buildSchedule, checkScheduleName } from './schedules/registry.ts';
import { STEP_COUNT_COSTS, type CostModel, type LevelledSchedule, type ScheduleName } from './schedules/types.ts';
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
  /**
   * The schedule (default `binomial`); `auto` picks the one with the least predicted time for the
   * budgets and `costs` (measured on the problem when not given). With `online`, `nTimesteps` is
   * a step limit and `shouldStop` may end the forward sooner.
   */
  readonly schedule?: ScheduleName | 'auto';
  /** Bytes of disk allowed for checkpoints, for the schedules with a disk level (`Infinity`: no limit). */
  readonly diskBudgetBytes?: number;
  /** Where disk checkpoints go (default: the OS temp dir). */
  readonly diskDirectory?: string;
  /** Step and copy times, for the schedules that weigh them and for `plan.predicted`. */
  readonly costs?: CostModel;
  /** `online` only: called after each forward step with the steps done; `true` stops the forward. */
  readonly shouldStop?: (steps: number) => boolean;
}

/** What the Revolver will run and what it should cost, known before running. */
export interface RevolverPlan extends CheckpointPlan {
  readonly schedule: ScheduleName;
  /** Disk slots allowed (0 without a disk budget). */
  readonly diskSlots: number;
  /** Saves, restores and slots per level of the planned schedule (for `online`: if it ran to the limit). */
  readonly memory: LevelledSchedule['memory'];
  readonly disk: LevelledSchedule['disk'];
  /** The cost model used, and the time it predicts. */
  readonly costs: CostModel;
  readonly predicted: PredictedTime;
  /** Why this schedule, and (with `auto`) the others considered. */
  readonly why: string;
  readonly candidates: readonly Candidate[];
}

/** What the last run (forward sweep, and reverse sweep if run) did and cost. */
export interface RevolverStats {
  readonly forwardSteps: number;
  /** `forward.apply` calls; each covers the longest range the schedule allows. */
  readonly forwardCalls: number;
  readonly reverseSteps: number;
  readonly saves: number;
  readonly restores: number;
  /** Restores that copied nothing: the reverse step read the checkpoint in place (memory storage). */
  readonly inPlaceRestores: number;
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
 * Runs an adjoint under a checkpointing schedule (binomial by default; see `schedule`):
 * `applyForward()` runs all `n` forward steps (so whatever the forward records is complete; an
 * online forward may stop sooner) taking checkpoints, and `applyReverse()` calls
 * `reverse.apply(t, t + 1)` for `t = n−1 … 0`, restoring and recomputing as scheduled.
 *
 * NOTE: invariant — when `reverse.apply(t, t + 1)` is called, the live forward state is the
 * state after `t + 1` forward steps (the output of forward step `t`). The forward steps over both
 * sweeps total `plan.forwardSteps` (for binomial the least possible under that invariant); at
 * most the schedule's slots are in use at any time. `reverse.apply` may overwrite the forward state:
 * the schedule always restores before it runs forward again.
 *
 * The Revolver is the only caller of the steppers during an adjoint.
 */
export class Revolver {
  readonly nTimesteps: number;
  /** Slots allowed (from `nCheckpoints`, or from the memory budget). */
  readonly nCheckpoints: number;
  /** The schedule and its cost, known before running. */
  readonly plan: RevolverPlan;
  private readonly checkpoint: Checkpointable;
  private readonly forward: Stepper;
  private readonly reverse: Stepper;
  private readonly onProgress: ProgressCallback | undefined;
  private readonly storage: CheckpointStorage;
  private readonly schedule: LevelledSchedule;
  /** Whether the schedule is `online`: each forward sweep then plans as it goes, with a planner of its own. */
  private readonly online: boolean;
  private readonly shouldStop: ((steps: number) => boolean) | undefined;
  /** The reverse stepper when it can run on a checkpoint in place and the storage can lend one (see reverseInPlace). */
  private readonly inPlace: InPlaceStepper | undefined;
  /** The reverse sweep an online forward planned when it stopped. */
  private onlineReverse: Action[] = [];
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

  constructor(given: RevolverOptions) {
    // NOTE: unknown keys are allowed here: callers build these options by spreading an object
    // that implements checkpoint, forward and reverse (and carries state of its own).
    const { checkpoint, forward, reverse, nTimesteps } = given;
    if (!checkpoint || typeof checkpoint.save !== 'function' || typeof checkpoint.load !== 'function') {
      throw new InvalidArgumentError('checkpoint must have save(slot) and load(slot) methods');
    }
    assertCount('checkpoint nbytes', checkpoint.nbytes, 1);
    for (const [name, stepper] of [['forward', forward], ['reverse', reverse]] as const) {
      if (!stepper || typeof stepper.apply !== 'function') {
        throw new InvalidArgumentError(`${name} must be a Stepper with an apply(tStart, tEnd) method`);
      }
    }
    // A state split over MPI ranks: every rank must run the same schedule (collective).
    const options = agreedSettings(given, checkpoint, forward, nTimesteps);
    this.nCheckpoints = resolveCheckpoints({ ...options, stateBytes: checkpoint.nbytes });
    this.nTimesteps = nTimesteps;
    this.checkpoint = checkpoint;
    this.forward = forward;
    this.reverse = reverse;
    this.onProgress = options.onProgress;
    this.shouldStop = options.shouldStop;
    const diskSlots = diskSlotsFor(options.diskBudgetBytes, checkpoint.nbytes, nTimesteps);
    const name = options.schedule ?? 'binomial';
    const disk = options.diskDirectory === undefined ? {} : { directory: options.diskDirectory };
    const costs = options.costs ?? (name === 'auto' ? measureCosts(checkpoint, forward, diskSlots > 0 ? disk : undefined, nTimesteps) : STEP_COUNT_COSTS);
    const request = { nTimesteps, memorySlots: this.nCheckpoints, diskSlots, costs };
    let why: string;
    let candidates: readonly Candidate[] = [];
    if (name === 'auto') {
      const choice = chooseSchedule(request);
      this.schedule = choice.schedule;
      why = choice.why;
      candidates = choice.candidates;
    } else {
      this.schedule = buildSchedule(checkScheduleName(name), request);
      // diskRevolve plans with as much disk as it finds useful: a disk budget it outgrows is refused, not exceeded.
      const over = overBudget(this.schedule, options.diskBudgetBytes === undefined ? { ...request, diskSlots: Infinity } : request);
      if (over !== undefined) {
        throw new CheckpointBudgetError(`${name}: ${over}; raise the budget (diskBudgetBytes: Infinity for no disk limit) or choose another schedule`);
      }
      why = `${name}: as asked`;
    }
    this.online = this.schedule.name === 'online';
    const { memory, disk: diskTraffic } = this.schedule;
    const nSlots = this.online ? this.nCheckpoints : this.schedule.slotLevels.length;
    this.slotStep = new Float64Array(nSlots).fill(FREE);
    const storage = options.storage ?? (diskTraffic.slots > 0 ? { kind: 'two-level' as const, fastSlots: memory.slots, ...disk } : { kind: 'memory' as const });
    this.storage = isStorage(storage) ? storage : createStorage(storage);
    const canReadInPlace = typeof (reverse as Partial<InPlaceStepper>).applyFrom === 'function' && typeof this.storage.peek === 'function';
    this.inPlace = canReadInPlace ? (reverse as InPlaceStepper) : undefined;
    // Restores the reverse step will read in place (see reverseInPlace) copy nothing: the prediction leaves them out.
    const inPlace = this.inPlace;
    const readsInPlace = typeof inPlace?.readsInPlaceAt === 'function' ? (state: number): boolean => inPlace.readsInPlaceAt!(state) : undefined;
    this.plan = Object.freeze({
      ...planFromSummary(this.schedule.summary, checkpoint.nbytes),
      schedule: this.schedule.name,
      diskSlots,
      memory,
      disk: diskTraffic,
      costs,
      predicted: predictTime(this.schedule, costs, readsInPlace),
      why,
      candidates,
    });
  }

  /** Runs the forward sweep: all `n` steps, saving checkpoints; the live state ends at state `n`. */
  applyForward(): void {
    this.ensureUsable();
    if (this.checkpoint.nbytes !== this.plan.stateBytes) {
      throw new InvalidArgumentError(
        `checkpoint nbytes changed from ${this.plan.stateBytes} to ${this.checkpoint.nbytes}; build a new Revolver`,
      );
    }
    this.counts = newCounts();
    if (!this.storageOpen) {
      const { restoresPerSlot } = this.schedule.summary;
      // Levels only for schedules that chose them; otherwise tiered storage ranks slots by restores.
      const levels = this.schedule.disk.slots > 0 ? { levels: this.schedule.slotLevels } : {};
      // Reserving the storage (allocation; a disk directory) is storage time of this run.
      const t0 = performance.now();
      this.storage.open({ nSlots: this.slotStep.length, slotBytes: this.plan.stateBytes, restoresPerSlot, ...levels });
      this.counts.storageMs += performance.now() - t0;
      this.storageOpen = true;
    }
    this.slotStep.fill(FREE);
    this.inUse = 0;
    this.live = 0;
    this.baseline = this.storage.counters();
    this.storage.resetCompression?.();
    if (this.online) this.execute(() => this.runOnline(), 'forward-done');
    else this.execute(() => this.run(this.schedule.actions, 0, this.schedule.firstReverse), 'forward-done');
  }

  /**
   * The online forward: one step at a time until `shouldStop` says so or the step limit is
   * reached, storing what the planner says; then the reverse sweep is planned for the steps run.
   * The planner is new for each sweep: it holds the stored states of one forward sweep.
   */
  private runOnline(): void {
    const planner = new OnlinePlanner(this.nCheckpoints);
    const start = planner.start();
    this.run(start, 0, start.length);
    const limit = this.nTimesteps;
    for (let j = 1; j <= limit; j++) {
      const step: Action[] = [Object.freeze({ kind: 'advance', from: j - 1, to: j })];
      this.run(step, 0, 1);
      if (j === limit || this.shouldStop?.(j) === true) break;
      const store = planner.afterStep(j);
      this.run(store, 0, store.length);
    }
    this.onlineReverse = [...planner.finish(this.live)];
  }

  /** Steps the last forward sweep ran: `nTimesteps`, or fewer when an online forward stopped early. */
  get stepsRun(): number {
    return this.online ? this.counts.forwardSteps : this.nTimesteps;
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
    if (this.online) this.execute(() => this.run(this.onlineReverse, 0, this.onlineReverse.length), 'reversed');
    else this.execute(() => this.run(this.schedule.actions, this.schedule.firstReverse, this.schedule.actions.length), 'reversed');
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
      inPlaceRestores: c.inPlaceRestores,
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

  private execute(sweep: () => void, done: 'forward-done' | 'reversed'): void {
    try {
      sweep();
    } catch (error) {
      this.phase = 'failed';
      throw error;
    }
    this.phase = done;
  }

  private run(actions: readonly Action[], from: number, to: number): void {
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
          if (this.inUse > this.slotStep.length) this.broken(`${this.inUse} slots in use`);
          break;
        }
        case 'restore': {
          const held = this.slotStep[action.slot];
          if (held !== action.step) this.broken(`restore of state ${action.step} from slot ${action.slot}, which holds ${held}`);
          if (this.reverseInPlace(action, actions[i + 1])) {
            i += 1; // the reverse action ran on the checkpoint itself
            break;
          }
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
        case 'discard': {
          const held = this.slotStep[action.slot];
          if (held !== action.step) this.broken(`discard of state ${action.step} from slot ${action.slot}, which holds ${held}`);
          this.storage.release(action.slot);
          this.slotStep[action.slot] = FREE;
          this.inUse -= 1;
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

  /**
   * Zero-copy restore: a last restore of state `s` followed by reverse step `s − 1` runs that step
   * on the checkpoint's bytes in place when the storage can lend them (`peek`: memory, not
   * compressed) and the reverse stepper can read them (`applyFrom`); nothing is copied and the
   * slot is freed. False, having done nothing, otherwise.
   */
  private reverseInPlace(restore: Extract<Action, { kind: 'restore' }>, next: Action | undefined): boolean {
    const reverse = this.inPlace;
    if (reverse === undefined || !restore.release || next?.kind !== 'reverse' || next.step !== restore.step - 1) return false;
    const c = this.counts;
    const t0 = performance.now();
    if (!reverse.applyFrom(this.storage.peek!(restore.slot), restore.step, next.step)) return false;
    c.reverseMs += performance.now() - t0;
    this.storage.release(restore.slot);
    this.slotStep[restore.slot] = FREE;
    this.inUse -= 1;
    c.restores += 1;
    c.inPlaceRestores += 1;
    c.reverseSteps += 1;
    this.live = UNKNOWN;
    this.onProgress?.('reverse', c.reverseSteps, this.nTimesteps);
    return true;
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
    inPlaceRestores: 0,
    peakSlots: 0,
    forwardMs: 0,
    reverseMs: 0,
    storageMs: 0,
  };
}
