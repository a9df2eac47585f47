import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApplyArgumentError, Eq, Function, Grid, Operator, SparseTimeFunction, TimeFunction, solve, type ApplyArgs, type Expr, type PassOptions } from '../../src/index.ts';
import type { AccessExpr } from '../../src/dsl/expr.ts';
import type { Iteration, SparsePoints } from '../../src/ir/tree.ts';
import { isIteration, isNest, nodesOf, sectionsOf } from '../../src/ir/visit.ts';
import { timeTilingPlan } from '../../src/passes/time-tiling.ts';
import { candidateBlockShapes, candidateTimeTiles } from '../../src/runtime/autotune.ts';
import { bufferOf, fillSeeded } from '../helpers.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'devito-ts-time-tiling-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

type Dtype = 'float32' | 'float64';

/** The loop tree's time tiling, read off its wave loop (`x_wave ≤ x_M + skew·(tile_steps − 1)`), or undefined when untiled. */
function tilingOf(op: Operator): { skew: number } | undefined {
  const wave = nodesOf(op.kernel.body, isIteration).find((loop) => loop.role === 'wave');
  if (!wave) return undefined;
  const upper = wave.upper;
  if (upper.kind === 'var') return { skew: 0 };
  const term = upper.kind === 'add' ? upper.terms[1] : undefined;
  if (term?.kind !== 'mul' || term.factors[0]!.kind !== 'int') throw new Error('unexpected wave bound');
  return { skew: term.factors[0].value };
}

/** The untiled time loop of an operator's kernel. */
function timeLoopOf(op: Operator): Iteration {
  const loop = nodesOf(op.kernel.body, isIteration).find((node) => node.role === 'time');
  if (!loop) throw new Error('no untiled time loop');
  return loop;
}

/**
 * Where each section of a tiled step works: 'nest', or for a sparse loop whether an injection
 * leads the wave and which plane places an interpolated point (its wave order's shift).
 */
function placements(op: Operator): (string | [boolean | undefined, number | undefined])[] {
  const orders = nodesOf(op.kernel.body, (node) => node.kind === 'waveOrder');
  return sectionsOf(op.kernel).map((section) => {
    if (isNest(section)) return 'nest';
    const sparse = section.body[0] as SparsePoints;
    const lead = sparse.planes?.lower.kind === 'select' ? true : undefined;
    const order = orders.find((node) => node.kind === 'waveOrder' && node.sparse === sparse.sparse);
    return [lead, order?.kind === 'waveOrder' ? order.shift : undefined];
  });
}


interface Problem {
  readonly op: Operator;
  /** Fields and receivers the kernel writes, compared bitwise. */
  readonly written: readonly (TimeFunction | Function | SparseTimeFunction)[];
  /** Fields and sources it only reads. */
  readonly coefficients: readonly (Function | TimeFunction | SparseTimeFunction)[];
  readonly timeMin: number;
}

/** m·u.dt2 − Δu = 0, forward (u.forward) or adjoint-style backward (u.backward). */
function acoustic(shape: number[], spaceOrder: number, dtype: Dtype, direction: 'forward' | 'backward', passes: Partial<PassOptions>, name: string): Problem {
  const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder });
  const m = new Function({ name: 'm', grid, spaceOrder });
  const target = direction === 'forward' ? u.forward : u.backward;
  const op = new Operator([new Eq(target, solve(m.mul(u.dt2).sub(u.laplace), target))], { name, passes, compiler: { cacheDir } });
  return { op, written: [u], coefficients: [m], timeMin: 1 };
}

/**
 * Two fields in one nest, each reading the other's previous step across x (reach 3 and 1), and a
 * gradient-like Function accumulated every step: skew 3, the accumulation in time order per point.
 */
function coupled(passes: Partial<PassOptions>, name: string): Problem {
  const grid = new Grid({ shape: [19, 14, 37], extent: [180, 130, 360], dtype: 'float64' });
  const [x] = grid.dimensions;
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 6 });
  const v = new TimeFunction({ name: 'v', grid, timeOrder: 1, spaceOrder: 2 });
  const g = new Function({ name: 'g', grid, spaceOrder: 2 });
  const c = new Function({ name: 'c', grid, spaceOrder: 2 });
  const eqs = [
    new Eq(u.forward, u.add(v.laplace.mul(0.01)).add((u.diff(x!, 1) as Expr).mul(0.001))),
    new Eq(v.forward, v.add(u.laplace.mul(c).mul(0.01))),
    new Eq(g, g.add(u.forward.mul(v.forward))),
  ];
  const op = new Operator(eqs, { name, passes, compiler: { cacheDir } });
  return { op, written: [u, v, g], coefficients: [c], timeMin: 0 };
}

