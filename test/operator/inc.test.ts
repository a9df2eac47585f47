import { describe, expect, it } from 'vitest';
import { ConditionalDimension, Eq, Function, Grid, GridMismatchError, Inc, LoweringError, Operator, SparseTimeFunction, TimeFunction, gt } from '../../src/index.ts';
import type { Iteration, Node } from '../../src/ir/tree.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

/** Runs `op` from the same initial raw data of `fields` with 1 and 2 threads; returns the bytes of `out` after each. */
function byThreads(op: Operator, fields: readonly Function[], out: Function, args: Record<string, number> = {}): [Buffer, Buffer] {
  const initial = fields.map((f) => f.data.raw.slice());
  return [1, 2].map((nthreads) => {
    fields.forEach((f, i) => f.data.raw.set(initial[i]!));
    op.apply({ ...args, nthreads });
    return Buffer.from(bufferOf(out.data.raw));
  }) as [Buffer, Buffer];
}

/** The loops of the first nest, outermost first. */
function loopsOf(op: Operator): Iteration[] {
  const loops: Iteration[] = [];
  const visit = (nodes: readonly Node[]): void => {
    for (const node of nodes) {
      if (node.kind === 'iteration') { if (node.role === 'space') loops.push(node); visit(node.body); }
      else if (node.kind === 'section' || node.kind === 'region') visit(node.body);
    }
  };
  visit(op.kernel.body);
  return loops;
}

