/**
 * The optimal binomial checkpointing schedule (Griewank & Walther), as a pure generator of
 * actions. It knows nothing of kernels or storage media.
 *
 * Model. State `k` is the forward state after `k` steps; there are `n` steps, states `0 … n`.
 * Adjoint step `t` (for `t = n−1 … 0`) needs state `t + 1` live. `c` storage slots are available
 * and, as in pyrevolve, the initial state occupies one of them. This is classical reversal of a
 * chain of `n + 1` states (`0 … n`) whose reversal of state 0 is free, so the least number of
 * forward steps is the classical bound for `n + 1` states:
 *
 *     T(n, c) = r·(n+1) − β(c+1, r−1),   β(c, r) = C(c+r, c),   r = min{ r : β(c, r) ≥ n+1 }.
 *
 * NOTE: the bound relies on the initial state holding a slot. A schedule that never stores state
 * 0 (advance to state 1 and reverse the chain `1 … n` with all `c` slots) can do `r − 1` steps
 * better; the tests show both optima by brute force. We follow the convention the issue fixes.
 */
import type { Action } from './actions.ts';
import { DevitoError, InvalidArgumentError } from '../errors.ts';

/** Checks that `value` is an integer ≥ `min`; names `what` in the error. */
export function assertCount(what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/** `(c, r)` → `β(c, r) = C(c + r, c)`, exactly. */
export function binomialBeta(c: number, r: number): bigint {
  assertCount('c', c, 0);
  assertCount('r', r, 0);
  let beta = 1n;
  // C(c+k, k) = C(c+k−1, k−1)·(c+k)/k, and each intermediate is an exact integer.
  for (let k = 1; k <= r; k++) beta = (beta * BigInt(c + k)) / BigInt(k);
  return beta;
}

/**
 * Least `r` with `β(s, r) ≥ len`: the most times any step of a `len`-state chain must be run
 * when it is reversed with `s` slots. Plain numbers are exact here: the running value stays
 * below `len` before each multiplication.
 */
function repetitions(len: number, s: number): number {
  if (s === 1) return len - 1;
  let r = 0;
  let beta = 1;
  while (beta < len) {
    r += 1;
    beta = (beta * (s + r)) / r;
  }
  return r;
}

/**
 * `(n, c)` → the repetition number `r = min{ r : β(c, r) ≥ n + 1 }` of the schedule for `n` steps
 * and `c` slots (1 means no step is ever recomputed).
 */
export function repetitionNumber(nTimesteps: number, nCheckpoints: number): number {
  assertCount('nTimesteps', nTimesteps, 1);
  assertCount('nCheckpoints', nCheckpoints, 1);
  return repetitions(nTimesteps + 1, Math.min(nCheckpoints, nTimesteps + 1));
}

/**
 * `(n, c)` → the least total number of forward steps over both sweeps,
 * `r·(n+1) − β(c+1, r−1)`; exactly `n` when `c ≥ n`.
 */
export function predictForwardSteps(nTimesteps: number, nCheckpoints: number): number {
  const r = repetitionNumber(nTimesteps, nCheckpoints);
  // More slots than states cannot help, and the clamp keeps the binomial small.
  const c = Math.min(nCheckpoints, nTimesteps + 1);
  const total = BigInt(r) * BigInt(nTimesteps + 1) - binomialBeta(c + 1, r - 1);
  return Number(total);
}

/**
 * `(len, s)` → where to place the next checkpoint when reversing a chain of `len ≥ 2` states
 * with `s ≥ 1` slots: the smallest `m` minimising `f(m) = m + T(len−m, s−1) + T(m, s)`.
 * `T(j+1, s) − T(j, s) = repetitions(j+1, s)`, so `f(m+1) − f(m) = 1 + rep(m+1, s) −
 * rep(len−m, s−1)` is non-decreasing in `m` (f is convex) and a bisection finds its first
 * non-negative value. With one slot there is no tail slot: advance to the last state.
 */
export function splitPoint(len: number, s: number): number {
  if (s === 1) return len - 1;
  let lo = 1;
  let hi = len - 1;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (1 + repetitions(m + 1, s) >= repetitions(len - m, s - 1)) hi = m;
    else lo = m + 1;
  }
  return lo;
}

function advance(from: number, to: number): Action {
  return Object.freeze({ kind: 'advance', from, to });
}

/**
 * `(n, c)` → the actions of the optimal schedule for `n` forward steps and `c` storage slots
 * (the initial state's included), ending with `terminate`.
 *
 * Guarantees: the first actions run the whole forward sweep (to state `n`) before any reverse;
 * `reverse` comes once per step, for `t = n−1 … 0`, each when state `t + 1` is live; the
 * forward-step total is `predictForwardSteps(n, c)`; at most `c` slots are ever in use, slots are
 * used as a stack (a save always goes to the lowest free slot), every saved state is restored at
 * least once, and no two advances are adjacent. State 0 is saved only if it is ever restored.
 */
