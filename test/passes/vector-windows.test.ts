import { describe, expect, it } from 'vitest';
import { Eq, Function, Grid, Operator, TimeFunction, solve, sqrt, type Expr } from '../../src/index.ts';
import type { TimeFunction as TimeFunctionType } from '../../src/dsl/functions.ts';
import { DEFAULT_FLAGS } from '../../src/jit/compiler.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

type Dtype = 'float32' | 'float64';

interface Case {
  readonly label: string;
  readonly build: (vectorWindows: boolean) => { op: Operator; fields: TimeFunctionType[]; coefficients: Function[] };
  /** Whether the pass should have produced a vector loop with shifted windows. */
  readonly windows: boolean;
}

function acoustic(shape: number[], spaceOrder: number, dtype: Dtype, name: string, jam = true, flags?: readonly string[], timeTiling = true) {
  return (vectorWindows: boolean) => {
    const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder });
    const m = new Function({ name: 'm', grid, spaceOrder, halo: 0 });
    const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: `${name}_${vectorWindows}`, passes: { vectorWindows, jam, timeTiling }, compiler: flags ? { flags } : {} });
    return { op, fields: [u], coefficients: [m] };
  };
}

/** Velocity then pressure: the pressure update reads the velocity just stored, at shifted points. */
function staggered(vectorWindows: boolean) {
  const grid = new Grid({ shape: [9, 8, 41], extent: [80, 70, 400], dtype: 'float32' });
  const [, , z] = grid.dimensions;
  const p = new TimeFunction({ name: 'p', grid, timeOrder: 1, spaceOrder: 4 });
  const vz = new TimeFunction({ name: 'vz', grid, timeOrder: 1, spaceOrder: 4 });
  const velocity = new Eq(vz.forward, solve(vz.dt.add(p.diff(z!, 1, { shift: 0.5 })), vz.forward));
  const pressure = new Eq(p.forward, solve(p.dt.add((vz.forward.diff(z!, 1, { shift: -0.5 }) as Expr).mul(2.25)), p.forward));
  const op = new Operator([velocity, pressure], { name: `staggered_${vectorWindows}`, passes: { vectorWindows } });
  return { op, fields: [p, vz], coefficients: [] };
}

