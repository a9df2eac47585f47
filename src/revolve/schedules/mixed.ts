import type { Action } from '../actions.ts';
import { assertCount } from '../schedule.ts';
import { binomialSplit, reverseChains } from './chain.ts';
import { levelled } from './levelled.ts';
import { SlotPools } from './pools.ts';
import type { LevelledSchedule, ScheduleRequest } from './types.ts';

/**
 * Mixed checkpointing (after Maddison), in our state model. The adjoint dependency data of step
 * `t` is the forward state `reverse(t)` needs: state `t + 1`. A *data checkpoint* of step `t` is
 * therefore state `t + 1` saved when forward step `t` has run, and the Revolver uses it by
 * restoring it (with `release`) immediately before `reverse(t)`, never advancing from it. Here a
 * data checkpoint is the same bytes as a restart checkpoint of state `t + 1`, so the schedule
 * keeps whichever is cheaper: it never stores the initial state (a restart that only ever
 * re-runs step 0) and stores step 0's data (state 1) instead, then reverses states `1 … n` with
 * all `c` slots by binomial splitting; every head chain of one state is a data checkpoint.
 * Forward steps: `1 + T(n−1, c)`, the least any schedule with `c` slots can do (exhaustive search
 * in the tests), `r − 1` fewer than binomial, which keeps state 0.
 */
function* mixedActions(n: number, c: number): Generator<Action, void, undefined> {
  yield Object.freeze({ kind: 'advance', from: 0, to: 1 });
  const pools = new SlotPools(c, 0);
  const live = { a: 1, len: n, budget: { memory: c - 1, disk: 0 }, level: 'memory' as const, slot: -1 };
  yield* reverseChains(live, [], pools, binomialSplit);
  yield Object.freeze({ kind: 'terminate' });
}

/** `request` → the mixed schedule over the memory slots (all in memory). */
export function mixedSchedule(request: ScheduleRequest): LevelledSchedule {
  const { nTimesteps: n, memorySlots: c } = request;
  assertCount('nTimesteps', n, 1);
  assertCount('memory slots', c, 1);
  return levelled('mixed', mixedActions(n, Math.min(c, n)), n, c, () => 'memory');
}
