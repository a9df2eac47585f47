import { describe, expect, it } from 'vitest';
import { CheckpointBudgetError, InvalidArgumentError } from '../../src/errors.ts';
import { checkpointsForBudget, planCheckpoints, predictForwardSteps, Revolver } from '../../src/revolve/index.ts';
import { descending, ToyProblem } from './toy.ts';

describe('memory budget', () => {
  it('picks as many whole states as fit, capped at n + 1', () => {
    expect(checkpointsForBudget(100, 1000, 10_500)).toBe(10);
    expect(checkpointsForBudget(100, 1000, 1000)).toBe(1);
    expect(checkpointsForBudget(100, 1000, 1e12)).toBe(101);
  });

  it('refuses a budget smaller than one checkpoint, saying how much is needed', () => {
    const toy = new ToyProblem({ nbytes: 4096, log: false });
    expect(() => new Revolver({ ...toy, nTimesteps: 10, memoryBudgetBytes: 4095 })).toThrow(CheckpointBudgetError);
    expect(() => new Revolver({ ...toy, nTimesteps: 10, memoryBudgetBytes: 4095 })).toThrow(/at least 4096/);
    for (const bad of [0, -1, Number.NaN, Infinity]) {
      expect(() => new Revolver({ ...toy, nTimesteps: 10, memoryBudgetBytes: bad })).toThrow(InvalidArgumentError);
    }
  });

  it('never holds more checkpoint bytes than the budget, and predicts its cost before running', () => {
    const nbytes = 256;
    for (const n of [1, 7, 50, 333]) {
      let previousFactor = Infinity;
      for (const budget of [256, 300, 511, 512, 1000, 2560, 5000, 20_000, 1e9]) {
        for (const storage of [undefined, { kind: 'memory', compression: 'lz4' } as const]) {
          const toy = new ToyProblem({ nbytes, log: false });
          const revolver = new Revolver({ ...toy, nTimesteps: n, memoryBudgetBytes: budget, storage });
          const plan = planCheckpoints({ nTimesteps: n, stateBytes: nbytes, memoryBudgetBytes: budget });
          expect(revolver.plan).toMatchObject(plan);
          expect(revolver.nCheckpoints).toBe(Math.min(Math.floor(budget / nbytes), n + 1));
          expect(plan.checkpointBytes).toBeLessThanOrEqual(budget);
          expect(plan.recomputeFactor).toBeLessThanOrEqual(previousFactor);
          revolver.applyForward();
          revolver.applyReverse();
          const stats = revolver.stats;
          const label = `n=${n} budget=${budget}`;
          expect(toy.violations, label).toEqual([]);
          expect(toy.reversed).toEqual(descending(n));
          expect(stats.peakCheckpointBytes, label).toBeLessThanOrEqual(budget);
          expect(stats.reservedBytes, label).toBeLessThanOrEqual(budget);
          expect(stats.forwardSteps, label).toBe(plan.forwardSteps);
          expect(stats.forwardSteps).toBe(predictForwardSteps(n, revolver.nCheckpoints));
          if (storage === undefined) previousFactor = plan.recomputeFactor;
        }
      }
      expect(previousFactor).toBe(1); // an ample budget recomputes nothing
    }
  });

  it('reports the recompute factor of a realistic budget', () => {
    // 2000 steps of a 100 MB state with 1.2 GB of memory: 12 slots.
    const plan = planCheckpoints({ nTimesteps: 2000, stateBytes: 100e6, memoryBudgetBytes: 1.2e9 });
    expect(plan.nCheckpoints).toBe(12);
    expect(plan.forwardSteps).toBe(predictForwardSteps(2000, 12));
    expect(plan.recomputeFactor).toBeGreaterThan(1);
    expect(plan.recomputeFactor).toBeLessThan(4);
    expect(plan.checkpointBytes).toBeLessThanOrEqual(1.2e9);
  });

  it('takes exactly one of nCheckpoints and memoryBudgetBytes', () => {
    expect(() => planCheckpoints({ nTimesteps: 10, stateBytes: 8 })).toThrow(/exactly one/);
    expect(() => planCheckpoints({ nTimesteps: 10, stateBytes: 8, nCheckpoints: 2, memoryBudgetBytes: 64 })).toThrow(
      /exactly one/,
    );
  });
});
