import { InvalidArgumentError } from '../../errors.ts';
import { binomialSchedule } from './binomial.ts';
import { diskRevolveSchedule, hrevolveSchedule } from './hrevolve.ts';
import { mixedSchedule } from './mixed.ts';
import { multistageSchedule } from './multistage.ts';
import { noneSchedule } from './none.ts';
import { onlineSchedule } from './online.ts';
import { periodicDiskSchedule } from './periodic-disk.ts';
import { SCHEDULE_NAMES, type LevelledSchedule, type ScheduleName, type ScheduleRequest } from './types.ts';

/** Whether `name` is a schedule the Revolver knows. */
export function isScheduleName(name: unknown): name is ScheduleName {
  return typeof name === 'string' && (SCHEDULE_NAMES as readonly string[]).includes(name);
}

/** `name` → itself, or `InvalidArgumentError` listing the names. */
export function checkScheduleName(name: unknown): ScheduleName {
  if (!isScheduleName(name)) {
    throw new InvalidArgumentError(`unknown schedule '${String(name)}'; use one of ${SCHEDULE_NAMES.join(', ')} (or 'auto')`);
  }
  return name;
}

/**
 * `(name, request)` → the schedule materialised. `online` is shown as it runs when the forward
 * happens to stop at `nTimesteps`; it uses the memory slots only, as do `binomial` and `mixed`.
 */
export function buildSchedule(name: ScheduleName, request: ScheduleRequest): LevelledSchedule {
  switch (checkScheduleName(name)) {
    case 'binomial':
      return binomialSchedule(request);
    case 'none':
      return noneSchedule(request);
    case 'online':
      return onlineSchedule(request.nTimesteps, request.memorySlots);
    case 'mixed':
      return mixedSchedule(request);
    case 'multistage':
      return multistageSchedule(request);
    case 'hrevolve':
      return hrevolveSchedule(request);
    case 'diskRevolve':
      return diskRevolveSchedule(request);
    case 'periodicDisk':
      return periodicDiskSchedule(request);
  }
}
