import type { Action } from '../actions.ts';
import { tallyActions } from '../schedule.ts';
import type { LevelTraffic, LevelledSchedule, ScheduleName, StorageLevel } from './types.ts';

/**
 * `(name, actions, n, slots allowed, level of each slot)` → the schedule materialised with its
 * summary and per-level traffic. `levelOf` may list more slots than are used; the unused tail is
 * cut so that storage reserves only what the schedule touches.
 */
export function levelled(
  name: ScheduleName,
  actions: Iterable<Action>,
  nTimesteps: number,
  nCheckpoints: number,
  levelOf: (slot: number) => StorageLevel,
): LevelledSchedule {
  const sink: Action[] = [];
  const { summary, firstReverse } = tallyActions(actions, nTimesteps, nCheckpoints, sink);
  const nSlots = summary.savesPerSlot.length;
  const slotLevels = Array.from({ length: nSlots }, (_, slot) => levelOf(slot));
  const traffic = (level: StorageLevel): LevelTraffic => {
    let saves = 0;
    let restores = 0;
    let slots = 0;
    slotLevels.forEach((l, slot) => {
      if (l !== level) return;
      saves += summary.savesPerSlot[slot] ?? 0;
      restores += summary.restoresPerSlot[slot] ?? 0;
      slots += 1;
    });
    return Object.freeze({ saves, restores, slots });
  };
  return Object.freeze({
    name,
    actions: Object.freeze(sink),
    firstReverse,
    summary,
    slotLevels: Object.freeze(slotLevels),
    memory: traffic('memory'),
    disk: traffic('disk'),
  });
}