/** Velocity, then pressure reading the velocity just stored along z only: tiled with skew 0. */
function staggeredAlongZ(passes: Partial<PassOptions>, name: string): Problem {
  const grid = new Grid({ shape: [13, 8, 41], extent: [120, 70, 400], dtype: 'float32' });
  const [, , z] = grid.dimensions;
  const p = new TimeFunction({ name: 'p', grid, timeOrder: 1, spaceOrder: 4 });
  const vz = new TimeFunction({ name: 'vz', grid, timeOrder: 1, spaceOrder: 4 });
  const velocity = new Eq(vz.forward, solve(vz.dt.add(p.diff(z!, 1, { shift: 0.5 })), vz.forward));
  const pressure = new Eq(p.forward, solve(p.dt.add((vz.forward.diff(z!, 1, { shift: -0.5 }) as Expr).mul(2.25)), p.forward));
  const op = new Operator([velocity, pressure], { name, passes, compiler: { cacheDir } });
  return { op, written: [p, vz], coefficients: [], timeMin: 0 };
}

/**
 * Forward modelling with sources and receivers: seven sources (three on one grid point, so the
 * order of their additions shows), 60 receivers on every plane along x including both ends.
 * `sampleNext` makes the receivers sample u[t+1] after the injection (a point's upper plane
 * then decides its wave).
 */
function seismic(passes: Partial<PassOptions>, name: string, sampleNext = false): Problem {
  const shape = [29, 17, 33];
  const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 8 });
  const m = new Function({ name: 'm', grid, spaceOrder: 8 });
  const sources = Float64Array.from({ length: 21 }, (_, i) => {
    const [p, axis] = [Math.floor(i / 3), i % 3];
    if (axis === 0) return p % 3 === 0 ? 100.3 : (13 + 37.1 * p) % 280;
    return axis === 1 ? 40.7 + (p % 2) * 0.5 : 150.2 + (p % 2) * 3;
  });
  const receivers = Float64Array.from({ length: 180 }, (_, i) => {
    const [p, axis] = [Math.floor(i / 3), i % 3];
    if (axis === 0) return p === 0 ? 280 : p === 1 ? 0 : (4.83 * p) % 280;
    return axis === 1 ? 80.5 : (17.3 * p) % 320;
  });
  const src = new SparseTimeFunction({ name: 'src', grid, npoint: 7, nt: 16, coordinates: sources });
  const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 60, nt: 16, coordinates: receivers });
  const eqs = [
    new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward)),
    src.inject({ field: u.forward, expr: src.mul(0.3).div(m) }),
    rec.interpolate({ expr: sampleNext ? u.forward : u }),
  ];
  const op = new Operator(eqs, { name, passes, compiler: { cacheDir } });
  return { op, written: [u, rec], coefficients: [m, src], timeMin: 1 };
}

/**
 * The adjoint's pattern, backwards in time: receivers' data added to v[t] (which the step before
 * wrote) before the update that reads it across x, then v[t+1] sampled at the sources.
 */
function adjointLike(passes: Partial<PassOptions>, name: string): Problem {
  const shape = [27, 15, 31];
  const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype: 'float64' });
  const v = new TimeFunction({ name: 'v', grid, timeOrder: 2, spaceOrder: 6 });
  const m = new Function({ name: 'm', grid, spaceOrder: 6 });
  const receivers = Float64Array.from({ length: 120 }, (_, i) => {
    const [p, axis] = [Math.floor(i / 3), i % 3];
    if (axis === 0) return p === 0 ? 260 : p === 1 ? 0 : p % 5 === 0 ? 100.3 : (6.71 * p) % 260;
    return axis === 1 ? 70.5 : (23.3 * p) % 300;
  });
  const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 40, nt: 16, coordinates: receivers });
  const srca = new SparseTimeFunction({ name: 'srca', grid, npoint: 40, nt: 16, coordinates: receivers });
  const eqs = [
    rec.inject({ field: v, expr: rec.mul(0.3).div(m) }),
    new Eq(v.backward, solve(m.mul(v.dt2).sub(v.laplace), v.backward)),
    srca.interpolate({ expr: v.forward }),
  ];
  const op = new Operator(eqs, { name, passes, compiler: { cacheDir } });
  return { op, written: [v, srca], coefficients: [m, rec], timeMin: 1 };
}

