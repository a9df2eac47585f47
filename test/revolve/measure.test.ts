import { describe, expect, it } from 'vitest';
import { measureCosts } from '../../src/revolve/index.ts';
import { ToyProblem } from './toy.ts';

/** Spins for `ms` milliseconds: a copy of known cost. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy */ }
}

describe('measureCosts', () => {
  it('steps only within nTimesteps, restores only states its slots hold, and leaves state 0 live', () => {
    const toy = new ToyProblem({ nbytes: 64 });
    const costs = measureCosts(toy.checkpoint, toy.forward, undefined, 5);
    expect(toy.violations).toEqual([]);
    expect(toy.step).toBe(0);
    const ends = toy.events.flatMap((e) => (e.kind === 'forward' ? [e.to] : []));
    expect(Math.max(...ends)).toBe(5);
    for (const value of [costs.forwardStepMs, costs.memory.writeMs, costs.memory.readMs, costs.memory.firstTouchMs!]) {
      expect(Number.isFinite(value) && value >= 0).toBe(true);
    }
  });

  it('times a save and a restore as their excess over the steps they come between', () => {
    // Copies of known cost (a save spins 2 ms, a restore 1 ms) between steps of 0.5 ms.
    const toy = new ToyProblem({ nbytes: 64, log: false });
    const { save, load } = toy.checkpoint;
    const checkpoint = {
      nbytes: 64,
      save: (slot: Uint8Array, step: number) => { spin(2); save.call(toy.checkpoint, slot, step); },
      load: (slot: Uint8Array, step: number) => { spin(1); load.call(toy.checkpoint, slot, step); },
    };
    const forward = { apply: (a: number, b: number) => { spin(0.5 * (b - a)); toy.forward.apply(a, b); } };
    const costs = measureCosts(checkpoint, forward, undefined, 8);
    expect(toy.violations).toEqual([]);
    expect(costs.forwardStepMs).toBeGreaterThan(0.45);
    expect(costs.forwardStepMs).toBeLessThan(0.7);
    expect(costs.memory.writeMs).toBeGreaterThan(1.9);
    expect(costs.memory.writeMs).toBeLessThan(2.4);
    expect(costs.memory.readMs).toBeGreaterThan(0.9);
    expect(costs.memory.readMs).toBeLessThan(1.4);
  });
});
