import type { CostModel, LevelledSchedule } from './types.ts';

/** The parts of a predicted time, in ms. */
export interface PredictedTime {
  readonly forwardMs: number;
  readonly reverseMs: number;
  readonly storageMs: number;
  /** Forward + reverse + storage: the time of every run. */
  readonly totalMs: number;
  /**
   * What the first run of a new storage pays on top of `totalMs`: the first touch of its slots
   * (`firstTouchMs` of their level each). A Revolver kept for the next gradient pays it once.
   */
  readonly firstTouchMs: number;
}

/** `count` copies of `ms` each; none costs nothing even at an infinite (unavailable) cost. */
const copies = (count: number, ms: number): number => (count === 0 ? 0 : count * ms);

/**
 * Restores of `schedule` that the reverse step can read in place from a memory slot, copying
 * nothing: as the Revolver runs them, a slot's last restore of state `s` (it frees the slot)
 * directly followed by reverse step `s − 1`, when `readsInPlace(s)` (the reverse stepper's
 * `readsInPlaceAt`).
 */
export function inPlaceRestores(schedule: LevelledSchedule, readsInPlace: (state: number) => boolean): number {
  const { actions, slotLevels } = schedule;
  let count = 0;
  for (let i = 0; i + 1 < actions.length; i++) {
    const action = actions[i]!;
    const next = actions[i + 1]!;
    if (action.kind !== 'restore' || !action.release || next.kind !== 'reverse' || next.step !== action.step - 1) continue;
    if (slotLevels[action.slot] === 'memory' && readsInPlace(action.step)) count++;
  }
  return count;
}

/**
 * `(schedule, costs)` → its time before running: forward steps × step time + reverse steps ×
 * reverse-step time + saves and restores × their level's write and read times. Given
 * `readsInPlace` (whether the reverse step can read a state in place, see `inPlaceRestores`),
 * the restores it reads in place copy nothing but make their reverse step read the state from
 * its slot (`memory.inPlaceReadMs`, counted in `reverseMs`, where the Revolver's timers see it).
 */
export function predictTime(schedule: LevelledSchedule, costs: CostModel, readsInPlace?: (state: number) => boolean): PredictedTime {
  const { summary, memory, disk } = schedule;
  const inPlace = readsInPlace ? inPlaceRestores(schedule, readsInPlace) : 0;
  const forwardMs = summary.forwardSteps * costs.forwardStepMs;
  const reverseMs = summary.reverseSteps * costs.reverseStepMs + copies(inPlace, costs.memory.inPlaceReadMs ?? costs.memory.readMs);
  const storageMs =
    copies(memory.saves, costs.memory.writeMs) +
    copies(memory.restores - inPlace, costs.memory.readMs) +
    copies(disk.saves, costs.disk.writeMs) +
    copies(disk.restores, costs.disk.readMs);
  const firstTouchMs = copies(memory.slots, costs.memory.firstTouchMs ?? 0) + copies(disk.slots, costs.disk.firstTouchMs ?? 0);
  return Object.freeze({ forwardMs, reverseMs, storageMs, totalMs: forwardMs + reverseMs + storageMs, firstTouchMs });
}