/** A forward run that saves every step (save: 16): no ring buffer, the full history is written. */
function saved(passes: Partial<PassOptions>, name: string): Problem {
  const grid = new Grid({ shape: [17, 11, 23], extent: [160, 100, 220], dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4, save: 16 });
  const m = new Function({ name: 'm', grid, spaceOrder: 4 });
  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name, passes, compiler: { cacheDir } });
  return { op, written: [u], coefficients: [m], timeMin: 1 };
}

/** Same start in every field, `steps` steps (clamped by saved buffers), the written fields' bytes. */
function run(problem: Problem, steps: number, args: ApplyArgs = {}): Buffer[] {
  problem.written.forEach((field, i) => fillSeeded(field.data.raw, 1000 + i));
  problem.coefficients.forEach((field, i) => fillSeeded(field.data.raw, 77 + i, 1));
  problem.op.apply({ timeMin: problem.timeMin, timeMax: problem.timeMin + steps - 1, dt: 0.5, ...args });
  return problem.written.map((field) => bufferOf(field.data.raw.slice()));
}

describe('time tiling: several steps per sweep of the grid, results bitwise those of the untiled loop', () => {
  it('tiles 3D loops with the skew of their reach along x, and leaves ineligible loops untiled', () => {
    for (const [so, skew] of [[4, 2], [8, 4], [12, 6]] as const) {
      const { op } = acoustic([20, 9, 33], so, 'float32', 'forward', {}, `tt_skew${so}`);
      expect(tilingOf(op)?.skew).toBe(skew);
      expect(timeTilingPlan(timeLoopOf(acoustic([20, 9, 33], so, 'float32', 'forward', { timeTiling: false }, `tt_skew${so}_plan`).op))?.skew).toBe(skew);
      expect(op.ccode).toContain(`const int x_wave_M = MIN(x_M, x_wave + x_wave_size - 1 - ${skew}*tile_step);`);
      expect(op.kernel.parameters.filter((p) => p.kind === 'blockSize').map((p) => p.name)).toEqual(['x0_blk0_size', 'y0_blk0_size', 'time_tile_size', 'x_wave_size']);
    }
    expect(tilingOf(coupled({}, 'tt_coupled_skew').op)?.skew).toBe(3);
    expect(tilingOf(staggeredAlongZ({}, 'tt_stag_skew').op)?.skew).toBe(0);
    expect(tilingOf(acoustic([20, 9, 33], 8, 'float32', 'forward', { timeTiling: false }, 'tt_off').op)).toBeUndefined();

    // 2D: untiled.
    const grid2 = new Grid({ shape: [30, 40], extent: [290, 390] });
    const u2 = new TimeFunction({ name: 'u', grid: grid2, timeOrder: 2, spaceOrder: 4 });
    const op2 = new Operator([new Eq(u2.forward, solve(u2.dt2.sub(u2.laplace), u2.forward))], { name: 'tt_2d', compiler: { cacheDir } });
    expect(tilingOf(op2)).toBeUndefined();
    expect(op2.ccode).not.toContain('time_tile');

    // Sources and receivers: tiled; the receivers' wave shift says which plane places a point.
    const sampling = (next: boolean) => placements(seismic({}, `tt_rec_${next}`, next).op);
    expect(sampling(false)).toEqual(['nest', [undefined, undefined], [undefined, 0]]);
    expect(sampling(true)).toEqual(['nest', [undefined, undefined], [undefined, 1]]);
    expect(seismic({}, 'tt_rec_code').op.ccode).toContain('if (x >= x_wave_m && x <= x_wave_M) u[t1][x + 4][y + 4][z + 4] += weight*(');

    // The adjoint's pattern, a source added to the data the step before wrote, ahead of the update
    // that reads it: tiled, the injection leading the wave.
    expect(placements(adjointLike({}, 'tt_adj_plan').op)).toEqual([[true, undefined], 'nest', [undefined, 0]]);

    // Untiled: a source added to the step before's data after this step read it; a receiver
    // sampling u[t+1] before a source adds to it; a receiver sampling the data a leading source
    // adds to in the next step.
    const grid = new Grid({ shape: [12, 10, 9], extent: [110, 90, 80] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const src = new SparseTimeFunction({ name: 'src', grid, npoint: 1, nt: 10, coordinates: Float64Array.of(50, 40, 40) });
    const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: 1, nt: 10, coordinates: Float64Array.of(50, 40, 40) });
    const update = new Eq(u.forward, solve(u.dt2.sub(u.laplace), u.forward));
    const after = new Operator([update, src.inject({ field: u, expr: src })], { name: 'tt_src_after', compiler: { cacheDir } });
    expect(tilingOf(after)).toBeUndefined();
    expect(after.kernel.parameters.some((p) => p.name === 'time_tile_size')).toBe(false);
    const late = new Operator([update, rec.interpolate({ expr: u.forward }), src.inject({ field: u.forward, expr: src })], { name: 'tt_src_late', compiler: { cacheDir } });
    expect(tilingOf(late)).toBeUndefined();
    const twice = new Operator([update, rec.interpolate({ expr: u }), rec.interpolate({ expr: u.forward })], { name: 'tt_rec_twice', compiler: { cacheDir } });
    expect(tilingOf(twice)).toBeUndefined();
    const sampleOnly = new Operator([rec.interpolate({ expr: u })], { name: 'tt_sample_only', compiler: { cacheDir } });
    expect(tilingOf(sampleOnly)).toBeUndefined();
    const sampledNext = new Operator([src.inject({ field: u, expr: src }), update, rec.interpolate({ expr: u.forward })], { name: 'tt_src_next', compiler: { cacheDir } });
    expect(tilingOf(sampledNext)).toBeUndefined();

    // A later update overwriting what a receiver read (fuzz seed 100217): tiled, a wave would
    // overwrite plane idx + 1 of a point the next wave interpolates. Untiled, and right.
    const overwritten = (passes: Partial<PassOptions>, name: string) => {
      const g = new Grid({ shape: [9, 7, 7], extent: [16, 3, 12], dtype: 'float64' });
      const f = new Function({ name: 'f', grid: g, spaceOrder: 4 });
      const w = new TimeFunction({ name: 'w', grid: g, spaceOrder: 4 });
      const s = new SparseTimeFunction({ name: 's', grid: g, npoint: 2, nt: 3, coordinates: [[14.86, 1.5, 6], [3.1, 2.2, 7.7]] });
      fillSeeded(f.data.raw, 3);
      fillSeeded(w.data.raw, 4);
      const op = new Operator([new Eq(w, f.dz), s.interpolate({ expr: f.mul(w.backward.add(0.1)) }), new Eq(f, w)], { name, passes, compiler: { cacheDir } });
      op.apply({ timeMin: 1, timeMax: 2, dt: 0.5, nthreads: 1 });
      return { op, samples: Buffer.from(bufferOf(s.data.raw)) };
    };
    const tiledTry = overwritten({}, 'tt_overwritten');
    expect(tilingOf(tiledTry.op)).toBeUndefined();
    expect(tiledTry.samples.equals(overwritten({ timeTiling: false }, 'tt_overwritten_off').samples)).toBe(true);

    // Pressure reading the velocity of the same step across x: untiled (the wave has not computed it yet).
    const [x] = grid.dimensions;
    const p = new TimeFunction({ name: 'p', grid, timeOrder: 1, spaceOrder: 4 });
    const vx = new TimeFunction({ name: 'vx', grid, timeOrder: 1, spaceOrder: 4 });
    const velocity = new Eq(vx.forward, solve(vx.dt.add(p.diff(x!, 1, { shift: 0.5 })), vx.forward));
    const pressure = new Eq(p.forward, solve(p.dt.add(vx.forward.diff(x!, 1, { shift: -0.5 })), p.forward));
    expect(tilingOf(new Operator([velocity, pressure], { name: 'tt_stag_x', compiler: { cacheDir } }))).toBeUndefined();
  });

  // Tile sizes that do not divide the range or the grid, a tile longer than the range, waves of
  // one plane and of more than the grid, and both thread counts.
  const TILES = [
    { time_tile_size: 1, x_wave_size: 4, x0_blk0_size: 8, y0_blk0_size: 8, nthreads: 2 },
    { time_tile_size: 4, x_wave_size: 4, x0_blk0_size: 32, y0_blk0_size: 32, nthreads: 2 },
    { time_tile_size: 3, x_wave_size: 5, x0_blk0_size: 2, y0_blk0_size: 7, nthreads: 2 },
    { time_tile_size: 6, x_wave_size: 2, x0_blk0_size: 2, y0_blk0_size: 8, nthreads: 1 },
    { time_tile_size: 13, x_wave_size: 1, x0_blk0_size: 1, y0_blk0_size: 3, nthreads: 2 },
    { time_tile_size: 40, x_wave_size: 64, x0_blk0_size: 64, y0_blk0_size: 64, nthreads: 2 },
  ];
  const CASES = [
    { label: 'acoustic spaceOrder 8, float32, forward', build: (passes: Partial<PassOptions>, name: string) => acoustic([23, 13, 45], 8, 'float32', 'forward', passes, name) },
    { label: 'acoustic spaceOrder 4, float64, backward (adjoint sweep)', build: (passes: Partial<PassOptions>, name: string) => acoustic([21, 10, 29], 4, 'float64', 'backward', passes, name) },
    { label: 'two coupled fields and an accumulated Function, float64', build: coupled },
    { label: 'staggered velocity/pressure along z (skew 0), float32', build: staggeredAlongZ },
    { label: 'full history (save), float32', build: saved },
    { label: 'sources and receivers sampling u[t]', build: (passes: Partial<PassOptions>, name: string) => seismic(passes, name) },
    { label: 'sources and receivers sampling u[t+1]', build: (passes: Partial<PassOptions>, name: string) => seismic(passes, name, true) },
    { label: 'adjoint pattern: data added ahead of the wave, backwards', build: adjointLike },
  ];

  it.each(CASES)('$label: bitwise equal to the untiled loop for any tile sizes', ({ build, label }) => {
    const name = label.replace(/[^a-z0-9]+/gi, '_').slice(0, 30);
    const reference = build({ timeTiling: false }, `${name}_off`);
    const want = run(reference, 13);
    // The fields moved: the comparison is not between untouched arrays.
    const start = run(reference, 1);
    expect(start[0]!.equals(want[0]!)).toBe(false);
    const tiled = build({}, `${name}_on`);
    expect(tilingOf(tiled.op)).toBeDefined();
    for (const tiles of TILES) {
      const got = run(tiled, 13, tiles);
      got.forEach((buffer, i) => expect(buffer.equals(want[i]!), `${JSON.stringify(tiles)} field ${i}`).toBe(true));
    }
  });

  it('random grids (x down to 2 planes), orders, sources, receivers, patterns and tile sizes: bitwise equal', () => {
    let state = 20261125;
    const rand = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T,>(options: readonly T[]): T => options[Math.floor(rand() * options.length)]!;
    const patterns = ['forward', 'adjoint', 'born'] as const;
    for (let trial = 0; trial < 6; trial++) {
      const pattern = patterns[trial % 3]!;
      const spaceOrder = pick([2, 4, 8]);
      const shape = [2 + Math.floor(rand() * 13), 2 + Math.floor(rand() * 9), 3 + Math.floor(rand() * 30)];
      const grid = new Grid({ shape, extent: shape.map((n) => 10 * (n - 1)), dtype: pick(['float32', 'float64'] as const) });
      const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder });
      const du = new TimeFunction({ name: 'du', grid, timeOrder: 2, spaceOrder });
      const m = new Function({ name: 'm', grid, spaceOrder });
      const points = 1 + Math.floor(rand() * 6);
      const place = (): Float64Array => Float64Array.from({ length: 3 * points }, (_, i) => rand() * 10 * (shape[i % 3]! - 1));
      const src = new SparseTimeFunction({ name: 'src', grid, npoint: points, nt: 20, coordinates: place() });
      const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: points, nt: 20, coordinates: place() });
      const update = (field: TimeFunction, target: AccessExpr) => new Eq(target, solve(m.mul(field.dt2).sub(field.laplace), target));
      const equations = pattern === 'forward'
        ? [update(u, u.forward), src.inject({ field: u.forward, expr: src.div(m) }), rec.interpolate({ expr: pick([u, u.forward]) })]
        : pattern === 'adjoint'
          ? [src.inject({ field: u, expr: src.div(m) }), update(u, u.backward), rec.interpolate({ expr: u.forward })]
          : [update(u, u.forward), src.inject({ field: u.forward, expr: src.div(m) }),
            new Eq(du.forward, solve(m.mul(du.dt2).sub(du.laplace).add(m.mul(u.dt2).mul(0.1)), du.forward)), rec.interpolate({ expr: du })];
      const tiles = { time_tile_size: 1 + Math.floor(rand() * 7), x_wave_size: 1 + Math.floor(rand() * 6), x0_blk0_size: 1 + Math.floor(rand() * 5), y0_blk0_size: 1 + Math.floor(rand() * 9), nthreads: pick([1, 2]) };
      const steps = 1 + Math.floor(rand() * 15);
      const problem = (passes: Partial<PassOptions>, name: string): Problem =>
        ({ op: new Operator(equations, { name, passes, compiler: { cacheDir } }), written: [u, du, rec], coefficients: [m, src], timeMin: 1 });
      const want = run(problem({ timeTiling: false }, `tt_random${trial}_off`), steps);
      const tiled = problem({}, `tt_random${trial}_on`);
      expect(tilingOf(tiled.op), `${pattern} ${shape.join('×')}`).toBeDefined();
      const got = run(tiled, steps, tiles);
      got.forEach((buffer, i) => expect(buffer.equals(want[i]!), `${pattern} so${spaceOrder} ${shape.join('×')} ${JSON.stringify(tiles)} ${steps} steps, field ${i}`).toBe(true));
    }
  });

  it('the vector loop and the simd loop agree bitwise inside time tiles too', () => {
    const withVectors = acoustic([23, 13, 45], 8, 'float32', 'forward', {}, 'tt_vec_on');
    const withoutVectors = acoustic([23, 13, 45], 8, 'float32', 'forward', { vectorWindows: false }, 'tt_vec_off');
    expect(withVectors.op.ccode).toContain('SHIFT(');
    const tiles = { time_tile_size: 5, x_wave_size: 3, x0_blk0_size: 3, y0_blk0_size: 4, nthreads: 2 };
    const a = run(withVectors, 11, tiles);
    const b = run(withoutVectors, 11, tiles);
    expect(a[0]!.equals(b[0]!)).toBe(true);
  });

  it('autotune tries untiled blocks, then time tiles over the same steps, and keeps results unchanged', () => {
    const reference = acoustic([23, 13, 45], 8, 'float32', 'forward', { timeTiling: false }, 'tt_tune_off');
    const want = run(reference, 9);
    const tiled = acoustic([23, 13, 45], 8, 'float32', 'forward', {}, 'tt_tune_on');
    const blocks = candidateBlockShapes(tiled.op.kernel);
    expect(blocks.every((shape) => shape.time_tile_size === 1 && shape.x_wave_size === 2)).toBe(true);
    const tiles = candidateTimeTiles(tiled.op.kernel);
    expect(tiles).toHaveLength(12); // 2, 4, 6 steps × waves of 2, 4 planes × y-blocks of 8, 16 rows
    expect(tiles.every((shape) => shape.x0_blk0_size === shape.x_wave_size && [8, 13].includes(shape.y0_blk0_size!))).toBe(true);
    expect(candidateTimeTiles(reference.op.kernel)).toEqual([]);
    const got = run(tiled, 9, { nthreads: 2, autotune: true });
    expect(got[0]!.equals(want[0]!)).toBe(true);
    const chosen = tiled.op.tunedBlockSizes(2)!;
    expect([...blocks, ...tiles].some((shape) => JSON.stringify(shape) === JSON.stringify(chosen))).toBe(true);
  });

  it('rejects a non-positive tile size before C runs', () => {
    const problem = acoustic([12, 10, 17], 4, 'float32', 'forward', {}, 'tt_bad');
    const before = bufferOf(problem.written[0]!.data.raw.slice());
    for (const bad of [{ time_tile_size: 0 }, { x_wave_size: -2 }]) {
      expect(() => problem.op.apply({ timeMin: 1, timeMax: 4, dt: 0.5, ...bad })).toThrow(ApplyArgumentError);
    }
    expect(bufferOf(problem.written[0]!.data.raw).equals(before)).toBe(true);
  });
});
