import { describe, expect, it } from 'vitest';
import { CheckpointBudgetError, InvalidArgumentError } from '../../src/errors.ts';
import {
  buildSchedule,
  MemoryStorage,
  OnlinePlanner,
  onlineSchedule,
  periodicDiskSchedule,
  predictForwardSteps,
  predictTime,
  Revolver,
  SCHEDULE_NAMES,
  summarizeSchedule,
  type Action,
  type CostModel,
  type LevelledSchedule,
  type ScheduleName,
} from '../../src/revolve/index.ts';
import { bruteForce, bruteForceTime, type IntCosts } from './brute-force.ts';
import { descending, ToyProblem } from './toy.ts';

/** Replays actions symbolically: live state, slot contents, the invariant; returns the counts. */
function replay(schedule: LevelledSchedule, n: number) {
  const where = (i: number) => `${schedule.name} n=${n} action ${i}: ${JSON.stringify(schedule.actions[i])}`;
  let live = 0;
  let forwardSteps = 0;
  const held = new Map<number, number>();
  let peak = 0;
  const reversed: number[] = [];
  schedule.actions.forEach((a: Action, i) => {
    const fail = (what: string) => {
      throw new Error(`${what} at ${where(i)}`);
    };
    switch (a.kind) {
      case 'advance':
        if (live !== a.from || a.to <= a.from || a.to > n) fail(`advance with ${live} live`);
        forwardSteps += a.to - a.from;
        live = a.to;
        break;
      case 'save':
        if (live !== a.step || held.has(a.slot)) fail('bad save');
        held.set(a.slot, a.step);
        peak = Math.max(peak, held.size);
        break;
      case 'restore':
        if (held.get(a.slot) !== a.step) fail('restore of a state not held');
        if (a.release) held.delete(a.slot);
        live = a.step;
        break;
      case 'discard':
        if (held.get(a.slot) !== a.step) fail('discard of a state not held');
        held.delete(a.slot);
        break;
      case 'reverse':
        if (live !== a.step + 1) fail(`reverse with ${live} live`);
        reversed.push(a.step);
        live = -1;
        break;
      case 'terminate':
        if (held.size !== 0 || i !== schedule.actions.length - 1) fail('terminate with slots held');
    }
  });
  return { forwardSteps, peak, reversed };
}

const costsOf = (c: IntCosts): CostModel => ({
  forwardStepMs: c.step,
  reverseStepMs: 0,
  memory: { writeMs: c.memory.write, readMs: c.memory.read },
  disk: { writeMs: c.disk.write, readMs: c.disk.read },
});

