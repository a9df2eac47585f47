/**
 * Online checkpointing: the number of steps is unknown until the forward stops (a callback or a
 * step limit). While the forward runs, `c` memory slots hold state 0 and a thinned set of later
 * states (after Stumm & Walther's online idea: keep the stored states a near-optimal placement
 * for the current step count, dropping the most dispensable one when full). When it stops at
 * `n`, the reverse sweep is planned offline for the states held.
 *
 * Bound (proved here, checked by the tests): the reverse plan is the cheaper of (a) reversing the
 * segments between stored states by binomial splitting, and (b) dropping every stored state but
 * state 0 and running the offline binomial reversal of states `0 … n−1`. Since (b) costs
 * `T(n−1, c)` forward steps, the online schedule runs at most `n + T(n−1, c)` forward steps in
 * all: less than twice the offline optimum `T(n, c)` (which is ≥ n and ≥ T(n−1, c) + 1). For
 * `n ≤ c` every state is stored and nothing is recomputed, as offline.
 */
import type { Action } from '../actions.ts';
import { DevitoError } from '../../errors.ts';
import { assertCount, predictForwardSteps } from '../schedule.ts';
import { binomialSplit, reverseChains, type Chain } from './chain.ts';
import { levelled } from './levelled.ts';
import { SlotPools } from './pools.ts';
import type { LevelledSchedule } from './types.ts';

/** Forward steps to reverse a chain of `len` states with `s` slots (its head's included). */
function chainSteps(len: number, s: number): number {
  return len < 2 ? 0 : predictForwardSteps(len - 1, s);
}

/** Forward steps after stopping at `n` when states `stored` (ascending, state 0 first) are held. */
function segmentSteps(stored: readonly number[], n: number, c: number): number {
  let steps = 0;
  for (let i = stored.length - 1; i >= 0; i--) {
    const end = i === stored.length - 1 ? n : stored[i + 1];
    steps += chainSteps(end - stored[i], c - i);
  }
  return steps;
}

/** Chain costs an `OnlinePlanner` keeps at most (then it starts over). */
const KNOWN_LIMIT = 1 << 16;

/** Decides, step by step, what to store; then plans the reverse sweep. */
export class OnlinePlanner {
  /** Stored states, ascending; `slots[i]` holds `stored[i]`. */
  private readonly stored: number[] = [];
  private readonly slots: number[] = [];
  private readonly pools: SlotPools;

  /**
   * `chainSteps` remembered: `afterStep` runs once per forward step and asks for about 4c chain
   * costs, mostly the same segments as the step before (each an exact BigInt computation).
   */
  private readonly known = new Map<number, number>();
  private readonly chainSteps = (len: number, s: number): number => {
    const key = len * (this.nCheckpoints + 2) + s;
    let steps = this.known.get(key);
    if (steps === undefined) {
      if (this.known.size >= KNOWN_LIMIT) this.known.clear();
      steps = chainSteps(len, s);
      this.known.set(key, steps);
    }
    return steps;
  };

  constructor(readonly nCheckpoints: number) {
    assertCount('nCheckpoints', nCheckpoints, 1);
    this.pools = new SlotPools(nCheckpoints, 0);
  }

  /** Actions before the first step: state 0 is stored. */
  start(): Action[] {
    return [this.save(0)];
  }