export function* revolveSchedule(nTimesteps: number, nCheckpoints: number): Generator<Action, void, undefined> {
  assertCount('nTimesteps', nTimesteps, 1);
  assertCount('nCheckpoints', nCheckpoints, 1);
  const maxSlots = Math.min(nCheckpoints, nTimesteps + 1);
  // Pending head chains as flat (first state, length, slots) triples; the chain starting at a
  // given state is pushed at most once at a time, and its checkpoint is the top stored one.
  const heads: number[] = [];
  // stored[slot] = the state held in that slot; slots are a stack.
  const stored: number[] = [];

  // The chain being reversed: states a … a+len−1, state a live, `s` slots for it and its tail.
  let a = 0;
  let len = nTimesteps + 1;
  let s = maxSlots;
  for (;;) {
    while (len > 1) {
      const m = splitPoint(len, s);
      // The head a … a+m−1 still needs state a later unless it is only state 0 (nothing to do).
      if (m > 1 || a > 0) {
        if (stored.length === 0 || stored[stored.length - 1] !== a) {
          if (stored.length >= maxSlots) throw new DevitoError(`schedule bug: more than ${maxSlots} slots`);
          yield Object.freeze({ kind: 'save', slot: stored.length, step: a });
          stored.push(a);
        }
        heads.push(a, m, s);
      }
      yield advance(a, a + m);
      a += m;
      len -= m;
      s -= 1;
    }
    if (a > 0) yield Object.freeze({ kind: 'reverse', step: a - 1 });
    if (heads.length === 0) break;
    s = heads.pop()!;
    len = heads.pop()!;
    a = heads.pop()!;
    const slot = stored.length - 1;
    if (stored[slot] !== a) throw new DevitoError(`schedule bug: state ${a} is not the top checkpoint`);
    // Last read unless this chain will push its own head (state a) again.
    const willReturn = len > 1 && (a > 0 || splitPoint(len, s) > 1);
    yield Object.freeze({ kind: 'restore', slot, step: a, release: !willReturn });
    if (!willReturn) stored.pop();
  }
  yield Object.freeze({ kind: 'terminate' });
}

/** What a schedule will do, known before running it. */
export interface ScheduleSummary {
  readonly nTimesteps: number;
  readonly nCheckpoints: number;
  /** Forward steps over both sweeps (equals `predictForwardSteps`). */
  readonly forwardSteps: number;
  /** `forward.apply` calls, one per advance. */
  readonly forwardCalls: number;
  readonly reverseSteps: number;
  readonly saves: number;
  readonly restores: number;
  /** Most slots in use at once; storage needs exactly this many. */
  readonly peakSlots: number;
  /** Restores per slot index, for tiered storage to place its fast slots. */
  readonly restoresPerSlot: readonly number[];
  /** Saves per slot index. */
  readonly savesPerSlot: readonly number[];
  /** `forwardSteps / nTimesteps`: the cost of the adjoint's forward work relative to one sweep. */
  readonly recomputeFactor: number;
}

/** A schedule materialised once, so that executing it allocates nothing. */
export interface CompiledSchedule {
  readonly actions: readonly Action[];
  /** Index of the first `reverse` action: the forward sweep is `actions[0 … firstReverse−1]`. */
  readonly firstReverse: number;
  readonly summary: ScheduleSummary;
}

/** `(n, c)` → the schedule's actions as an array, plus its summary. */
export function compileSchedule(nTimesteps: number, nCheckpoints: number): CompiledSchedule {
  const actions: Action[] = [];
  const { summary, firstReverse } = tallyActions(revolveSchedule(nTimesteps, nCheckpoints), nTimesteps, nCheckpoints, actions);
  return Object.freeze({ actions: Object.freeze(actions), firstReverse, summary });
}

/** `(n, c)` → the schedule's summary (runs the generator once, keeps no actions). */
export function summarizeSchedule(nTimesteps: number, nCheckpoints: number): ScheduleSummary {
  return tallyActions(revolveSchedule(nTimesteps, nCheckpoints), nTimesteps, nCheckpoints, undefined).summary;
}

/** Runs through `schedule` once, counting what it does; pushes each action to `sink` when given. */
export function tallyActions(
  schedule: Iterable<Action>,
  nTimesteps: number,
  nCheckpoints: number,
  sink: Action[] | undefined,
): { summary: ScheduleSummary; firstReverse: number } {
  let count = 0;
  let forwardSteps = 0;
  let forwardCalls = 0;
  let reverseSteps = 0;
  let saves = 0;
  let restores = 0;
  let inUse = 0;
  let peakSlots = 0;
  let firstReverse = -1;
  const restoresPerSlot: number[] = [];
  const savesPerSlot: number[] = [];
  for (const action of schedule) {
    switch (action.kind) {
      case 'advance':
        forwardSteps += action.to - action.from;
        forwardCalls += 1;
        break;
      case 'save':
        saves += 1;
        inUse += 1;
        peakSlots = Math.max(peakSlots, inUse);
        savesPerSlot[action.slot] = (savesPerSlot[action.slot] ?? 0) + 1;
        restoresPerSlot[action.slot] ??= 0;
        break;
      case 'restore':
        restores += 1;
        if (action.release) inUse -= 1;
        restoresPerSlot[action.slot] += 1;
        break;
      case 'discard':
        inUse -= 1;
        break;
      case 'reverse':
        if (firstReverse < 0) firstReverse = count;
        reverseSteps += 1;
        break;
      case 'terminate':
        break;
    }
    sink?.push(action);
    count += 1;
  }
  const summary: ScheduleSummary = Object.freeze({
    nTimesteps,
    nCheckpoints,
    forwardSteps,
    forwardCalls,
    reverseSteps,
    saves,
    restores,
    peakSlots,
    restoresPerSlot: Object.freeze(restoresPerSlot),
    savesPerSlot: Object.freeze(savesPerSlot),
    recomputeFactor: forwardSteps / nTimesteps,
  });
  return { summary, firstReverse };
}
