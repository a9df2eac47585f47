/**
 * Choosing the number of checkpoints from a memory budget, and predicting the cost before running.
 */
import { CheckpointBudgetError, InvalidArgumentError } from '../errors.ts';
import { assertCount, summarizeSchedule, type ScheduleSummary } from './schedule.ts';

/** What a checkpointed adjoint will cost, known before it runs. */
export interface CheckpointPlan {
  readonly nTimesteps: number;
  /** Storage slots allowed, the initial state's included. */
  readonly nCheckpoints: number;
  readonly stateBytes: number;
  /** Slots the schedule actually uses (≤ nCheckpoints; fewer when more would not help). */
  readonly peakSlots: number;
  /** Most checkpoint bytes held at once, uncompressed: `peakSlots × stateBytes`. */
  readonly checkpointBytes: number;
  /** Forward steps over both sweeps. */
  readonly forwardSteps: number;
  /** `forwardSteps / nTimesteps`: 1 means nothing is recomputed. */
  readonly recomputeFactor: number;
}

/** Inputs of `planCheckpoints`: the size of the problem and either a slot count or a budget. */
export interface PlanRequest {
  readonly nTimesteps: number;
  readonly stateBytes: number;
  readonly nCheckpoints?: number;
  readonly memoryBudgetBytes?: number;
}

/**
 * `(n, stateBytes, budget)` → the number of slots to use: as many whole states as fit in the
 * budget, but no more than `n + 1` (more cannot reduce recomputation). Throws
 * `CheckpointBudgetError` when not even one state fits.
 */
export function checkpointsForBudget(nTimesteps: number, stateBytes: number, memoryBudgetBytes: number): number {
  assertCount('nTimesteps', nTimesteps, 1);
  assertCount('checkpoint nbytes', stateBytes, 1);
  if (typeof memoryBudgetBytes !== 'number' || !(memoryBudgetBytes > 0) || !Number.isFinite(memoryBudgetBytes)) {
    throw new InvalidArgumentError(`memoryBudgetBytes must be a positive finite number, got ${String(memoryBudgetBytes)}`);
  }
  const slots = Math.floor(memoryBudgetBytes / stateBytes);
  if (slots < 1) {
    throw new CheckpointBudgetError(
      `a memory budget of ${memoryBudgetBytes} bytes cannot hold one checkpoint of ${stateBytes} bytes; ` +
        `raise memoryBudgetBytes to at least ${stateBytes}, or reduce the state`,
    );
  }
  return Math.min(slots, nTimesteps + 1);
}

/** `(disk budget, state bytes, n)` → disk slots: whole states that fit, at most `n + 1` (0 without a budget). */
export function diskSlotsFor(diskBudgetBytes: number | undefined, stateBytes: number, nTimesteps: number): number {
  if (diskBudgetBytes === undefined) return 0;
  if (typeof diskBudgetBytes !== 'number' || !(diskBudgetBytes >= 0)) {
    throw new InvalidArgumentError(`diskBudgetBytes must be a number ≥ 0, got ${String(diskBudgetBytes)}`);
  }
  return Math.min(Math.floor(diskBudgetBytes / stateBytes), nTimesteps + 1);
}

/** `(schedule summary, stateBytes)` → the plan it implies. */
export function planFromSummary(summary: ScheduleSummary, stateBytes: number): CheckpointPlan {
  return Object.freeze({
    nTimesteps: summary.nTimesteps,
    nCheckpoints: summary.nCheckpoints,
    stateBytes,
    peakSlots: summary.peakSlots,
    checkpointBytes: summary.peakSlots * stateBytes,
    forwardSteps: summary.forwardSteps,
    recomputeFactor: summary.recomputeFactor,
  });
}

/**
 * `request` → the plan for `nCheckpoints` slots, or for the most slots `memoryBudgetBytes` holds
 * (give exactly one of the two). Runs the schedule generator once, without executing anything.
 */
export function planCheckpoints(request: PlanRequest): CheckpointPlan {
  const { nTimesteps, stateBytes } = request;
  assertCount('checkpoint nbytes', stateBytes, 1);
  const slots = resolveCheckpoints(request);
  return planFromSummary(summarizeSchedule(nTimesteps, slots), stateBytes);
}

/** `request` → its slot count, from `nCheckpoints` or from the budget; exactly one must be given. */
export function resolveCheckpoints(request: PlanRequest): number {
  const { nTimesteps, stateBytes, nCheckpoints, memoryBudgetBytes } = request;
  if ((nCheckpoints === undefined) === (memoryBudgetBytes === undefined)) {
    throw new InvalidArgumentError('give exactly one of nCheckpoints and memoryBudgetBytes');
  }
  if (nCheckpoints !== undefined) {
    assertCount('nTimesteps', nTimesteps, 1);
    assertCount('nCheckpoints', nCheckpoints, 1);
    return nCheckpoints;
  }
  return checkpointsForBudget(nTimesteps, stateBytes, memoryBudgetBytes!);
}
