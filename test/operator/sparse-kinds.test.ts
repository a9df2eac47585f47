import { describe, expect, it } from 'vitest';
import {
  ApplyArgumentError, Eq, Function, Grid, InvalidArgumentError, Operator, SparseFunction, SparseTimeFunction, TimeFunction, solve,
  type InterpolationKind,
} from '../../src/index.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Every domain index of `shape`, row-major. */
function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) out = out.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return out;
}

/** `grid`'s function values `f(physical point)` in row-major order. */
function sampled(grid: Grid, f: (x: readonly number[]) => number): number[] {
  return indices(grid.shape).map((index) => f(index.map((i, d) => grid.origin[d]! + i * grid.spacing[d]!)));
}

/**
 * Points for the dot tests: random interior ones, and ones on and next to the walls and corners
 * (their sinc stencils leave the domain on one or more axes).
 */
function testPoints(grid: Grid, count: number, seed: number): number[][] {
  const rand = random(seed);
  const { origin, extent, spacing } = grid;
  const points: number[][] = [];
  const axes = origin.length;
  points.push(origin.slice(), origin.map((o, d) => o + extent[d]!));
  points.push(origin.map((o, d) => (d === 0 ? o + 0.3 * spacing[d]! : o + extent[d]! - 1.7 * spacing[d]!)));
  points.push(origin.map((o, d) => (d === axes - 1 ? o + extent[d]! - 0.5 * spacing[d]! : o + 2.25 * spacing[d]!)));
  while (points.length < count) points.push(origin.map((o, d) => o + rand() * extent[d]!));
  return points;
}

/** I0 by its series (written independently of the kernel's). */
function besselI0(x: number): number {
  let [sum, term] = [1, 1];
  for (let k = 1; k < 60; k++) sum += term *= (x * x) / (4 * k * k);
  return sum;
}

/** Hicks (2002): [grid index, weight] of the 2r grid points around coordinate c (unit spacing, origin 0), Kaiser b of his Table 1. */
function hicksWeights(c: number, r: number): [number, number][] {
  const b = ({ 2: 2.94, 3: 4.53, 4: 4.14, 5: 5.26, 6: 6.4, 7: 7.51, 8: 8.56, 9: 9.56, 10: 10.64 } as Record<number, number>)[r]!;
  const lower = Math.floor(c);
  return Array.from({ length: 2 * r }, (_, k) => {
    const i = lower - r + 1 + k;
    const d = c - i;
    const sinc = d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
    return [i, Math.abs(d) >= r ? 0 : (sinc * besselI0(b * Math.sqrt(1 - (d / r) ** 2))) / besselI0(b)];
  });
}

type Kind = { readonly interpolation: InterpolationKind; readonly radius?: number };
const KINDS: readonly Kind[] = [
  { interpolation: 'linear' }, { interpolation: 'nearest' }, { interpolation: 'sinc', radius: 2 }, { interpolation: 'sinc', radius: 4 },
];
const label = (kind: Kind): string => `${kind.interpolation}${kind.radius ?? ''}`;