  /**
   * `j` → what to do with state `j` (live, after `j` steps, the forward going on): store it in a
   * free slot, or in place of the stored state whose loss costs least, or nothing.
   */
  afterStep(j: number): Action[] {
    if (this.stored.length < this.nCheckpoints) return [this.save(j)];
    // Judge placements by the cost of stopping half as far again from here. Dropping stored[i]
    // merges its two segments and moves every later segment one place down (one more slot).
    const horizon = Math.ceil(j * 1.5) + 1;
    const c = this.nCheckpoints;
    const chainSteps = this.chainSteps;
    const s = this.stored;
    const k = s.length - 1;
    const prefix = [0];
    for (let p = 0; p < k; p++) prefix.push(prefix[p] + chainSteps(s[p + 1] - s[p], c - p));
    const shifted = new Array<number>(k + 1).fill(0);
    for (let p = k - 1; p >= 1; p--) shifted[p] = shifted[p + 1] + chainSteps(s[p + 1] - s[p], c - p + 1);
    const last = chainSteps(horizon - j, c - k);
    let bestSteps = prefix[k] + chainSteps(horizon - s[k], c - k);
    let drop = -1;
    for (let i = 1; i <= k; i++) {
      const steps =
        i < k
          ? prefix[i - 1] + chainSteps(s[i + 1] - s[i - 1], c - i + 1) + shifted[i + 1] + chainSteps(j - s[k], c - k + 1) + last
          : prefix[k - 1] + chainSteps(j - s[k - 1], c - k + 1) + last;
      if (steps < bestSteps) {
        bestSteps = steps;
        drop = i;
      }
    }
    if (drop < 0) return [];
    const discard: Action = Object.freeze({ kind: 'discard', slot: this.slots[drop], step: this.stored[drop] });
    this.pools.give(this.slots[drop]);
    this.stored.splice(drop, 1);
    this.slots.splice(drop, 1);
    return [discard, this.save(j)];
  }

  /** Forward steps the reverse sweep will run after stopping at `n`. */
  reverseSteps(n: number): number {
    return Math.min(segmentSteps(this.stored, n, this.nCheckpoints), chainSteps(n, this.nCheckpoints));
  }

  /** `n` (state `n` live, the forward stopped) → the reverse sweep's actions, ending with `terminate`. */
  *finish(n: number): Generator<Action, void, undefined> {
    const last = this.stored.at(-1);
    if (last === undefined || last >= n) throw new DevitoError(`online: stopped at ${n} with state ${String(last)} stored`);
    const c = this.nCheckpoints;
    yield Object.freeze({ kind: 'reverse', step: n - 1 });
    const pending: Chain[] = [];
    if (segmentSteps(this.stored, n, c) <= chainSteps(n, c)) {
      this.stored.forEach((a, i) => {
        const end = i === this.stored.length - 1 ? n : this.stored[i + 1];
        pending.push({ a, len: end - a, budget: { memory: c - 1 - i, disk: 0 }, level: 'memory', slot: this.slots[i] });
      });
    } else {
      for (let i = this.stored.length - 1; i >= 1; i--) {
        yield Object.freeze({ kind: 'discard', slot: this.slots[i], step: this.stored[i] });
        this.pools.give(this.slots[i]);
      }
      pending.push({ a: 0, len: n, budget: { memory: c - 1, disk: 0 }, level: 'memory', slot: this.slots[0] });
    }
    // A chain of one state at 0 has nothing to reverse: drop state 0.
    if (pending[0].len === 1) {
      const head = pending.shift()!;
      yield Object.freeze({ kind: 'discard', slot: head.slot, step: 0 });
      this.pools.give(head.slot);
    }
    yield* reverseChains(undefined, pending, this.pools, binomialSplit);
    yield Object.freeze({ kind: 'terminate' });
  }

  private save(step: number): Action {
    const slot = this.pools.take('memory');
    this.stored.push(step);
    this.slots.push(slot);
    return Object.freeze({ kind: 'save', slot, step });
  }
}

/** `(n, c)` → the whole online schedule as it runs when the forward happens to stop at `n`. */
export function onlineSchedule(nTimesteps: number, nCheckpoints: number): LevelledSchedule {
  assertCount('nTimesteps', nTimesteps, 1);
  const planner = new OnlinePlanner(nCheckpoints);
  function* actions(): Generator<Action, void, undefined> {
    yield* planner.start();
    for (let j = 1; j <= nTimesteps; j++) {
      yield Object.freeze({ kind: 'advance', from: j - 1, to: j });
      if (j < nTimesteps) yield* planner.afterStep(j);
    }
    yield* planner.finish(nTimesteps);
  }
  return levelled('online', actions(), nTimesteps, nCheckpoints, () => 'memory');
}
