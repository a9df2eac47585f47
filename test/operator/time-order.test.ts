import { describe, expect, it } from 'vitest';
import { Checkpoint, Eq, Function, Grid, InvalidArgumentError, LoweringError, Operator, TimeFunction, type Expr } from '../../src/index.ts';
import { convergenceOrder } from '../helpers.ts';

// u' = λu, u(0) = 1 on every point of a tiny grid (each point is the same ODE): exact e^{λt}.
const LAMBDA = -1.5;
const T = 1;
const exact = (t: number): number => Math.exp(LAMBDA * t);

/** Adams–Bashforth weights of `steps` steps: u(t+1) = u(t) + dt Σ_j b_j f(u(t−j)). */
const ADAMS_BASHFORTH: Record<number, readonly number[]> = {
  3: [23 / 12, -16 / 12, 5 / 12],
  4: [55 / 24, -59 / 24, 37 / 24, -9 / 24],
};

interface Scheme {
  readonly u: TimeFunction;
  readonly op: Operator;
  /** Levels the first step reads (t = 0 … steps − 1), set from the exact solution. */
  readonly steps: number;
}

/** An Adams–Bashforth scheme written in the DSL with shifted time accesses. */
function adamsBashforth(steps: number, options: { timeOrder: number; buffer?: number }): Scheme {
  const grid = new Grid({ shape: [2], dtype: 'float64' });
  const u = new TimeFunction({ name: 'u', grid, ...options });
  const dt = grid.time.spacing;
  const weights = ADAMS_BASHFORTH[steps]!;
  const f = (j: number): Expr => u.shift(grid.time, -j).mul(LAMBDA);
  const increment = weights.map((b, j) => f(j).mul(b)).reduce((a, b) => a.add(b));
  const op = new Operator([new Eq(u.forward, u.add(increment.mul(dt)))], { name: `ab${steps}_${options.timeOrder}_${options.buffer ?? 0}` });
  return { u, op, steps };
}

/** Error at t = T after n steps of dt = T / n, starting from the exact first levels. */
function errorAt(scheme: Scheme, n: number): number {
  const { u, op, steps } = scheme;
  const dt = T / n;
  for (let level = 0; level < steps; level++) for (const i of [0, 1]) u.data.set(u.slotOf(level), i, exact(level * dt));
  op.apply({ timeMin: steps - 1, timeMax: n - 1, dt, nthreads: 1 });
  return Math.max(...[0, 1].map((i) => Math.abs(u.data.get(u.slotOf(n), i) - exact(T))));
}

describe('timeOrder >= 3 and deeper buffers', () => {
  for (const timeOrder of [3, 4]) {
    it(`Adams–Bashforth ${timeOrder} with timeOrder ${timeOrder} (${timeOrder + 1} slots) converges at order ${timeOrder}`, () => {
      const scheme = adamsBashforth(timeOrder, { timeOrder });
      expect(scheme.u.timeSlots).toBe(timeOrder + 1);
      const ns = [20, 40, 80];
      const errors = ns.map((n) => errorAt(scheme, n));
      const order = convergenceOrder(ns.map((n) => T / n), errors);
      expect(Math.abs(order - timeOrder)).toBeLessThan(0.3);
      expect(errors[2]).toBeLessThan(1e-5);
    });

    it(`u.dt of a timeOrder ${timeOrder} field spans levels t+1−${timeOrder} … t+1 and is order ${timeOrder} accurate`, () => {
      const grid = new Grid({ shape: [2], dtype: 'float64' });
      const u = new TimeFunction({ name: 'u', grid, timeOrder });
      const g = new Function({ name: 'g', grid });
      const op = new Operator([new Eq(g, u.dt)], { name: `dt_order${timeOrder}` });
      const t = timeOrder - 1;
      const dts = [0.1, 0.05, 0.025];
      const errors = dts.map((dt) => {
        for (let level = 0; level <= timeOrder; level++) u.data.set(u.slotOf(level), 0, exact(level * dt));
        op.apply({ timeMin: t, timeMax: t, dt });
        return Math.abs(g.data.get(0) - LAMBDA * exact(t * dt));
      });
      expect(Math.abs(convergenceOrder(dts, errors) - timeOrder)).toBeLessThan(0.3);
    });
  }

  it('buffer gives a timeOrder-1 field the slots Adams–Bashforth 3 reads, with the same result as timeOrder 3', () => {
    const buffered = adamsBashforth(3, { timeOrder: 1, buffer: 4 });
    const ordered = adamsBashforth(3, { timeOrder: 3 });
    expect(buffered.u.timeSlots).toBe(4);
    expect(buffered.u.stateLevels).toBe(3);
    expect(new Checkpoint([buffered.u]).nbytes).toBe(3 * buffered.u.data.raw.byteLength / 4);
    expect(errorAt(buffered, 40)).toBe(errorAt(ordered, 40));
  });

  it('reads beyond the ring, and bad timeOrder / buffer options, are typed errors', () => {
    const grid = new Grid({ shape: [2], dtype: 'float64' });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 1 });
    expect(() => new Operator([new Eq(u.forward, u.shift(grid.time, -2))])).toThrow(LoweringError);
    expect(() => new Operator([new Eq(u.forward, u.shift(grid.time, -2))])).toThrow(/buffer: 4/);
    expect(() => new TimeFunction({ name: 'v', grid, timeOrder: 0 })).toThrow(InvalidArgumentError);
    expect(() => new TimeFunction({ name: 'v', grid, timeOrder: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => new TimeFunction({ name: 'v', grid, timeOrder: 3, buffer: 3 })).toThrow(/buffer must be an integer number of slots >= timeOrder \+ 1 = 4/);
    expect(() => new TimeFunction({ name: 'v', grid, buffer: 4, save: 10 })).toThrow(InvalidArgumentError);
    const m = new Function({ name: 'm', grid });
    expect(() => m.shift(grid.time, 1)).toThrow(/not a TimeFunction/);
    expect(m.shift(grid.dimensions[0]!, 1).key).toBe(m.at(1).key);
  });
});
