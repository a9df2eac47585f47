import { describe, expect, it } from 'vitest';
import {
  ApplyArgumentError, Eq, Function, Grid, InvalidArgumentError, Operator, SparseTimeFunction, TimeFunction, norm, solve, type ArrayArgument,
} from '../../src/index.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

const NT = 12;
const grid = new Grid({ shape: [33, 29], extent: [320, 280] });

/** A 2D wave update with a source and receivers on fields named by `tag`. */
function wave(tag: string) {
  const u = new TimeFunction({ name: `u${tag}`, grid, timeOrder: 2, spaceOrder: 4 });
  const m = new Function({ name: `m${tag}`, grid, spaceOrder: 4 });
  m.data.fill(1 / 1.5 ** 2);
  const src = new SparseTimeFunction({ name: `src${tag}`, grid, npoint: 1, nt: NT, coordinates: [[160, 140]] });
  const rec = new SparseTimeFunction({ name: `rec${tag}`, grid, npoint: 3, nt: NT, coordinates: [[50, 30], [200.5, 100.25], [310, 270]] });
  for (let t = 0; t < NT; t++) src.data.set(t, 0, Math.sin(t / 2));
  const eqs = [
    new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward)),
    src.inject({ field: u.forward, expr: src.mul(grid.time.spacing.pow(2)) }),
    rec.interpolate({ expr: u }),
  ];
  return { u, m, src, rec, eqs };
}

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(bufferOf(a));

describe('Operator conveniences', () => {
  const a = wave('');
  const op = new Operator(a.eqs, { name: 'wave_subst' });
  const run = { timeMin: 1, timeMax: NT - 2, dt: 1 };

  it('apply({ u: other, … }) runs the same kernel on other fields, bitwise as an Operator built on them', () => {
    const b = wave('b');
    const c = wave('c');
    fillSeeded(b.u.data.raw, 5, -0.01);
    c.u.data.raw.set(b.u.data.raw);
    const own = a.u.data.raw.slice();
    op.apply({ ...run, u: b.u, src: b.src, rec: b.rec, m: b.m, nthreads: 2 });
    new Operator(c.eqs, { name: 'wave_built' }).apply({ ...run, nthreads: 2 });
    expect(bytes(b.u.data.raw).equals(bytes(c.u.data.raw))).toBe(true);
    expect(bytes(b.rec.data.raw).equals(bytes(c.rec.data.raw))).toBe(true);
    expect(norm(b.rec)).toBeGreaterThan(1e-3);
    // The Operator's own fields were not touched.
    expect(bytes(a.u.data.raw).equals(bytes(own))).toBe(true);
    expect(norm(a.rec)).toBe(0);
  });

  it('a substitute that does not match is an ApplyArgumentError naming the difference, before any C runs', () => {
    const other = (options: Partial<ConstructorParameters<typeof TimeFunction>[0]>) =>
      new TimeFunction({ name: 'v', grid, timeOrder: 2, spaceOrder: 4, ...options });
    expect(() => op.apply({ ...run, u: other({ grid: new Grid({ shape: [33, 30], extent: [320, 290] }) }) })).toThrow(/grid has shape \[33, 30\]/);
    expect(() => op.apply({ ...run, u: other({ dtype: 'float64' }) })).toThrow(/dtype is float64/);
    expect(() => op.apply({ ...run, u: other({ timeOrder: 1 }) })).toThrow(/2 time slots, not 3/);
    expect(() => op.apply({ ...run, u: other({ spaceOrder: 2 }) })).toThrow(/halo is \[1, 1\]/);
    expect(() => op.apply({ ...run, u: other({ save: NT }) })).toThrow(ApplyArgumentError);
    expect(() => op.apply({ ...run, u: new Function({ name: 'v', grid, spaceOrder: 4 }) })).toThrow(/is a TimeFunction/);
    expect(() => op.apply({ ...run, u: 3 })).toThrow(/not a Function or TimeFunction/);
    expect(() => op.apply({ ...run, rec: a.src })).toThrow(/1 points × 12 samples, not 3 × 12/);
    expect(() => op.apply({ ...run, src: a.rec, rec: a.rec })).toThrow(ApplyArgumentError);
    expect(() => op.apply({ ...run, w: a.u })).toThrow(/unknown argument "w"/);
    // What the kernel compiled in: spacing, staggering, the sparse weights' kind.
    expect(() => op.apply({ ...run, u: other({ grid: new Grid({ shape: grid.shape, extent: grid.extent.map((e) => 2 * e) }) }) })).toThrow(/grid spacing is/);
    expect(() => op.apply({ ...run, u: other({ staggered: 'cell' }) })).toThrow(/staggered differently/);
    const sinc = new SparseTimeFunction({ name: 'r2', grid, npoint: a.rec.npoint, nt: NT, coordinates: a.rec.coordinates, interpolation: 'sinc', radius: 2 });
    expect(() => op.apply({ ...run, rec: sinc })).toThrow(/its interpolation is \{"kind":"sinc","radius":2\}, not \{"kind":"linear"\}/);
  });

  it('arguments(args) lists what the kernel would get, by parameter, without running it', () => {
    const b = wave('d');
    const before = bytes(b.u.data.raw);
    const args = op.arguments({ ...run, u: b.u, nthreads: 2 });
    expect(Object.keys(args)).toEqual(op.kernel.parameters.map((p) => p.name));
    expect(args.time_m).toBe(1);
    expect(args.time_M).toBe(NT - 2);
    expect(args.dt).toBe(1);
    expect(args.nthreads).toBe(2);
    expect(args.x_M).toBe(32);
    expect(args.h_x).toBe(10);
    expect(args.u_vec).toEqual({ kind: 'array', of: 'ud', dtype: 'float32', shape: b.u.data.allocatedShape, length: b.u.data.raw.length });
    expect((args.m_vec as ArrayArgument).of).toBe('m');
    expect(args.rec_coords).toEqual({ kind: 'array', of: 'rec.coordinates', dtype: 'float64', shape: [3, 2], length: 6 });
    expect(bytes(b.u.data.raw).equals(before)).toBe(true);
    expect(() => op.arguments({ timeMax: 3 })).toThrow(/pass dt/);
  });

  it('norm is the L2 (or any order) norm over the domain: halo, padding excluded; every time slot', () => {
    const f = new Function({ name: 'f', grid, spaceOrder: 4 });
    f.data.raw.fill(7);
    f.data.fill(0.5);
    expect(norm(f)).toBeCloseTo(0.5 * Math.sqrt(33 * 29), 12);
    f.data.set(3, 4, -2);
    expect(norm(f, Infinity)).toBe(2);
    expect(norm(f, 1)).toBeCloseTo(0.5 * (33 * 29 - 1) + 2, 9);
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2 });
    u.data.set(0, 0, 0, 3);
    u.data.set(2, 1, 1, 4);
    expect(norm(u)).toBe(5);
    expect(() => norm(f, 0)).toThrow(InvalidArgumentError);
    expect(() => norm(3 as never)).toThrow(InvalidArgumentError);
  });
});
