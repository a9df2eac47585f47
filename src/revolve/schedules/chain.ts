/**
 * Reversal of chains of states by recursive splitting, shared by the schedules that are not
 * plain binomial. A chain `(a, len)` is states `a … a+len−1`; reversing it means running
 * `reverse(t)` for `t = a+len−2 … a−1` (the last only when `a > 0`), each with state `t + 1`
 * live. A split rule picks `m`: advance from `a` to `a+m`, reverse the tail chain `(a+m, len−m)`
 * first, then restore `a` and reverse the head chain `(a, m)`. Each chain has a budget of free
 * slots beyond its own head's: the tail spends one of them on its head, the head chain keeps
 * them all (the tail's slots are free again by then).
 */
import type { Action } from '../actions.ts';
import { DevitoError } from '../../errors.ts';
import { splitPoint } from '../schedule.ts';
import type { SlotPools } from './pools.ts';
import type { StorageLevel } from './types.ts';

/** Free slots per level beyond a chain head's own. */
export interface Budget {
  readonly memory: number;
  readonly disk: number;
}

export interface Split {
  /** Steps to advance before the tail: 1 … len−1. */
  readonly m: number;
  /** Where the tail's head (state a+m) is stored, if the tail needs it. */
  readonly tailLevel: StorageLevel;
}

/** `(a, len ≥ 2, budget, head level)` → where to split; must be deterministic. */
export type SplitRule = (a: number, len: number, budget: Budget, headLevel: StorageLevel) => Split;

/** A chain to reverse; `slot` ≥ 0 when its head is stored. */
export interface Chain {
  readonly a: number;
  readonly len: number;
  readonly budget: Budget;
  readonly level: StorageLevel;
  slot: number;
}

function spend(budget: Budget, level: StorageLevel): Budget {
  return level === 'memory' ? { memory: budget.memory - 1, disk: budget.disk } : { memory: budget.memory, disk: budget.disk - 1 };
}

/**
 * Reverses `live` (its head is the live state; it may be unstored) and then every chain of
 * `pending` from last to first (their heads are stored and not live). Slots come from `pools`.
 * Yields no `terminate`.
 */
export function* reverseChains(
  live: Chain | undefined,
  pending: Chain[],
  pools: SlotPools,
  split: SplitRule,
): Generator<Action, void, undefined> {
  const stack = pending;
  let cur = live;
  for (;;) {
    if (cur === undefined) {
      const next = stack.pop();
      if (next === undefined) return;
      if (next.slot < 0) throw new DevitoError(`schedule bug: chain at state ${next.a} has no stored head`);
      // The head is read for the last time unless this chain will split with work left for it.
      const returns = next.len > 1 && (next.a > 0 || split(next.a, next.len, next.budget, next.level).m > 1);
      yield Object.freeze({ kind: 'restore', slot: next.slot, step: next.a, release: !returns });
      if (!returns) {
        pools.give(next.slot);
        next.slot = -1;
      }
      cur = next;
    }
    while (cur.len > 1) {
      const { m, tailLevel } = split(cur.a, cur.len, cur.budget, cur.level);
      if (!(m >= 1 && m < cur.len)) throw new DevitoError(`schedule bug: split ${m} of a chain of ${cur.len} states`);
      if (m > 1 || cur.a > 0) {
        if (cur.slot < 0) {
          cur.slot = pools.take(cur.level);
          yield Object.freeze({ kind: 'save', slot: cur.slot, step: cur.a });
        }
        stack.push({ a: cur.a, len: m, budget: cur.budget, level: cur.level, slot: cur.slot });
      } else if (cur.slot >= 0) {
        // State 0 was stored but its head chain has nothing to do.
        yield Object.freeze({ kind: 'discard', slot: cur.slot, step: cur.a });
        pools.give(cur.slot);
      }
      yield Object.freeze({ kind: 'advance', from: cur.a, to: cur.a + m });
      cur = { a: cur.a + m, len: cur.len - m, budget: spend(cur.budget, tailLevel), level: tailLevel, slot: -1 };
    }
    if (cur.a > 0) yield Object.freeze({ kind: 'reverse', step: cur.a - 1 });
    cur = undefined;
  }
}

/** The binomial split over memory slots (Griewank & Walther): optimal step counts. */
export const binomialSplit: SplitRule = (_a, len, budget) => ({ m: splitPoint(len, budget.memory + 1), tailLevel: 'memory' });