describe('Inc', () => {
  const grid = new Grid({ shape: [61, 47] });
  const [x, y] = grid.dimensions as [typeof grid.dimensions[0], typeof grid.dimensions[0]];
  const g = new Function({ name: 'g', grid });
  fillSeeded(g.data.raw, 7);

  it('a sum over x into a field over y: y loop parallel, x sequential inside; 1 and 2 threads bitwise equal, equal to a serial loop', () => {
    const fy = new Function({ name: 'fy', grid, dimensions: [y] });
    fy.data.assign(Float32Array.from({ length: 47 }, (_, j) => j / 3));
    const op = new Operator([new Inc(fy, g)], { name: 'inc_over_x' });
    const loops = loopsOf(op);
    expect(loops.map((l) => [l.dim!.name, l.parallel !== undefined, l.simd])).toEqual([['y', true, false], ['x', false, false]]);
    const [one, two] = byThreads(op, [fy], fy);
    expect(two.equals(one)).toBe(true);
    // The serial reference: the user's loop order, x outer, every sum rounded to float32.
    const gv = g.data.toArray();
    const ref = Float32Array.from({ length: 47 }, (_, j) => j / 3);
    for (let i = 0; i < 61; i++) for (let j = 0; j < 47; j++) ref[j] = Math.fround(ref[j]! + gv[i * 47 + j]!);
    expect(Buffer.from(bufferOf(fy.data.toArray())).equals(Buffer.from(bufferOf(ref)))).toBe(true);
  });

  it('a sum over y into a field over x, and into both at once (all loops sequential): threads bitwise equal and equal to serial loops', () => {
    const fx = new Function({ name: 'fx', grid, dimensions: [x] });
    const fy = new Function({ name: 'fy', grid, dimensions: [y] });
    const one = new Operator([new Inc(fx, g)], { name: 'inc_over_y' });
    expect(loopsOf(one).map((l) => [l.dim!.name, l.parallel !== undefined])).toEqual([['x', true], ['y', false]]);
    const [a, b] = byThreads(one, [fx], fx);
    expect(b.equals(a)).toBe(true);
    fx.data.fill(0);
    const both = new Operator([new Inc(fx, g), new Inc(fy, g.mul(2))], { name: 'inc_both' });
    expect(loopsOf(both).every((l) => l.parallel === undefined && !l.simd)).toBe(true);
    const [c, d] = byThreads(both, [fx, fy], fy);
    expect(d.equals(c)).toBe(true);
    const gv = g.data.toArray();
    const refX = new Float32Array(61);
    const refY = new Float32Array(47);
    for (let i = 0; i < 61; i++) for (let j = 0; j < 47; j++) {
      refX[i] = Math.fround(refX[i]! + gv[i * 47 + j]!);
      refY[j] = Math.fround(refY[j]! + Math.fround(2 * gv[i * 47 + j]!));
    }
    expect(fx.data.toArray()).toEqual(refX);
    expect(fy.data.toArray()).toEqual(refY);
  });

  it('an increment at the point itself stays parallel and simd, over a time loop too', () => {
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 1 });
    const acc = new Function({ name: 'acc', grid });
    fillSeeded(u.data.raw, 3);
    const op = new Operator([new Eq(u.forward, u.mul(0.5).add(g)), new Inc(acc, u.forward)], { name: 'inc_point' });
    const loops = loopsOf(op);
    expect(loops.map((l) => [l.dim!.name, l.parallel !== undefined, l.simd])).toEqual([['x', true, false], ['y', false, true]]);
    const [one, two] = byThreads(op, [u, acc], acc, { timeMin: 0, timeMax: 4 });
    expect(two.equals(one)).toBe(true);
    // Serial reference of five steps.
    const n = 61 * 47;
    const gv = g.data.toArray();
    const u0 = new Float32Array(n);
    const fresh = new TimeFunction({ name: 'u', grid, timeOrder: 1 });
    fillSeeded(fresh.data.raw, 3);
    u0.set(fresh.data.toArray().subarray(0, n));
    const sum = new Float32Array(n);
    let current = u0;
    for (let t = 0; t < 5; t++) {
      const next = new Float32Array(n);
      for (let p = 0; p < n; p++) {
        next[p] = Math.fround(Math.fround(current[p]! * 0.5) + gv[p]!);
        sum[p] = Math.fround(sum[p]! + next[p]!);
      }
      current = next;
    }
    expect(acc.data.toArray()).toEqual(sum);
  });

  it('a 3D sum over x into a field over (y, z) keeps the stencil passes off its nest and matches a serial loop', () => {
    const grid3 = new Grid({ shape: [9, 10, 11], dtype: 'float64' });
    const [, y3, z3] = grid3.dimensions;
    const h = new Function({ name: 'h', grid: grid3 });
    fillSeeded(h.data.raw, 11);
    const fyz = new Function({ name: 'fyz', grid: grid3, dimensions: [y3!, z3!] });
    const op = new Operator([new Inc(fyz, h.mul(h))], { name: 'inc3d' });
    expect(loopsOf(op).map((l) => [l.dim!.name, l.parallel !== undefined])).toEqual([['y', true], ['z', false], ['x', false]]);
    const [one, two] = byThreads(op, [fyz], fyz);
    expect(two.equals(one)).toBe(true);
    const hv = h.data.toArray();
    const out = fyz.data.toArray();
    for (let j = 0; j < 10; j++) for (let k = 0; k < 11; k++) {
      let s = 0;
      for (let i = 0; i < 9; i++) s += hv[(i * 10 + j) * 11 + k]! ** 2;
      expect(Math.abs(out[j * 11 + k]! - s)).toBeLessThan(1e-12);
    }
  });

  it('reductions under a guard at each point (a condition on values) keep the loops along missing dimensions serial, in 2D and 3D', () => {
    // Each target keeps its last positive value in loop order: any loop along a dimension it lacks
    // run in parallel would race (the verifier, on in tests, rejects such a tree).
    const fx = new Function({ name: 'fx', grid, dimensions: [x] });
    const fy = new Function({ name: 'fy', grid, dimensions: [y] });
    const positive = new ConditionalDimension({ name: 'cpos', parent: y, condition: gt(g, 0) });
    const both = new Operator([new Eq(fx, g, { implicitDims: [positive] }), new Eq(fy, g.mul(2), { implicitDims: [positive] })], { name: 'last_positive' });
    expect(loopsOf(both).every((l) => l.parallel === undefined && !l.simd)).toBe(true);
    const [one, two] = byThreads(both, [fx, fy], fy);
    expect(two.equals(one)).toBe(true);
    const gv = g.data.toArray();
    const refX = new Float32Array(61);
    const refY = new Float32Array(47);
    for (let i = 0; i < 61; i++) for (let j = 0; j < 47; j++) {
      const v = gv[i * 47 + j]!;
      if (v > 0) { refX[i] = v; refY[j] = Math.fround(2 * v); }
    }
    expect(refX.some((v) => v === 0)).toBe(false);
    expect(fx.data.toArray()).toEqual(refX);
    expect(fy.data.toArray()).toEqual(refY);

    // 3D: the nest over x (parallel), y, z is neither blocked (block loops collapse x and y) nor simd.
    const grid3 = new Grid({ shape: [9, 10, 11] });
    const [x3] = grid3.dimensions;
    const h = new Function({ name: 'h', grid: grid3 });
    fillSeeded(h.data.raw, 5);
    const fx3 = new Function({ name: 'fx3', grid: grid3, dimensions: [x3!] });
    const above = new ConditionalDimension({ name: 'cabove', parent: x3!, condition: gt(h, 0) });
    const op = new Operator([new Eq(fx3, h, { implicitDims: [above] })], { name: 'last_positive3d' });
    expect(loopsOf(op).map((l) => [l.dim!.name, l.parallel !== undefined, l.simd])).toEqual([['x', true, false], ['y', false, false], ['z', false, false]]);
    op.apply({ nthreads: 2 });
    const hv = h.data.toArray();
    const ref3 = new Float32Array(9);
    for (let i = 0; i < 9; i++) for (let jk = 0; jk < 110; jk++) if (hv[i * 110 + jk]! > 0) ref3[i] = hv[i * 110 + jk]!;
    expect(fx3.data.toArray()).toEqual(ref3);
  });

  it('equations see a reduced field only once its reduction finished (program order)', () => {
    const fy = new Function({ name: 'fy', grid, dimensions: [y] });
    const before = new Function({ name: 'before', grid });
    const after = new Function({ name: 'after', grid });
    fy.data.fill(1);
    const op = new Operator([new Eq(before, fy), new Inc(fy, 1), new Eq(after, fy)], { name: 'inc_order' });
    expect(op.kernel.sections.length).toBe(3);
    op.apply({});
    expect(before.data.toArray().every((v) => v === 1)).toBe(true);
    expect(after.data.toArray().every((v) => v === 62)).toBe(true);
  });

  it('an Inc onto a reduced field that its value reads is a LoweringError; so are bad dimensions and sparse use', () => {
    const fy = new Function({ name: 'fy', grid, dimensions: [y] });
    expect(() => new Operator([new Inc(fy, fy.mul(g))])).toThrow(LoweringError);
    expect(() => new Operator([new Inc(fy, fy.mul(g))])).toThrow(/accumulates over x .*races in parallel loops/);
    expect(() => new Operator([new Eq(fy, fy.add(g))])).toThrow(LoweringError);
    // At the point itself onto a field over the whole grid, reading the target is fine.
    const acc = new Function({ name: 'acc', grid });
    expect(() => new Operator([new Inc(acc, acc.mul(g))], { name: 'inc_self' })).not.toThrow();
    const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 1, nt: 3, coordinates: [[1, 1]] });
    expect(() => new Operator([rec.interpolate({ expr: fy })])).toThrow(/interpolate rec: fy does not span every grid dimension/);
    expect(() => new Function({ name: 'bad', grid, dimensions: [y, x] })).toThrow(GridMismatchError);
    expect(() => new Function({ name: 'bad', grid, dimensions: [] })).toThrow(GridMismatchError);
    expect(() => new Function({ name: 'bad', grid, dimensions: [new Grid({ shape: [3, 3] }).dimensions[0]!] })).toThrow(GridMismatchError);
  });
});