describe('sparse interpolation kinds: nearest, Kaiser-windowed sinc, and SparseFunction', () => {
  for (const ndim of [2, 3] as const) {
    for (const kind of KINDS) {
      it(`${ndim}D ${label(kind)}: inject is interpolate's transpose, points on and near the walls included: ⟨Iu, d⟩ = ⟨u, Iᵀd⟩ to 1e-12`, () => {
        const shape = [14, 11, 10].slice(0, ndim);
        const grid = new Grid({ shape, extent: shape.map((n) => (n - 1) * 5), origin: [2, -3, 1].slice(0, ndim), dtype: 'float64' });
        const npoint = 12;
        const coordinates = testPoints(grid, npoint, 7 + ndim);
        const u = new Function({ name: 'u', grid });
        const v = new Function({ name: 'v', grid });
        const d = new SparseFunction({ name: 'd', grid, npoint, coordinates, ...kind });
        const q = new SparseFunction({ name: 'q', grid, npoint, coordinates, ...kind });
        fillSeeded(u.data.raw, 11 + ndim);
        fillSeeded(d.data.raw, 23 + ndim);
        const name = `dot_${label(kind)}_${ndim}d`;
        new Operator([q.interpolate({ expr: u })], { name: `${name}_i` }).apply({});
        new Operator([d.inject({ field: v, expr: d })], { name: `${name}_t` }).apply({});
        const [Iu, dv, uv, ITd] = [q.data.toArray(), d.data.toArray(), u.data.toArray(), v.data.toArray()];
        let lhs = 0;
        let rhs = 0;
        for (let p = 0; p < npoint; p++) lhs += Iu[p]! * dv[p]!;
        for (let k = 0; k < uv.length; k++) rhs += uv[k]! * ITd[k]!;
        expect(Math.abs(lhs)).toBeGreaterThan(1e-2);
        expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-12);
      });
    }
  }

  it('a SparseTimeFunction with sinc interpolation passes its dot test in a time loop (u[t] sampled, v[t+1] injected)', () => {
    const grid = new Grid({ shape: [13, 12], extent: [120, 110], dtype: 'float64' });
    const npoint = 9;
    const coordinates = testPoints(grid, npoint, 5);
    const u = new TimeFunction({ name: 'u', grid });
    const v = new TimeFunction({ name: 'v', grid });
    const d = new SparseTimeFunction({ name: 'd', grid, npoint, nt: 2, coordinates, interpolation: 'sinc', radius: 3 });
    const q = new SparseTimeFunction({ name: 'q', grid, npoint, nt: 2, coordinates, interpolation: 'sinc', radius: 3 });
    fillSeeded(u.data.raw, 3);
    fillSeeded(d.data.raw, 4);
    new Operator([q.interpolate({ expr: u })], { name: 'dot_sinc_time_i' }).apply({ timeMin: 1, timeMax: 1 });
    new Operator([d.inject({ field: v.forward, expr: d })], { name: 'dot_sinc_time_t' }).apply({ timeMin: 1, timeMax: 1 });
    const size = grid.size;
    const [uAll, vAll] = [u.data.toArray(), v.data.toArray()];
    let lhs = 0;
    let rhs = 0;
    // Time index 1 lives in slot 1; time index 2 (v.forward of step 1) in slot 0.
    for (let p = 0; p < npoint; p++) lhs += q.data.get(1, p) * d.data.get(1, p);
    for (let k = 0; k < size; k++) rhs += uAll[size + k]! * vAll[k]!;
    expect(Math.abs(lhs)).toBeGreaterThan(1e-2);
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-12);
  });

  it('nearest takes the value of the nearest grid point, bitwise (on grid points, off them, and on the far walls)', () => {
    const grid = new Grid({ shape: [9, 8, 7], extent: [8 * 2.5, 7 * 2.5, 6 * 2.5], origin: [1, 2, -3], dtype: 'float64' });
    const npoint = 14;
    const rand = random(99);
    const coordinates = Array.from({ length: npoint }, (_, p) => grid.origin.map((o, d) =>
      p < 4 ? o + Math.floor(rand() * grid.shape[d]!) * grid.spacing[d]! : p === 4 ? o + grid.extent[d]! : o + rand() * grid.extent[d]!));
    const f = new Function({ name: 'f', grid });
    fillSeeded(f.data.raw, 42);
    const s = new SparseFunction({ name: 's', grid, npoint, coordinates, interpolation: 'nearest' });
    new Operator([s.interpolate({ expr: f })], { name: 'nearest_values' }).apply({});
    coordinates.forEach((point, p) => {
      const nearest = point.map((c, d) => {
        const pos = (c - grid.origin[d]!) / grid.spacing[d]!;
        const idx = pos >= grid.shape[d]! - 1 ? grid.shape[d]! - 2 : Math.floor(pos);
        return pos - idx < 0.5 ? idx : idx + 1;
      });
      expect(s.data.get(p)).toBe(f.data.get(...nearest));
    });
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`sinc (radius 4, ${dtype}) reproduces grid values exactly at grid points, next to the walls too`, () => {
      const grid = new Grid({ shape: [12, 10], extent: [11 * 0.5, 9 * 0.5], origin: [-1, 3], dtype });
      const points = [[0, 0], [11, 9], [1, 8], [5, 4], [10, 2], [3, 9], [6, 1]];
      const coordinates = points.map((index) => index.map((i, d) => grid.origin[d]! + i * grid.spacing[d]!));
      const f = new Function({ name: 'f', grid });
      fillSeeded(f.data.raw, 17);
      const s = new SparseFunction({ name: 's', grid, npoint: points.length, coordinates, interpolation: 'sinc' });
      new Operator([s.interpolate({ expr: f })], { name: `sinc_on_grid_${dtype}` }).apply({});
      points.forEach((index, p) => expect(s.data.get(p)).toBe(f.data.get(...index)));
    });
  }

  it('sinc interpolation of a smooth band-limited Function (no time loop): Hicks\' weights to 1e-13, errors far below linear', () => {
    // Wavelengths of 8 and 10 grid spacings (a quarter and a fifth of Nyquist), points at least 8 spacings from the walls.
    const grid = new Grid({ shape: [40, 36], extent: [39, 35], dtype: 'float64' });
    const f = (x: readonly number[]): number => Math.sin((2 * Math.PI * x[0]!) / 8 + 0.3) * Math.cos((2 * Math.PI * x[1]!) / 10 - 0.2);
    const u = new Function({ name: 'u', grid });
    u.data.assign(sampled(grid, f));
    const rand = random(3);
    const npoint = 30;
    const coordinates = Array.from({ length: npoint }, () => grid.extent.map((e) => 8 + rand() * (e - 16)));
    const interpolate = (kind: Kind, name: string): number[] => {
      const s = new SparseFunction({ name: 's', grid, npoint, coordinates, ...kind });
      new Operator([s.interpolate({ expr: u })], { name }).apply({});
      return Array.from(s.data.toArray());
    };
    const maxError = (values: readonly number[]): number => Math.max(...coordinates.map((point, p) => Math.abs(values[p]! - f(point))));
    const sinc4 = interpolate({ interpolation: 'sinc', radius: 4 }, 'smooth_sinc4');
    const sinc8 = interpolate({ interpolation: 'sinc', radius: 8 }, 'smooth_sinc8');
    const linear = interpolate({ interpolation: 'linear' }, 'smooth_linear');
    // The kernel's weights are Hicks' (an independent evaluation here, separable per axis).
    coordinates.forEach((point, p) => {
      const [wx, wy] = point.map((c) => hicksWeights(c, 4));
      let want = 0;
      for (const [i, a] of wx!) for (const [j, b] of wy!) want += a * b * u.data.get(i, j);
      expect(Math.abs(sinc4[p]! - want)).toBeLessThan(1e-13);
    });
    // Measured: linear 0.088, sinc radius 4 (b = 4.14) 5.5e-3, radius 8 2.1e-5 (Hicks' windows trade accuracy for bandwidth).
    expect(maxError(linear)).toBeGreaterThan(0.05);
    expect(maxError(sinc4)).toBeLessThan(8e-3);
    expect(maxError(sinc4)).toBeLessThan(maxError(linear) / 10);
    expect(maxError(sinc8)).toBeLessThan(1e-4);
  });

  it('SparseFunction interpolates a Function with no time loop, equal to the direct evaluation of a linear function', () => {
    const grid = new Grid({ shape: [11, 9, 8], extent: [20, 16, 14], origin: [1, 0, -2], dtype: 'float64' });
    const linear = (x: readonly number[]): number => 0.25 + 1.5 * x[0]! - 0.75 * x[1]! + 2 * x[2]!;
    const f = new Function({ name: 'f', grid });
    f.data.assign(sampled(grid, linear));
    const coordinates = testPoints(grid, 10, 8);
    const s = new SparseFunction({ name: 's', grid, npoint: coordinates.length, coordinates });
    const op = new Operator([s.interpolate({ expr: f.mul(2) })], { name: 'sparse_function_linear' });
    expect(op.kernel.parameters.some((p) => p.kind === 'timeBound')).toBe(false);
    expect(s.data.shape).toEqual([coordinates.length]);
    op.apply({});
    coordinates.forEach((point, p) => expect(Math.abs(s.data.get(p) - 2 * linear(point))).toBeLessThan(1e-12));
  });

  it('inside a time loop a SparseFunction injects the same values every step: bitwise a SparseTimeFunction with constant samples', () => {
    const grid = new Grid({ shape: [15, 13], extent: [140, 120], dtype: 'float32' });
    const coordinates = [[33.3, 47.1], [100.5, 12.25], [70, 60]];
    const run = (sparse: SparseFunction | SparseTimeFunction, name: string): { u: Buffer; rec: Float64Array } => {
      const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
      const rec = new SparseFunction({ name: 'rec', grid, npoint: 3, coordinates, interpolation: 'nearest' });
      const update = new Eq(u.forward, solve(u.dt2.sub(u.laplace.mul(0.5)), u.forward));
      new Operator([update, sparse.inject({ field: u.forward, expr: sparse.mul(0.1) }), rec.interpolate({ expr: u.forward })], { name }).apply({ timeMin: 1, timeMax: 6, dt: 2 });
      return { u: bufferOf(u.data.raw.slice()), rec: Float64Array.from(rec.data.toArray()) };
    };
    const constant = new SparseFunction({ name: 'src', grid, npoint: 3, coordinates, interpolation: 'sinc', radius: 2 });
    constant.data.assign([1, -2, 0.5]);
    const timed = new SparseTimeFunction({ name: 'src', grid, npoint: 3, nt: 8, coordinates, interpolation: 'sinc', radius: 2 });
    for (let t = 0; t < 8; t++) [1, -2, 0.5].forEach((value, p) => timed.data.set(t, p, value));
    const a = run(constant, 'sf_in_time_loop');
    const b = run(timed, 'stf_in_time_loop');
    expect(a.u.equals(b.u)).toBe(true);
    expect([...a.rec]).toEqual([...b.rec]);
    expect(Math.max(...a.rec.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('sinc names its helpers through the C name registry: a Function called kaiser_sinc and points called wsinc_x still work', () => {
    const grid = new Grid({ shape: [8, 8], extent: [7, 7], dtype: 'float64' });
    const f = new Function({ name: 'kaiser_sinc', grid });
    fillSeeded(f.data.raw, 5);
    const s = new SparseFunction({ name: 'wsinc_x', grid, npoint: 2, coordinates: [[3, 4], [7, 0]], interpolation: 'sinc', radius: 3 });
    const op = new Operator([s.interpolate({ expr: f })], { name: 'sinc_names' });
    expect(op.ccode).toContain('static double kaiser_sinc_1(');
    op.apply({});
    expect([s.data.get(0), s.data.get(1)]).toEqual([f.data.get(3, 4), f.data.get(7, 0)]);
  });

  it('a SparseFunction point moved outside the domain in place is rejected before C runs', () => {
    const grid = new Grid({ shape: [6, 6], extent: [5, 5], dtype: 'float64' });
    const f = new Function({ name: 'f', grid });
    const s = new SparseFunction({ name: 's', grid, npoint: 1, coordinates: [[2, 2]], interpolation: 'nearest' });
    const op = new Operator([s.inject({ field: f, expr: s })], { name: 'sf_outside' });
    s.coordinates[0] = 5.5;
    s.data.fill(1);
    expect(() => op.apply({})).toThrow(ApplyArgumentError);
    expect(() => op.apply({})).toThrow(/s point 0 has x = 5.5, outside the domain \[0, 5\]/);
    expect(f.data.toArray().every((value) => value === 0)).toBe(true);
  });

  it('rejects bad interpolation options with InvalidArgumentError before any C runs', () => {
    const grid = new Grid({ shape: [10, 7], extent: [9, 6] });
    const base = { name: 's', grid, npoint: 1, coordinates: [[1, 1]] };
    const bad: [object, RegExp][] = [
      [{ interpolation: 'cubic' }, /unknown interpolation "cubic"; use 'linear', 'nearest' or 'sinc'/],
      [{ interpolation: 'sinc', radius: 1 }, /integer from 2 to 10.*got 1/],
      [{ interpolation: 'sinc', radius: 0 }, /got 0/],
      [{ interpolation: 'sinc', radius: 11 }, /got 11/],
      [{ interpolation: 'sinc', radius: 2.5 }, /got 2.5/],
      [{ interpolation: 'sinc', radius: 4 }, /radius 4 spans 8 grid points.*axis 1 of the grid has 7; use radius <= 3/],
      [{ radius: 2 }, /radius applies to interpolation 'sinc' only/],
      [{ interpolation: 'linear', radius: 2 }, /radius applies to interpolation 'sinc' only/],
      [{ interpolation: 'nearest', radius: 3 }, /radius applies to interpolation 'sinc' only/],
    ];
    for (const [options, message] of bad) {
      expect(() => new SparseFunction({ ...base, ...options } as never)).toThrow(InvalidArgumentError);
      expect(() => new SparseTimeFunction({ ...base, nt: 2, ...options } as never)).toThrow(message);
    }
    expect(() => new SparseFunction({ ...base, nt: 3 } as never)).toThrow(/no time axis; drop nt/);
    expect(new SparseFunction({ ...base, interpolation: 'sinc', radius: 3 }).interpolation).toEqual({ kind: 'sinc', radius: 3 });
    expect(new SparseTimeFunction({ ...base, nt: 1 }).interpolation).toEqual({ kind: 'linear' });
  });
});

describe('sparse interpolation kinds under time tiling', () => {
  /** Forward modelling in 3D with sources and receivers of one kind; the written fields' bytes after `steps` steps. */
  function seismic(kind: Kind, passes: { timeTiling?: boolean }, name: string): { op: Operator; run: (args: Record<string, number>) => Buffer[] } {
    const shape = [21, 9, 17];
    const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype: 'float32' });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const m = new Function({ name: 'm', grid, spaceOrder: 4 });
    const coordinates = testPoints(grid, 9, 31);
    const src = new SparseTimeFunction({ name: 'src', grid, npoint: 9, nt: 12, coordinates, ...kind });
    const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 9, nt: 12, coordinates: coordinates.slice().reverse(), ...kind });
    const op = new Operator([
      new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward)),
      src.inject({ field: u.forward, expr: src.div(m) }),
      rec.interpolate({ expr: u }),
    ], { name, passes });
    const run = (args: Record<string, number>): Buffer[] => {
      fillSeeded(u.data.raw, 5);
      fillSeeded(src.data.raw, 6);
      fillSeeded(m.data.raw, 7, 1);
      op.apply({ timeMin: 1, timeMax: 10, dt: 0.5, ...args });
      return [bufferOf(u.data.raw.slice()), bufferOf(rec.data.raw.slice())];
    };
    return { op, run };
  }
  const tiled = (op: Operator): boolean => op.kernel.parameters.some((p) => p.name === 'time_tile_size');

  it('nearest is time-tiled, bitwise the untiled loop for several tile sizes; sinc stays untiled (its stencil spans 2·radius planes)', () => {
    const want = seismic({ interpolation: 'nearest' }, { timeTiling: false }, 'tt_nearest_off').run({});
    const on = seismic({ interpolation: 'nearest' }, {}, 'tt_nearest_on');
    expect(tiled(on.op)).toBe(true);
    for (const tiles of [{ time_tile_size: 3, x_wave_size: 2, nthreads: 2 }, { time_tile_size: 5, x_wave_size: 1, nthreads: 1 }, { time_tile_size: 10, x_wave_size: 7, nthreads: 2 }]) {
      const got = on.run(tiles);
      got.forEach((buffer, i) => expect(buffer.equals(want[i]!), `${JSON.stringify(tiles)} field ${i}`).toBe(true));
    }
    expect(tiled(seismic({ interpolation: 'sinc', radius: 2 }, {}, 'tt_sinc').op)).toBe(false);
    expect(tiled(seismic({ interpolation: 'linear' }, {}, 'tt_linear').op)).toBe(true);
  });
});
