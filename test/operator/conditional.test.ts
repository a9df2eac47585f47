import { describe, expect, it } from 'vitest';
import {
  ApplyArgumentError, ConditionalDimension, Constant, Eq, Function, Grid, Operator, TimeFunction, and, ge, gt, le, lt, or,
} from '../../src/index.ts';
import { nodesOf, timeLoopOf } from '../../src/ir/visit.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

/** A 2D wave update (timeOrder 2), the kind of forward run whose snapshots an adjoint reads. */
function waveEq(u: TimeFunction): Eq {
  return new Eq(u.forward, u.mul(2).sub(u.backward).add(u.laplace.mul(0.1)));
}

describe('ConditionalDimension', () => {
  it('snapshots with factor 4 equal, bitwise, every 4th level of the full-history run', () => {
    const nt = 23;
    const grid = new Grid({ shape: [17, 21] });
    const full = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4, save: nt + 1 });
    // The same two initial levels in both runs (halos zero in both).
    const initial = new Float32Array(2 * 17 * 21);
    fillSeeded(initial, 7);
    full.data.assign([...initial, ...new Float32Array((nt - 1) * 17 * 21)]);
    new Operator([waveEq(full)], { name: 'history' }).apply({ timeMin: 1, timeMax: nt - 1 });

    const factor = 4;
    const tsub = new ConditionalDimension({ name: 'tsub', parent: grid.time, factor });
    const nsnaps = Math.floor((nt - 1) / factor) + 1;
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const usave = new TimeFunction({ name: 'usave', grid, timeOrder: 2, spaceOrder: 4, save: nsnaps, timeDim: tsub });
    u.data.assign([...initial, ...new Float32Array(17 * 21)]);
    const op = new Operator([waveEq(u), new Eq(usave, u)], { name: 'snapshots' });
    // Snapshots are a guarded section in the time loop: `if (time % 4 == 0)`, then `tsub = time / 4`.
    expect(op.ccode).toMatch(/if \(time % 4 == 0\)/);
    expect(op.ccode).toMatch(/const int tsub = time \/ 4;/);
    // Step 0 is no update (timeMin 1), as in the full run; level 0 is the initial state.
    usave.data.fill(NaN);
    op.apply({ timeMin: 1, timeMax: nt - 1 });
    const fullLevels = full.data.toArray();
    const snaps = usave.data.toArray();
    const size = 17 * 21;
    let compared = 0;
    for (let k = 1; k < nsnaps; k++) {
      const a = bufferOf(snaps.subarray(k * size, (k + 1) * size));
      const b = bufferOf(fullLevels.subarray(k * factor * size, (k * factor + 1) * size));
      expect(a.equals(b)).toBe(true);
      compared++;
    }
    expect(compared).toBe(nsnaps - 1);
    // Level 0 (time 0) is never visited by timeMin 1: untouched.
    expect(Number.isNaN(snaps[0])).toBe(true);
  });

  it('snapshots of a time-tiled 3D run equal those of the untiled run, bitwise', () => {
    const grid = new Grid({ shape: [12, 10, 20] });
    const tsub = new ConditionalDimension({ name: 'tsub', parent: grid.time, factor: 3 });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 2 });
    const usave = new TimeFunction({ name: 'usave', grid, save: 5, timeDim: tsub });
    const build = (timeTiling: boolean): Operator => new Operator([waveEq(u), new Eq(usave, u)], { name: 'snap3d', passes: { timeTiling } });
    const tiled = build(true);
    expect(timeLoopOf(tiled.kernel)?.role).toBe('timeTile');
    const run = (op: Operator, tiles: object): Buffer => {
      fillSeeded(u.data.raw, 2);
      usave.data.fill(0);
      op.apply({ timeMin: 1, timeMax: 13, nthreads: 2, ...tiles });
      return Buffer.from(bufferOf(usave.data.raw));
    };
    const expected = run(build(false), {});
    expect(run(tiled, { time_tile_size: 4, x_wave_size: 3 })).toEqual(expected);
    // Levels 1 … 4 (times 3, 6, 9, 12) were written.
    expect(usave.data.get(4, 5, 5, 5)).not.toBe(0);
  });

  it('save too small for the snapshots the time range writes: ApplyArgumentError before any C runs', () => {
    const grid = new Grid({ shape: [6, 6] });
    const tsub = new ConditionalDimension({ name: 'tsub', parent: grid.time, factor: 4 });
    const u = new TimeFunction({ name: 'u', grid });
    const usave = new TimeFunction({ name: 'usave', grid, save: 3, timeDim: tsub });
    const op = new Operator([new Eq(u.forward, u.add(1)), new Eq(usave, u)], { name: 'snapshort' });
    // Times 0 … 12 write snapshot 3 of the 3 saved (0 … 2).
    expect(() => op.apply({ timeMin: 0, timeMax: 12 })).toThrow(ApplyArgumentError);
    expect(() => op.apply({ timeMin: 0, timeMax: 12 })).toThrow(/save >= 4/);
    // 0 … 11 fits: it writes snapshots 0, 1, 2; the default range is that.
    u.data.fill(0);
    op.apply({ timeMin: 0 });
    expect([0, 1, 2].map((k) => usave.data.get(k, 2, 2))).toEqual([0, 4, 8]);
  });

  it('conditions on values, space indices and time guard equations (against a reference)', () => {
    const grid = new Grid({ shape: [11, 9], dtype: 'float64' });
    const [x, y] = grid.dimensions as [typeof grid.time, typeof grid.time];
    const g = new Function({ name: 'g', grid });
    const f = new Function({ name: 'f', grid });
    const band = new Function({ name: 'band', grid });
    const late = new Function({ name: 'late', grid });
    const clock = new TimeFunction({ name: 'clock', grid });
    fillSeeded(g.data.raw, 9);
    const positive = new ConditionalDimension({ name: 'cpos', parent: y, condition: gt(g, 0) });
    const inBand = new ConditionalDimension({ name: 'cband', parent: x, condition: or(and(ge(x, 2), lt(x, 5)), and(le(8, y), ge(y, 8))) });
    const afterThree = new ConditionalDimension({ name: 'clate', parent: grid.time, condition: ge(grid.time, 3) });
    const op = new Operator([
      new Eq(clock.forward, clock.add(1)),
      new Eq(f, f.add(g), { implicitDims: [positive] }),
      new Eq(band, band.add(1), { implicitDims: [inBand] }),
      new Eq(late, late.add(1), { implicitDims: [afterThree] }),
    ], { name: 'conditional' });
    // The value condition is a guard at each point; the time condition guards the whole nest.
    expect(op.ccode).toMatch(/if \(g\[x \+ 1\]\[y \+ 1\] > 0\.0\)/);
    expect(op.ccode).toMatch(/if \(time >= 3\)/);
    expect(nodesOf(op.kernel.body, (n) => n.kind === 'guard').length).toBe(3);
    op.apply({ timeMin: 0, timeMax: 6 });
    const steps = 7;
    for (let i = 0; i < 11; i++) {
      for (let j = 0; j < 9; j++) {
        const gij = g.data.get(i, j);
        let sum = 0;
        for (let s = 0; s < steps; s++) sum += gij;
        expect(f.data.get(i, j)).toBe(gij > 0 ? sum : 0);
        expect(band.data.get(i, j)).toBe(((i >= 2 && i < 5) || j === 8) ? steps : 0);
        expect(late.data.get(i, j)).toBe(4);
      }
    }
  });

  it('a condition on a Constant alone guards the whole nest, in an Operator without a time loop', () => {
    const grid = new Grid({ shape: [5, 4] });
    const f = new Function({ name: 'f', grid });
    const c = new Constant({ name: 'c', value: 1 });
    const on = new ConditionalDimension({ name: 'on', parent: grid.dimensions[0]!, condition: gt(c, 0) });
    const op = new Operator([new Eq(f, f.add(2), { implicitDims: [on] })], { name: 'switched' });
    expect(op.ccode).toMatch(/if \(c > 0\.0F\)/);
    op.apply({});
    op.apply({ c: -1 });
    op.apply({ c: 3 });
    expect(f.data.toArray().every((v) => v === 4)).toBe(true);
  });
});
