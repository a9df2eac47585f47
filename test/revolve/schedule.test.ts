import { describe, expect, it } from 'vitest';
import { bruteForce } from './brute-force.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import {
  binomialBeta,
  compileSchedule,
  predictForwardSteps,
  repetitionNumber,
  revolveSchedule,
  summarizeSchedule,
  type Action,
} from '../../src/revolve/index.ts';

/** Throws with `what` unless `ok`; cheaper than `expect` inside loops over millions of actions. */
function check(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

/** Replays actions symbolically and returns what they did; throws on any rule the schedule breaks. */
function replay(n: number, c: number, actions: readonly Action[]) {
  const where = (i: number) => `n=${n} c=${c} action ${i}: ${JSON.stringify(actions[i])}`;
  let live = 0;
  let forwardSteps = 0;
  let peak = 0;
  const slots: number[] = []; // slot → state, as a stack
  const reversed: number[] = [];
  const restored = new Set<string>();
  const saved: string[] = [];
  let sawReverse = false;
  let previous: Action['kind'] | undefined;
  actions.forEach((a, i) => {
    switch (a.kind) {
      case 'advance':
        check(live === a.from && a.to > a.from && a.to <= n, () => `bad advance, live ${live}, ${where(i)}`);
        // Maximal ranges: never two advances in a row.
        check(previous !== 'advance', () => `split advance ${where(i)}`);
        forwardSteps += a.to - a.from;
        live = a.to;
        break;
      case 'save':
        check(live === a.step, () => `save of a state not live ${where(i)}`);
        check(a.slot === slots.length, () => `save not on the lowest free slot ${where(i)}`);
        slots.push(a.step);
        peak = Math.max(peak, slots.length);
        saved.push(`${a.slot}:${a.step}`);
        break;
      case 'restore':
        check(slots[a.slot] === a.step, () => `restore of a state not held ${where(i)}`);
        restored.add(`${a.slot}:${a.step}`);
        if (a.release) {
          check(a.slot === slots.length - 1, () => `release out of stack order ${where(i)}`);
          slots.pop();
        }
        live = a.step;
        break;
      case 'reverse':
        // The whole forward sweep comes first.
        check(sawReverse || live === n, () => `reverse before the forward sweep ended ${where(i)}`);
        sawReverse = true;
        check(live === a.step + 1, () => `reverse with state ${live} live ${where(i)}`);
        reversed.push(a.step);
        live = -1;
        break;
      case 'terminate':
        check(slots.length === 0 && i === actions.length - 1, () => `terminate with slots held ${where(i)}`);
        break;
    }
    previous = a.kind;
  });
  check(actions.at(-1)?.kind === 'terminate', () => `n=${n} c=${c}: no terminate`);
  for (const s of saved) check(restored.has(s), () => `n=${n} c=${c}: save ${s} never restored`);
  return { forwardSteps, peak, reversed };
}

/** The classical recurrence T(l, s) = min_m m + T(l−m, s−1) + T(m, s), T(1, s) = 0, by DP. */
function recurrenceTable(maxLen: number, maxSlots: number): number[][] {
  const T: number[][] = [];
  for (let s = 1; s <= maxSlots; s++) {
    T[s] = [0, 0];
    for (let l = 2; l <= maxLen; l++) {
      if (s === 1) {
        T[s][l] = (l * (l - 1)) / 2;
        continue;
      }
      let best = Infinity;
      for (let m = 1; m < l; m++) best = Math.min(best, m + T[s - 1][l - m] + T[s][m]);
      T[s][l] = best;
    }
  }
  return T;
}

describe('binomial formula', () => {
  it('computes β exactly, far past double precision', () => {
    expect(binomialBeta(2, 3)).toBe(10n);
    expect(binomialBeta(0, 7)).toBe(1n);
    expect(binomialBeta(50, 50)).toBe(100891344545564193334812497256n);
    expect(binomialBeta(30, 30)).toBe(118264581564861424n);
  });

  it('predicts n steps when c ≥ n (nothing recomputed) and n(n+1)/2 when c = 1', () => {
    for (const n of [1, 2, 7, 150, 20_000]) {
      expect(predictForwardSteps(n, n)).toBe(n);
      expect(predictForwardSteps(n, n + 1)).toBe(n);
      expect(predictForwardSteps(n, 10 ** 9)).toBe(n);
      expect(predictForwardSteps(n, 1)).toBe((n * (n + 1)) / 2);
      expect(repetitionNumber(n, n)).toBe(1);
    }
  });

  it('equals the classical recurrence for n + 1 states, for n ≤ 150 and c ≤ 12', () => {
    const T = recurrenceTable(151, 12);
    for (let n = 1; n <= 150; n++) {
      for (let c = 1; c <= 12; c++) expect(predictForwardSteps(n, c), `n=${n} c=${c}`).toBe(T[c][n + 1]);
    }
  });

  it('is the true optimum when the initial state holds a slot (exhaustive search, n ≤ 10, c ≤ 5)', () => {
    for (let n = 1; n <= 10; n++) {
      for (let c = 1; c <= 5; c++) expect(bruteForce(n, c, true), `n=${n} c=${c}`).toBe(predictForwardSteps(n, c));
    }
  });

  it('documents the convention: without pinning state 0, r − 1 fewer steps are possible', () => {
    // Unpinned optimum = 1 step to state 1, then a classical reversal of states 1 … n with c slots.
    for (let n = 2; n <= 8; n++) {
      for (let c = 1; c <= 4; c++) {
        const unpinned = bruteForce(n, c, false);
        expect(unpinned, `n=${n} c=${c}`).toBe(1 + predictForwardSteps(n - 1, c));
        expect(predictForwardSteps(n, c) - unpinned).toBe(repetitionNumber(n, c) - 1);
      }
    }
  });

  it('rejects counts that are not positive integers', () => {
    for (const [n, c] of [[0, 3], [3, 0], [-1, 2], [2.5, 2], [4, 1.5], [Number.NaN, 2], [Infinity, 2]]) {
      expect(() => predictForwardSteps(n, c)).toThrow(InvalidArgumentError);
      expect(() => revolveSchedule(n, c).next()).toThrow(InvalidArgumentError);
    }
  });
});

describe('revolveSchedule', () => {
  it('matches the formula and every structural rule for all n ≤ 150, c ≤ 12', () => {
    for (let n = 1; n <= 150; n++) {
      const expectedReverse = Array.from({ length: n }, (_, i) => n - 1 - i);
      for (let c = 1; c <= 12; c++) {
        const { actions, summary, firstReverse } = compileSchedule(n, c);
        const r = replay(n, c, actions);
        expect(r.forwardSteps, `n=${n} c=${c}`).toBe(predictForwardSteps(n, c));
        expect(r.reversed).toEqual(expectedReverse);
        expect(r.peak).toBeLessThanOrEqual(c);
        expect(summary.forwardSteps).toBe(r.forwardSteps);
        expect(summary.peakSlots).toBe(r.peak);
        expect(actions[firstReverse].kind).toBe('reverse');
      }
    }
  });

  it('stores each state once and nothing needless when slots are plentiful', () => {
    for (const n of [1, 2, 10, 150]) {
      for (const c of [n, n + 1, 10 * n]) {
        const s = summarizeSchedule(n, c);
        expect(s.forwardSteps).toBe(n);
        expect(s.forwardCalls).toBe(n);
        // States 1 … n−1 are stored; state n is live for the first reverse and state 0 is never needed.
        expect(s.peakSlots).toBe(n - 1);
        expect(s.saves).toBe(n - 1);
        expect(s.restores).toBe(n - 1);
      }
    }
  });

  it('with one slot, keeps only the initial state and recomputes quadratically', () => {
    const s = summarizeSchedule(40, 1);
    expect(s.peakSlots).toBe(1);
    expect(s.saves).toBe(1);
    expect(s.forwardSteps).toBe((40 * 41) / 2);
    expect(s.forwardCalls).toBe(40);
  });

  it('matches the formula on spot checks up to n = 20 000, quickly', () => {
    const cases: [number, number][] = [
      [1000, 3], [1000, 10], [5000, 7], [9999, 2], [20_000, 1], [20_000, 2],
      [20_000, 5], [20_000, 12], [20_000, 30], [20_000, 100], [20_000, 19_999], [20_000, 20_001],
    ];
    for (const [n, c] of cases) {
      const t0 = performance.now();
      const s = summarizeSchedule(n, c);
      const ms = performance.now() - t0;
      expect(s.forwardSteps, `n=${n} c=${c}`).toBe(predictForwardSteps(n, c));
      expect(s.reverseSteps).toBe(n);
      expect(s.peakSlots).toBeLessThanOrEqual(c);
      expect(ms, `n=${n} c=${c} took ${ms.toFixed(1)} ms`).toBeLessThan(500);
    }
  });

  it('replays in full at n = 20 000 with 12 slots', () => {
    const { actions } = compileSchedule(20_000, 12);
    const r = replay(20_000, 12, actions);
    expect(r.forwardSteps).toBe(predictForwardSteps(20_000, 12));
    expect(r.peak).toBe(12);
  });
});