describe('schedules by name', () => {
  it('binomial is the existing schedule, action for action', () => {
    for (const [n, c] of [[1, 1], [17, 3], [150, 12]]) {
      const a = buildSchedule('binomial', { nTimesteps: n, memorySlots: c, diskSlots: 0 });
      expect(a.summary).toEqual(summarizeSchedule(n, c));
      expect(a.disk.slots).toBe(0);
    }
  });

  it('every schedule keeps the invariant and its counts for all n ≤ 60', () => {
    for (const name of SCHEDULE_NAMES) {
      for (let n = 1; n <= 60; n++) {
        for (const [memorySlots, diskSlots] of [[1, 1], [2, 0], [3, 2], [5, 8]]) {
          if (name === 'periodicDisk' && diskSlots === 0) continue;
          const request = { nTimesteps: n, memorySlots: name === 'none' ? n : memorySlots, diskSlots };
          const schedule = buildSchedule(name, request);
          const r = replay(schedule, n);
          const label = `${name} n=${n} m=${memorySlots} d=${diskSlots}`;
          expect(r.reversed, label).toEqual(descending(n));
          expect(r.forwardSteps, label).toBe(schedule.summary.forwardSteps);
          expect(schedule.memory.slots + schedule.disk.slots, label).toBe(schedule.slotLevels.length);
          if (name !== 'none') expect(schedule.memory.slots, label).toBeLessThanOrEqual(memorySlots);
          if (name !== 'diskRevolve' && name !== 'none') expect(schedule.disk.slots, label).toBeLessThanOrEqual(diskSlots);
        }
      }
    }
  });

  it('none stores every state once and recomputes nothing', () => {
    const s = buildSchedule('none', { nTimesteps: 40, memorySlots: 30, diskSlots: 9 });
    expect([s.summary.forwardSteps, s.memory.saves, s.disk.saves, s.memory.restores + s.disk.restores]).toEqual([40, 30, 9, 39]);
    expect(() => buildSchedule('none', { nTimesteps: 40, memorySlots: 30, diskSlots: 8 })).toThrow(CheckpointBudgetError);
  });

  it('mixed reaches the exhaustive optimum over all schedules (n ≤ 10, c ≤ 5), below binomial', () => {
    for (let n = 1; n <= 10; n++) {
      for (let c = 1; c <= 5; c++) {
        const mixed = buildSchedule('mixed', { nTimesteps: n, memorySlots: c, diskSlots: 0 }).summary.forwardSteps;
        expect(mixed, `n=${n} c=${c}`).toBe(bruteForce(n, c, false));
        expect(mixed).toBeLessThanOrEqual(predictForwardSteps(n, c));
      }
    }
  });

  it('mixed at n = 1000, c = 10: fewer forward steps than binomial for the same slots', () => {
    const mixed = buildSchedule('mixed', { nTimesteps: 1000, memorySlots: 10, diskSlots: 0 }).summary;
    const binomial = summarizeSchedule(1000, 10);
    expect(mixed.forwardSteps).toBe(1 + predictForwardSteps(999, 10));
    expect(mixed.forwardSteps).toBeLessThan(binomial.forwardSteps);
    expect(mixed.peakSlots).toBeLessThanOrEqual(10);
  });

  it('hrevolve and diskRevolve take the least time over all schedules (exhaustive, n ≤ 6)', () => {
    const costSets: IntCosts[] = [
      { step: 1, memory: { write: 0, read: 0 }, disk: { write: 0, read: 0 } },
      { step: 3, memory: { write: 1, read: 1 }, disk: { write: 4, read: 5 } },
      { step: 2, memory: { write: 0, read: 0 }, disk: { write: 1, read: 7 } },
      { step: 1, memory: { write: 2, read: 1 }, disk: { write: 9, read: 9 } },
    ];
    for (const costs of costSets) {
      for (let n = 1; n <= 6; n++) {
        for (const [m, d] of [[1, 0], [1, 1], [2, 1], [1, 3], [3, 2]]) {
          const request = { nTimesteps: n, memorySlots: m, diskSlots: d, costs: costsOf(costs) };
          const h = predictTime(buildSchedule('hrevolve', request), request.costs);
          const label = `n=${n} m=${m} d=${d} ${JSON.stringify(costs)}`;
          expect(h.forwardMs + h.storageMs, label).toBe(bruteForceTime(n, m, d, costs));
          const dr = predictTime(buildSchedule('diskRevolve', request), request.costs);
          expect(dr.forwardMs + dr.storageMs, label).toBe(bruteForceTime(n, m, n + 1, costs));
        }
      }
    }
  });

  it('hrevolve with free copies and no disk takes binomial steps; multistage takes binomial steps for memory + disk', () => {
    for (let n = 1; n <= 80; n += 7) {
      for (const c of [1, 2, 4]) {
        expect(buildSchedule('hrevolve', { nTimesteps: n, memorySlots: c, diskSlots: 0 }).summary.forwardSteps).toBe(predictForwardSteps(n, c));
        const multi = buildSchedule('multistage', { nTimesteps: n, memorySlots: c, diskSlots: 3 });
        expect(multi.summary.forwardSteps).toBe(predictForwardSteps(n, c + 3));
        // The memory slots take at least as many restores each as any disk slot.
        const perSlot = multi.summary.restoresPerSlot;
        const memoryLeast = Math.min(...perSlot.filter((_, s) => multi.slotLevels[s] === 'memory'));
        const diskMost = Math.max(0, ...perSlot.filter((_, s) => multi.slotLevels[s] === 'disk'));
        if (multi.disk.slots > 0) expect(memoryLeast).toBeGreaterThanOrEqual(diskMost);
      }
    }
  });

  it('periodicDisk counts equal the period formula for every period', () => {
    for (const n of [1, 9, 40, 77]) {
      for (const m of [1, 3]) {
        for (let p = 1; p <= n; p += 3) {
          const s = periodicDiskSchedule({ nTimesteps: n, memorySlots: m, diskSlots: n + 1 }, p).summary;
          // k periods split off the top, each reversed by binomial with m + 1 slots (its head on disk).
          const k = Math.max(0, Math.ceil((n + 1) / p) - 1);
          const last = n + 1 - k * p;
          const T = (len: number) => (len < 2 ? 0 : predictForwardSteps(len - 1, m + 1));
          expect(s.forwardSteps, `n=${n} m=${m} p=${p}`).toBe(k * p + k * T(p) + T(last));
        }
      }
    }
  });

  it('online stays within its proven bound n + T(n−1, c) of the offline optimum for all n ≤ 500, c ∈ {2, 5, 10}', () => {
    const worst: Record<number, number> = {};
    for (const c of [2, 5, 10]) {
      // The planner never knows n: one forward run serves every stopping point.
      const planner = new OnlinePlanner(c);
      planner.start();
      worst[c] = 1;
      for (let n = 1; n <= 500; n++) {
        const online = n + planner.reverseSteps(n);
        const offline = predictForwardSteps(n, c);
        if (n > 1) expect(online, `n=${n} c=${c}`).toBeLessThanOrEqual(n + predictForwardSteps(n - 1, c));
        worst[c] = Math.max(worst[c], online / offline);
        planner.afterStep(n);
      }
      // Never more than twice the offline optimum.
      expect(worst[c]).toBeLessThan(2);
    }
    // The schedule that runs when the forward stops at n has exactly those counts.
    for (const [n, c] of [[2, 2], [37, 5], [500, 10], [333, 2]]) {
      const planner = new OnlinePlanner(c);
      planner.start();
      for (let j = 1; j < n; j++) planner.afterStep(j);
      const schedule = onlineSchedule(n, c);
      expect(schedule.summary.forwardSteps).toBe(n + planner.reverseSteps(n));
      expect(replay(schedule, n).reversed).toEqual(descending(n));
      expect(schedule.summary.peakSlots).toBeLessThanOrEqual(c);
    }
    console.log(`online / offline forward steps, worst over n ≤ 500: ${JSON.stringify(worst)}`);
  });

  it('online recomputes nothing when every state fits', () => {
    for (let n = 1; n <= 12; n++) expect(onlineSchedule(n, 12).summary.forwardSteps).toBe(n);
  });

  it('rejects unknown names with the list', () => {
    expect(() => buildSchedule('revolve' as ScheduleName, { nTimesteps: 3, memorySlots: 2, diskSlots: 0 })).toThrow(InvalidArgumentError);
    expect(() => buildSchedule('revolve' as ScheduleName, { nTimesteps: 3, memorySlots: 2, diskSlots: 0 })).toThrow(/binomial, none, online/);
  });
});

