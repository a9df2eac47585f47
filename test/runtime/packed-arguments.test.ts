import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Constant, Eq, Function, Grid, Operator, TimeFunction } from '../../src/index.ts';
import { MAX_FFI_PARAMETERS } from '../../src/codegen/c-types.ts';
import type { Expr } from '../../src/dsl/expr.ts';

// koffi binds at most 64 parameters one by one; a kernel with more takes them in one struct
// (codegen/print-kernel.ts packedParameters, runtime/library.ts). Thirty 3D Functions give ~100.
const N = 30;
const SHAPE = [6, 7, 5] as const;

/** u.forward = u + a·f0 + f1 + … + f29 on a float64 grid; the Functions alternate halos of 1 and 2 so their sizes differ. */
function build(cacheDir?: string) {
  const grid = new Grid({ shape: [...SHAPE], extent: [1, 1, 1], dtype: 'float64' });
  const fs = Array.from({ length: N }, (_, i) => new Function({ name: `f${i}`, grid, spaceOrder: i % 2 === 0 ? 2 : 4 }));
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
  const a = new Constant({ name: 'a', value: 2, dtype: 'float64' });
  const sum = fs.slice(1).reduce<Expr>((acc, f) => acc.add(f), u.add(a.mul(fs[0]!)));
  const op = new Operator([new Eq(u.forward, sum)], { name: 'sum30', ...(cacheDir ? { compiler: { cacheDir } } : {}) });
  // Integers below 2^20 scaled by distinct powers of two: every partial sum is exact in float64,
  // so the kernel's result is bitwise the TS one whatever order C adds in, yet a field read
  // through another's pointer or strides gives another number.
  const value = (i: number, x: number, y: number, z: number): number => (((x * 131 + y * 17 + z * 7 + i * 29) % 1000) + 1) * 2 ** (i % 13);
  fs.forEach((f, i) => {
    for (let x = 0; x < SHAPE[0]; x++) for (let y = 0; y < SHAPE[1]; y++) for (let z = 0; z < SHAPE[2]; z++) f.data.set(x, y, z, value(i, x, y, z));
  });
  const initial = (x: number, y: number, z: number): number => x * 100 + y * 10 + z;
  for (let x = 0; x < SHAPE[0]; x++) for (let y = 0; y < SHAPE[1]; y++) for (let z = 0; z < SHAPE[2]; z++) u.data.set(0, x, y, z, initial(x, y, z));
  /** u after `steps` updates, computed in TS. */
  const reference = (steps: number, aValue = 2): Float64Array => {
    const out = new Float64Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
    let k = 0;
    for (let x = 0; x < SHAPE[0]; x++) {
      for (let y = 0; y < SHAPE[1]; y++) {
        for (let z = 0; z < SHAPE[2]; z++) {
          let step = aValue * value(0, x, y, z);
          for (let i = 1; i < N; i++) step += value(i, x, y, z);
          out[k++] = initial(x, y, z) + steps * step;
        }
      }
    }
    return out;
  };
  /** u at time index `t` (slot t mod 2), dense. */
  const at = (t: number): Float64Array => Float64Array.from(u.data.toArray().subarray((t % 2) * SHAPE[0] * SHAPE[1] * SHAPE[2], ((t % 2) + 1) * SHAPE[0] * SHAPE[1] * SHAPE[2]));
  return { op, u, fs, reference, at, reset: () => { for (let x = 0; x < SHAPE[0]; x++) for (let y = 0; y < SHAPE[1]; y++) for (let z = 0; z < SHAPE[2]; z++) u.data.set(0, x, y, z, initial(x, y, z)); } };
}

