import type { Action } from '../actions.ts';
import { CheckpointBudgetError } from '../../errors.ts';
import { assertCount } from '../schedule.ts';
import { binomialSplit, reverseChains, type SplitRule } from './chain.ts';
import { predictTime } from './cost.ts';
import { levelled } from './levelled.ts';
import { SlotPools } from './pools.ts';
import { STEP_COUNT_COSTS, type LevelledSchedule, type ScheduleRequest } from './types.ts';

/**
 * Periodic disk checkpointing (after Aupy & Herrmann): the forward stores every `p`-th state on
 * disk; each period of `p` states is then reversed by binomial splitting over the memory slots,
 * its head read from disk. `p` is the period that minimises the predicted time.
 */
function* periodicActions(n: number, memorySlots: number, period: number, pools: SlotPools): Generator<Action, void, undefined> {
  const rule: SplitRule = (a, len, budget, headLevel) =>
    headLevel === 'disk' && len > period ? { m: period, tailLevel: 'disk' } : binomialSplit(a, len, budget, headLevel);
  yield* reverseChains({ a: 0, len: n + 1, budget: { memory: memorySlots, disk: Infinity }, level: 'disk', slot: -1 }, [], pools, rule);
  yield Object.freeze({ kind: 'terminate' });
}

function withPeriod(request: ScheduleRequest, period: number): LevelledSchedule {
  const { nTimesteps: n } = request;
  const memorySlots = Math.min(request.memorySlots, n + 1);
  const diskSlots = Math.ceil((n + 1) / period) + 1;
  const pools = new SlotPools(memorySlots, diskSlots);
  return levelled('periodicDisk', periodicActions(n, memorySlots, period, pools), n, memorySlots + diskSlots, (slot) => pools.levels[slot]);
}

/** Candidate periods: every one up to 64, then steps of about 8% up to `n`. */
function candidatePeriods(n: number): number[] {
  const periods: number[] = [];
  for (let p = 1; p <= n; p = p < 64 ? p + 1 : Math.ceil(p * 1.08)) periods.push(p);
  if (periods.at(-1) !== n) periods.push(n);
  return periods;
}

/**
 * `request` → the periodic schedule with the best period for `request.costs`, or with `period`
 * when given. Needs as many disk slots as periods: `diskSlots` bounds the period from below.
 */
export function periodicDiskSchedule(request: ScheduleRequest, period?: number): LevelledSchedule {
  const { nTimesteps: n, diskSlots } = request;
  assertCount('nTimesteps', n, 1);
  assertCount('memory slots', request.memorySlots, 0);
  if (period !== undefined) return withPeriod(request, period);
  const costs = request.costs ?? STEP_COUNT_COSTS;
  let best: LevelledSchedule | undefined;
  let bestMs = Infinity;
  for (const p of candidatePeriods(n)) {
    // Disk checkpoints are all held at the end of the forward: about one per period.
    if (Math.ceil((n + 1) / p) > diskSlots + 1) continue;
    const schedule = withPeriod(request, p);
    if (schedule.disk.slots > diskSlots) continue;
    const ms = predictTime(schedule, costs).totalMs;
    if (ms < bestMs) {
      best = schedule;
      bestMs = ms;
    }
  }
  if (!best) throw new CheckpointBudgetError(`periodicDisk: ${diskSlots} disk slots cannot hold even one checkpoint per ${n} steps`);
  return best;
}
