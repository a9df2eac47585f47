import { revolveSchedule } from '../schedule.ts';
import { levelled } from './levelled.ts';
import type { LevelledSchedule, ScheduleRequest } from './types.ts';

/** The optimal binomial schedule (Griewank & Walther) over the memory slots; all in memory. */
export function binomialSchedule(request: ScheduleRequest): LevelledSchedule {
  const { nTimesteps, memorySlots } = request;
  return levelled('binomial', revolveSchedule(nTimesteps, memorySlots), nTimesteps, memorySlots, () => 'memory');
}