describe('Revolver with every schedule', () => {
  it('keeps the invariant on the toy for all n ≤ 60', () => {
    for (const schedule of SCHEDULE_NAMES) {
      for (let n = 1; n <= 60; n++) {
        const toy = new ToyProblem({ log: false });
        const revolver = new Revolver({
          ...toy,
          nTimesteps: n,
          nCheckpoints: schedule === 'none' ? n : 3,
          // diskRevolve takes as many disk slots as useful: no disk limit for it.
          diskBudgetBytes: schedule === 'diskRevolve' ? Infinity : 4 * 16,
          schedule,
          storage: new MemoryStorage(),
        });
        revolver.applyForward();
        revolver.applyReverse();
        const label = `${schedule} n=${n}`;
        expect(toy.violations, label).toEqual([]);
        expect(toy.reversed, label).toEqual(descending(n));
        expect(revolver.stats.forwardSteps, label).toBe(revolver.plan.forwardSteps);
        expect(revolver.stats.saves, label).toBe(revolver.plan.memory.saves + revolver.plan.disk.saves);
      }
    }
  });

  it('a schedule asked for by name that needs more slots than the budgets hold is refused before it runs', () => {
    const toy = new ToyProblem({ log: false });
    // diskRevolve plans 2 disk slots for n = 20 with 2 memory slots (and ignores no budget given).
    const free = new Revolver({ ...toy, nTimesteps: 20, nCheckpoints: 2, schedule: 'diskRevolve' });
    expect(free.plan.disk.slots).toBeGreaterThan(1);
    const need = free.plan.disk.slots;
    expect(() => new Revolver({ ...toy, nTimesteps: 20, nCheckpoints: 2, diskBudgetBytes: (need - 1) * 16, schedule: 'diskRevolve' })).toThrow(
      new RegExp(`diskRevolve: needs ${need} disk slots, the budget holds ${need - 1}`),
    );
    expect(() => new Revolver({ ...toy, nTimesteps: 20, nCheckpoints: 2, diskBudgetBytes: (need - 1) * 16, schedule: 'diskRevolve' })).toThrow(CheckpointBudgetError);
    expect(new Revolver({ ...toy, nTimesteps: 20, nCheckpoints: 2, diskBudgetBytes: need * 16, schedule: 'diskRevolve' }).plan.disk.slots).toBe(need);
    expect(toy.forwardSteps).toBe(0);
  });

  it('hrevolve with a disk budget too large for its program takes the unlimited-disk plan when that fits the budget', () => {
    const request = { nTimesteps: 1000, memorySlots: 20, diskSlots: 300, costs: { forwardStepMs: 1, reverseStepMs: 1, memory: { writeMs: 0.1, readMs: 0.1 }, disk: { writeMs: 2, readMs: 1 } } };
    const unlimited = buildSchedule('diskRevolve', request);
    expect(unlimited.disk.slots).toBe(37);
    const budgeted = buildSchedule('hrevolve', request);
    expect(budgeted.disk.slots).toBe(unlimited.disk.slots);
    expect(predictTime(budgeted, request.costs).totalMs).toBe(predictTime(unlimited, request.costs).totalMs);
    // A budget below the unlimited plan's disk slots, small enough for its own program: within it, never below the unlimited optimum.
    const small = { ...request, nTimesteps: 300 };
    const free = buildSchedule('diskRevolve', small);
    expect(free.disk.slots).toBe(4);
    const tight = buildSchedule('hrevolve', { ...small, diskSlots: free.disk.slots - 1 });
    expect(tight.disk.slots).toBeLessThan(free.disk.slots);
    expect(predictTime(tight, request.costs).totalMs).toBeGreaterThan(predictTime(free, request.costs).totalMs);
    expect(() => buildSchedule('hrevolve', { ...small, diskSlots: -1 })).toThrow(/disk slots/);
  });

  it('online stops when the callback says so and reverses exactly the steps run', () => {
    for (const stop of [1, 2, 7, 33, 100]) {
      const toy = new ToyProblem({ log: false });
      const revolver = new Revolver({ ...toy, nTimesteps: 100, nCheckpoints: 4, schedule: 'online', shouldStop: (k) => k >= stop });
      revolver.applyForward();
      expect(revolver.stepsRun).toBe(stop);
      revolver.applyReverse();
      expect(toy.violations).toEqual([]);
      expect(toy.reversed).toEqual(descending(stop));
      expect(revolver.stats.forwardSteps).toBe(onlineSchedule(stop, 4).summary.forwardSteps);
    }
  });

  it('online runs a second forward and reverse sweep as it ran the first (a Revolver kept for another gradient)', () => {
    const toy = new ToyProblem({ log: false });
    const revolver = new Revolver({ ...toy, nTimesteps: 40, nCheckpoints: 4, schedule: 'online' });
    for (let sweep = 0; sweep < 3; sweep++) {
      toy.step = 0;
      toy.reversed.length = 0;
      revolver.applyForward();
      revolver.applyReverse();
      expect(toy.violations, `sweep ${sweep}`).toEqual([]);
      expect(toy.reversed, `sweep ${sweep}`).toEqual(descending(40));
      expect(revolver.stats.forwardSteps, `sweep ${sweep}`).toBe(revolver.plan.forwardSteps);
    }
  });

  it('puts the disk slots of a two-level schedule on disk', () => {
    const toy = new ToyProblem({ log: false, nbytes: 64 });
    const revolver = new Revolver({ ...toy, nTimesteps: 30, nCheckpoints: 2, diskBudgetBytes: 64 * 3, schedule: 'hrevolve' });
    revolver.applyForward();
    revolver.applyReverse();
    expect(toy.violations).toEqual([]);
    expect(revolver.stats.forwardSteps).toBe(revolver.plan.forwardSteps);
    expect(revolver.plan.disk.slots).toBeGreaterThan(0);
    revolver.close();
  });

  it('auto keeps to the disk budget even when more disk would be faster', () => {
    // Disk as cheap as memory makes diskRevolve (as many disk slots as useful) the fastest plan; it must be left out.
    const toy = new ToyProblem({ log: false, nbytes: 64 });
    const costs: CostModel = { forwardStepMs: 1, reverseStepMs: 1, memory: { writeMs: 0.01, readMs: 0.01 }, disk: { writeMs: 0.01, readMs: 0.01 } };
    const revolver = new Revolver({ ...toy, nTimesteps: 60, nCheckpoints: 2, diskBudgetBytes: 64 * 3, schedule: 'auto', costs });
    const diskRevolve = revolver.plan.candidates.find((c) => c.name === 'diskRevolve');
    expect(diskRevolve?.skipped).toMatch(/needs \d+ disk slots, the budget holds 3/);
    expect(revolver.plan.disk.slots).toBeLessThanOrEqual(3);
    revolver.applyForward();
    revolver.applyReverse();
    expect(toy.violations).toEqual([]);
    expect(revolver.stats.peakSlots).toBeLessThanOrEqual(2 + 3);
    revolver.close();
  });

  it('auto picks the least predicted time and says why', () => {
    const toy = new ToyProblem({ log: false, nbytes: 64 });
    const costs: CostModel = { forwardStepMs: 1, reverseStepMs: 1, memory: { writeMs: 0.01, readMs: 0.01 }, disk: { writeMs: 0.5, readMs: 0.5 } };
    const revolver = new Revolver({ ...toy, nTimesteps: 200, memoryBudgetBytes: 64 * 4, diskBudgetBytes: 64 * 50, schedule: 'auto', costs });
    const considered = revolver.plan.candidates.filter((c) => c.predicted);
    const least = Math.min(...considered.map((c) => c.predicted!.totalMs));
    expect(revolver.plan.predicted.totalMs).toBe(least);
    expect(revolver.plan.why).toContain(revolver.plan.schedule);
    expect(considered.length).toBeGreaterThanOrEqual(5);
    revolver.applyForward();
    revolver.applyReverse();
    expect(toy.violations).toEqual([]);
    revolver.close();
  });
});
