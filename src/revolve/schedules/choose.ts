import { DevitoError } from '../../errors.ts';
import { predictTime, type PredictedTime } from './cost.ts';
import { buildSchedule } from './registry.ts';
import type { CostModel, LevelledSchedule, ScheduleName, ScheduleRequest } from './types.ts';

/** One schedule considered by `chooseSchedule`, with its prediction or why it was left out. */
export interface Candidate {
  readonly name: ScheduleName;
  readonly predicted?: PredictedTime;
  readonly skipped?: string;
}

/** What `chooseSchedule` picked and why. */
export interface Choice {
  readonly schedule: LevelledSchedule;
  readonly predicted: PredictedTime;
  readonly candidates: readonly Candidate[];
  readonly why: string;
}

/**
 * `(request with costs)` → the offline schedule with the least predicted time among those that
 * keep to the request's slots at each level: `diskRevolve` plans with as many disk slots as
 * useful, so when its plan needs more than the budget allows it is a candidate left out, not a pick.
 */
export function chooseSchedule(request: ScheduleRequest & { readonly costs: CostModel }): Choice {
  const names: ScheduleName[] = ['none', 'binomial', 'mixed'];
  if (request.diskSlots > 0) names.push('multistage', 'hrevolve', 'diskRevolve', 'periodicDisk');
  const candidates: Candidate[] = [];
  let best: { schedule: LevelledSchedule; predicted: PredictedTime } | undefined;
  for (const name of names) {
    let schedule: LevelledSchedule;
    try {
      schedule = buildSchedule(name, request);
    } catch (error) {
      if (!(error instanceof DevitoError)) throw error;
      candidates.push({ name, skipped: error.message });
      continue;
    }
    const over = overBudget(schedule, request);
    if (over !== undefined) {
      candidates.push({ name, skipped: over });
      continue;
    }
    const predicted = predictTime(schedule, request.costs);
    candidates.push({ name, predicted });
    if (!best || predicted.totalMs < best.predicted.totalMs) best = { schedule, predicted };
  }
  if (!best) throw new DevitoError('no schedule fits this budget');
  const ms = (t: PredictedTime) => `${t.totalMs.toFixed(1)} ms`;
  const others = candidates
    .filter((c) => c.name !== best.schedule.name)
    .map((c) => (c.predicted ? `${c.name} ${ms(c.predicted)}` : `${c.name} skipped`))
    .join(', ');
  const why = `${best.schedule.name}: least predicted time ${ms(best.predicted)}${others ? ` (others: ${others})` : ''}`;
  return { schedule: best.schedule, predicted: best.predicted, candidates, why };
}

/** Why `schedule` needs more slots than `request` grants at some level, or undefined when it fits. */
export function overBudget(schedule: LevelledSchedule, request: ScheduleRequest): string | undefined {
  if (schedule.disk.slots > request.diskSlots) return `needs ${schedule.disk.slots} disk slots, the budget holds ${request.diskSlots}`;
  if (schedule.memory.slots > request.memorySlots) return `needs ${schedule.memory.slots} memory slots, the budget holds ${request.memorySlots}`;
  return undefined;
}
