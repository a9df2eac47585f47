import { revolveSchedule, summarizeSchedule } from '../schedule.ts';
import { levelled } from './levelled.ts';
import type { LevelledSchedule, ScheduleRequest, StorageLevel } from './types.ts';

/**
 * Multistage (after Stumm & Walther): the binomial schedule over memory + disk slots, with the
 * slots restored most often kept in memory and the rest on disk. The step count is binomial's
 * for `memory + disk` slots; the disk takes the least traffic.
 */
export function multistageSchedule(request: ScheduleRequest): LevelledSchedule {
  const { nTimesteps: n, memorySlots, diskSlots } = request;
  const c = Math.min(memorySlots + Math.min(diskSlots, n + 1), n + 1);
  const { restoresPerSlot } = summarizeSchedule(n, c);
  // Most restored first; among equals the deeper slot, which is rewritten more often.
  const ranked = restoresPerSlot.map((_, slot) => slot).sort((p, q) => restoresPerSlot[q] - restoresPerSlot[p] || q - p);
  const inMemory = new Set(ranked.slice(0, memorySlots));
  const levelOf = (slot: number): StorageLevel => (inMemory.has(slot) ? 'memory' : 'disk');
  return levelled('multistage', revolveSchedule(n, c), n, c, levelOf);
}