describe(`a kernel with more than ${MAX_FFI_PARAMETERS} parameters (koffi's limit)`, () => {
  it('takes them in one struct, unpacked into the usual names, and computes the TS reference bitwise', () => {
    const { op, reference, at } = build();
    expect(op.kernel.parameters.length).toBeGreaterThan(MAX_FFI_PARAMETERS);
    expect(op.ccode).toContain('int sum30(\n  const struct sum30_arguments *restrict args\n)');
    expect(op.ccode).toContain('  const int f1_y_size = args->f1_y_size;\n');
    expect(op.ccode).toContain('  double *restrict f29_vec = args->f29_vec;\n');
    op.apply({ timeMin: 0, timeMax: 2, nthreads: 2 });
    expect(at(3)).toEqual(reference(3));
  });

  it('passes Constants and block sizes per call, and describes the call by parameter as before', () => {
    const { op, fs, reference, at, reset } = build();
    op.apply({ timeMin: 0, timeMax: 0, a: 4, x0_blk0_size: 2, y0_blk0_size: 3, nthreads: 1 });
    expect(at(1)).toEqual(reference(1, 4));
    reset();
    op.apply({ timeMin: 0, timeMax: 0, x0_blk0_size: 1, y0_blk0_size: 1, nthreads: 2 });
    expect(at(1)).toEqual(reference(1));
    const args = op.arguments({ timeMax: 4, x0_blk0_size: 5 });
    expect(Object.keys(args)).toEqual(op.kernel.parameters.map((p) => p.name));
    expect(args.x0_blk0_size).toBe(5);
    expect(args.time_M).toBe(4);
    expect(args.f1_y_size).toBe(fs[1]!.data.allocatedShape[1]);
    expect(args.f0_y_size).not.toBe(args.f1_y_size);
  });

  it('autotunes (trial calls with changing block sizes) and still computes the reference', () => {
    // A cache of its own, so that no tuning stored by an earlier run spares the trials.
    const cacheDir = mkdtempSync(join(tmpdir(), 'packed-autotune-'));
    onTestFinished(() => rmSync(cacheDir, { recursive: true, force: true }));
    const { op, reference, at } = build(cacheDir);
    op.apply({ timeMin: 0, timeMax: 2, nthreads: 2, autotune: true });
    const tuned = op.tunedBlockSizes(2);
    expect(tuned).toBeDefined();
    // Cache blocks, and (the kernel is time-tiled) the time tile and its waves.
    expect(Object.keys(tuned!).sort()).toEqual(['time_tile_size', 'x0_blk0_size', 'x_wave_size', 'y0_blk0_size']);
    expect(at(3)).toEqual(reference(3));
  });

  it('runs bound, with a field swapped for one call (runWith)', () => {
    const { op, reference, at, u } = build();
    const bound = op.bind({ timeMin: 0, timeMax: 0, nthreads: 1 });
    bound.run(0, 1);
    expect(at(2)).toEqual(reference(2));
    // The same steps on a copy of u's buffer leave u itself alone.
    const copy = u.data.raw.slice();
    bound.runWith(2, 2, new Map([[u, copy]]));
    expect(at(2)).toEqual(reference(2));
    bound.run(2, 2);
    expect(at(3)).toEqual(reference(3));
  });

  it('renames its struct parameter when a field takes the name args', () => {
    const grid = new Grid({ shape: [4, 4, 4], extent: [1, 1, 1] });
    const fs = Array.from({ length: N }, (_, i) => new Function({ name: i === 3 ? 'args' : `f${i}`, grid, spaceOrder: 2 }));
    fs.forEach((f, i) => f.data.fill(i));
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
    const op = new Operator([new Eq(u.forward, fs.slice(1).reduce<Expr>((acc, f) => acc.add(f), u.add(fs[0]!)))], { name: 'clash' });
    expect(op.ccode).toContain('const struct clash_arguments *restrict args_1\n');
    expect(op.ccode).toContain('  float *restrict args_vec = args_1->args_vec;\n');
    op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 });
    expect(u.data.get(1, 1, 2, 3)).toBe((N * (N - 1)) / 2);
  });
});
