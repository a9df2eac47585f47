import type { Action } from '../actions.ts';
import { CheckpointBudgetError } from '../../errors.ts';
import { assertCount } from '../schedule.ts';
import { levelled } from './levelled.ts';
import type { LevelledSchedule, ScheduleRequest } from './types.ts';

function* fullHistory(n: number): Generator<Action, void, undefined> {
  for (let step = 1; step < n; step++) {
    yield Object.freeze({ kind: 'advance', from: step - 1, to: step });
    yield Object.freeze({ kind: 'save', slot: step - 1, step });
  }
  yield Object.freeze({ kind: 'advance', from: n - 1, to: n });
  yield Object.freeze({ kind: 'reverse', step: n - 1 });
  for (let t = n - 2; t >= 0; t--) {
    yield Object.freeze({ kind: 'restore', slot: t, step: t + 1, release: true });
    yield Object.freeze({ kind: 'reverse', step: t });
  }
  yield Object.freeze({ kind: 'terminate' });
}

/**
 * Full history: states `1 … n−1` are stored as the forward runs (state `n` is live for the first
 * reverse step and state 0 is never needed), so nothing is recomputed. Memory slots first, then
 * disk; throws `CheckpointBudgetError` when the `n − 1` states do not fit.
 */
export function noneSchedule(request: ScheduleRequest): LevelledSchedule {
  const { nTimesteps: n, memorySlots, diskSlots } = request;
  assertCount('nTimesteps', n, 1);
  if (memorySlots + diskSlots < n - 1) {
    throw new CheckpointBudgetError(
      `schedule 'none' stores all ${n - 1} intermediate states but only ${memorySlots + diskSlots} fit; ` +
        'raise the budget or choose a checkpointing schedule',
    );
  }
  return levelled('none', fullHistory(n), n, n - 1, (slot) => (slot < memorySlots ? 'memory' : 'disk'));
}