/** A math function in the update: the vector printer has no vector sqrt, so the pass leaves the nest alone. */
function withSqrt(vectorWindows: boolean) {
  const grid = new Grid({ shape: [7, 6, 35], extent: [60, 50, 340], dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
  const c = new Function({ name: 'c', grid, spaceOrder: 2 });
  const op = new Operator([new Eq(u.forward, solve(u.dt.sub(sqrt(c).mul(u.laplace)), u.forward))], { name: `sqrt_${vectorWindows}`, passes: { vectorWindows } });
  return { op, fields: [u], coefficients: [c] };
}

const CASES: Case[] = [
  // Rows of 45 and 29 points: whole passes of 16 (8 for float64) and a remainder.
  { label: '3D acoustic spaceOrder 8, float32, 45-point rows, not jammed', build: acoustic([10, 9, 45], 8, 'float32', 'ac8', false), windows: true },
  // The same C built for a CPU without AVX-512: the #else branch, all points in the simd loop.
  {
    label: '3D acoustic spaceOrder 8, built with -march=x86-64-v3 (no AVX-512)',
    build: acoustic([10, 9, 45], 8, 'float32', 'ac8avx2', false, DEFAULT_FLAGS.map((f) => (f === '-march=native' ? '-march=x86-64-v3' : f))),
    windows: true,
  },
  // Jammed 4 times (reach 4 along x, untiled): the simd loop is kept.
  { label: '3D acoustic spaceOrder 8, float32, jammed 4 times', build: acoustic([10, 9, 45], 8, 'float32', 'ac8j', true, undefined, false), windows: false },
  // Time-tiled, the same nest is jammed twice and gets the vector loop.
  { label: '3D acoustic spaceOrder 8, float32, time-tiled, jammed twice', build: acoustic([10, 9, 45], 8, 'float32', 'ac8t'), windows: true },
  { label: '3D acoustic spaceOrder 4, float64, 29-point rows', build: acoustic([8, 7, 29], 4, 'float64', 'ac4'), windows: true },
  { label: '2D acoustic spaceOrder 12, float32, 53-point rows', build: acoustic([20, 53], 12, 'float32', 'ac12'), windows: true },
  // Halo 8 = one float64 vector: the outermost neighbours are the a and c vectors themselves.
  { label: '3D acoustic spaceOrder 16, float64, halo of one whole vector', build: acoustic([6, 5, 27], 16, 'float64', 'ac16'), windows: true },
  { label: '3D staggered velocity/pressure, float32', build: staggered, windows: true },
  { label: '3D diffusion with sqrt of a field', build: withSqrt, windows: false },
];

/** Deterministic data in every field and coefficient (halo included), then `steps` steps; the fields' bytes. */
function run({ op, fields, coefficients }: ReturnType<Case['build']>, steps: number): Buffer[] {
  fields.forEach((f, i) => fillSeeded(f.data.raw, 12345 + i));
  coefficients.forEach((c, i) => fillSeeded(c.data.raw, 777 + i, 1));
  const timeMin = fields[0]!.timeOrder === 2 ? 1 : 0;
  op.apply({ timeMin, timeMax: timeMin + steps - 1, dt: 0.5, nthreads: 2 });
  return fields.map((f) => bufferOf(f.data.raw.slice()));
}

describe('vector windows: explicit vectors along rows, stencil neighbours shifted in registers', () => {
  it.each(CASES)('$label: results bitwise equal to the omp simd loop', ({ build, windows }) => {
    const on = build(true);
    const off = build(false);
    expect(on.op.ccode.includes('SHIFT(')).toBe(windows);
    expect(on.op.ccode.includes('VSTORE(')).toBe(windows);
    expect(off.op.ccode.includes('VLOAD(')).toBe(false);
    const withPass = run(on, 6);
    const without = run(off, 6);
    withPass.forEach((bytes, i) => expect(bytes.equals(without[i]!)).toBe(true));
    // The fields moved: the comparison is not between untouched arrays.
    const again = run(on, 1);
    expect(again[0]!.equals(withPass[0]!)).toBe(false);
  });
});

describe('vector loops of equations whose value reads no field', () => {
  it('2D: a = 3b; b = 2 compiles (the constant is broadcast) and gives a = 3·old b, b = 2', () => {
    const grid = new Grid({ shape: [11, 11], extent: [10, 10] });
    const a = new Function({ name: 'a', grid });
    const b = new Function({ name: 'b', grid });
    b.data.fill(5);
    const op = new Operator([new Eq(a, b.mul(3)), new Eq(b, 2)], { name: 'splat_2d' });
    expect(op.ccode).toContain('VSTORE(&b[x + 1][y + 1], VSPLAT(2.0F));');
    op.apply({});
    expect([...new Set(a.data.toArray())]).toEqual([15]);
    expect([...new Set(b.data.toArray())]).toEqual([2]);
  });

  it('3D: f = h_x beside a time update, bitwise the simd loop', () => {
    const results = [true, false].map((vectorWindows) => {
      const grid = new Grid({ shape: [6, 5, 37], extent: [10, 8, 72], dtype: 'float64' });
      const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
      const f = new Function({ name: 'f', grid });
      fillSeeded(u.data.raw, 3);
      const op = new Operator([new Eq(f, grid.dimensions[0]!.spacing), new Eq(u.forward, u.add(u.dx2.mul(0.1)).add(f))], { name: `splat_3d_${vectorWindows}`, passes: { vectorWindows } });
      expect(op.ccode.includes('VSPLAT(')).toBe(vectorWindows);
      op.apply({ timeMin: 0, timeMax: 3 });
      return [bufferOf(u.data.raw), bufferOf(f.data.raw)];
    });
    expect(results[0]![0]!.equals(results[1]![0]!)).toBe(true);
    expect(results[0]![1]!.equals(results[1]![1]!)).toBe(true);
  });
});
