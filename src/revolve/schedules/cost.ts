import type { CostModel, LevelledSchedule } from './types.ts';

/** The parts of a predicted time, in ms. */
export interface PredictedTime {
  readonly forwardMs: number;
  readonly reverseMs: number;
  readonly storageMs: number;
  readonly totalMs: number;
}

/**
 * `(schedule, costs)` → its time before running: forward steps × step time + reverse steps ×
 * reverse-step time + saves and restores × their level's write and read times.
 */
export function predictTime(schedule: LevelledSchedule, costs: CostModel): PredictedTime {
  const { summary, memory, disk } = schedule;
  const forwardMs = summary.forwardSteps * costs.forwardStepMs;
  const reverseMs = summary.reverseSteps * costs.reverseStepMs;
  const storageMs =
    memory.saves * costs.memory.writeMs +
    memory.restores * costs.memory.readMs +
    disk.saves * costs.disk.writeMs +
    disk.restores * costs.disk.readMs;
  return Object.freeze({ forwardMs, reverseMs, storageMs, totalMs: forwardMs + reverseMs + storageMs });
}
