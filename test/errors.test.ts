import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUT_OF_MEMORY_MESSAGE, OUT_OF_MEMORY_STATUS } from '../src/codegen/print-sparse.ts';
import {
  ApplyArgumentError, CompilerNotFoundError, Constant, DevitoError, Eq, Function, Grid, GridMismatchError,
  InvalidArgumentError, InvalidNameError, KernelOutOfMemoryError, LoweringError, Operator, ShapeError, SolveError, TimeFunction, solve,
} from '../src/index.ts';
import { kernelFailure } from '../src/operator.ts';

type ErrorClass = new (...args: never[]) => DevitoError;

/** `fn` throws exactly `Class` (a DevitoError) with a message containing every fragment. */
function expectError(fn: () => unknown, Class: ErrorClass, ...fragments: (string | RegExp)[]): void {
  expect(fn).toThrow(Class);
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DevitoError);
  expect((caught as Error).constructor).toBe(Class);
  expect((caught as Error).name).toBe(Class.name);
  for (const fragment of fragments) {
    if (typeof fragment === 'string') expect((caught as Error).message).toContain(fragment);
    else expect((caught as Error).message).toMatch(fragment);
  }
}

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devito-ts-errors-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * An Operator whose compilation is fine, in its own cache directory: `u⁺ = u + dt·c` (c a
 * Constant without a value), plus a saved TimeFunction `v⁺ = v + 1` with 4 time indices.
 * Every field starts at 1, so any kernel call would change the data.
 */
function applySetup() {
  const cacheDir = freshDir();
  const grid = new Grid({ shape: [6, 5] });
  const u = new TimeFunction({ name: 'u', grid });
  const v = new TimeFunction({ name: 'v', grid, save: 4 });
  const c = new Constant({ name: 'c' });
  const op = new Operator([new Eq(u.forward, solve(u.dt.sub(c), u.forward)), new Eq(v.forward, v.add(1))], {
    name: 'errors_apply',
    compiler: { cacheDir },
  });
  u.data.fill(1);
  v.data.fill(1);
  const snapshot = (): Uint8Array[] => [u, v].map((f) => new Uint8Array(f.data.raw.slice().buffer));
  const before = snapshot();
  return {
    cacheDir, grid, u, v, c, op,
    /** The data is exactly as before and no library was even built. */
    expectUntouched(): void {
      const now = snapshot();
      now.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(before[i]!))).toBe(true));
      expect(existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.so')) : []).toEqual([]);
    },
  };
}

describe('bad input raises a DevitoError subclass that says what to change', () => {
  it('fields from two grids in one equation → GridMismatchError', () => {
    const g1 = new Grid({ shape: [5, 5] });
    const g2 = new Grid({ shape: [5, 5] });
    const u = new TimeFunction({ name: 'u', grid: g1, timeOrder: 2 });
    const m = new Function({ name: 'm', grid: g2 });
    const pde = m.mul(u.dt2).sub(u.laplace);
    expectError(() => new Operator([new Eq(u.forward, solve(pde, u.forward))]), GridMismatchError, 'm, u', 'same Grid');
  });

  it('a solve target that appears non-linearly → SolveError', () => {
    const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [5] }) });
    expectError(() => solve(u.forward.mul(u.forward).sub(1), u.forward), SolveError, 'non-linearly', 'appears linearly');
  });

  it('an odd spaceOrder → InvalidArgumentError', () => {
    const grid = new Grid({ shape: [5, 5] });
    expectError(() => new TimeFunction({ name: 'u', grid, spaceOrder: 3 }), InvalidArgumentError, 'spaceOrder must be an even integer', 'got 3');
    expectError(() => new Function({ name: 'm', grid, spaceOrder: 5 }), InvalidArgumentError, 'even integer');
  });

  it('a name that is not a C identifier → InvalidNameError', () => {
    const grid = new Grid({ shape: [5] });
    expectError(() => new Function({ name: 'u;system("x")', grid }), InvalidNameError, 'not a valid C identifier', "letters, digits and '_'");
    expectError(() => new Constant({ name: '2fast', value: 1 }), InvalidNameError, 'not a valid C identifier');
    const u = new TimeFunction({ name: 'u', grid });
    expectError(() => new Operator([new Eq(u.forward, u)], { name: 'my-op' }), InvalidNameError, 'Operator name "my-op"');
  });

  it('a C keyword as a name → InvalidNameError', () => {
    const grid = new Grid({ shape: [5] });
    expectError(() => new Function({ name: 'int', grid }), InvalidNameError, '"int" is a C keyword', 'choose another name');
    expectError(() => new TimeFunction({ name: 'while', grid }), InvalidNameError, 'C keyword');
  });

  it('timeMax beyond a saved buffer → ApplyArgumentError (no C runs)', () => {
    const s = applySetup();
    expectError(() => s.op.apply({ timeMin: 0, timeMax: 3, dt: 0.5, c: 2 }), ApplyArgumentError, 'saves only indices 0…3', 'use timeMax <= 2');
    s.expectUntouched();
  });

  it('assign with the wrong length → ShapeError', () => {
    const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [4, 3] }), timeOrder: 2 });
    u.data.fill(5);
    expectError(() => u.data.assign(new Float32Array(12)), ShapeError, 'got 12 values', 'shape [3, 4, 3] = 36 values');
    expect(u.data.toArray().every((x) => x === 5)).toBe(true);
  });

  it('a missing dt → ApplyArgumentError (no C runs)', () => {
    const s = applySetup();
    expectError(() => s.op.apply({ timeMin: 0, timeMax: 1, c: 2 }), ApplyArgumentError, 'uses the time step', 'pass dt');
    s.expectUntouched();
  });

  it('timeMin > timeMax → ApplyArgumentError (no C runs)', () => {
    const s = applySetup();
    expectError(() => s.op.apply({ timeMin: 2, timeMax: 1, dt: 0.5, c: 2 }), ApplyArgumentError, 'timeMin (2) is greater than timeMax (1)', 'give timeMin <= timeMax');
    s.expectUntouched();
  });

  it('a wrong dtype array in assign → ShapeError', () => {
    const f32 = new Function({ name: 'f', grid: new Grid({ shape: [4, 3] }) });
    expectError(() => f32.data.assign(new Float64Array(12)), ShapeError, 'got a Float64Array but f is float32', 'pass a Float32Array');
    const f64 = new Function({ name: 'g', grid: new Grid({ shape: [4, 3], dtype: 'float64' }) });
    expectError(() => f64.data.assign(new Float32Array(12)), ShapeError, 'pass a Float64Array');
    expect(f32.data.raw.every((x) => x === 0) && f64.data.raw.every((x) => x === 0)).toBe(true);
  });

  it('a derivative along a dimension the field lacks → GridMismatchError', () => {
    const grid = new Grid({ shape: [5, 5] });
    const u = new TimeFunction({ name: 'u', grid });
    const m = new Function({ name: 'm', grid });
    expectError(() => u.dz, GridMismatchError, 'no z to differentiate along', 'dimensions (x, y)');
    expectError(() => m.dt, GridMismatchError, 'm is not a TimeFunction', 'use TimeFunction');
    expectError(() => m.dt2, GridMismatchError, 'use TimeFunction');
  });

  it('a Constant with no value → ApplyArgumentError at apply (no C runs)', () => {
    const s = applySetup();
    expectError(() => s.op.apply({ timeMin: 0, timeMax: 1, dt: 0.5 }), ApplyArgumentError, 'Constant c has no value', 'set c.value or pass { c: … }');
    s.expectUntouched();
  });

  it('gcc missing from PATH → CompilerNotFoundError (compile and apply)', () => {
    const s = applySetup();
    const saved = process.env.PATH;
    const op = new Operator([new Eq(s.u.forward, s.u.add(1))], { name: 'errors_nogcc', compiler: { compiler: 'gcc', cacheDir: s.cacheDir } });
    process.env.PATH = '';
    try {
      expectError(() => op.compile(), CompilerNotFoundError, 'C compiler "gcc" not found', 'install gcc', 'DEVITO_TS_CC');
      expectError(() => op.apply({ timeMin: 0, timeMax: 1 }), CompilerNotFoundError, 'install gcc');
    } finally {
      process.env.PATH = saved;
    }
    s.expectUntouched();
  });

  it('an unknown apply argument (typo) → ApplyArgumentError listing the known ones (no C runs)', () => {
    const s = applySetup();
    expectError(() => s.op.apply({ timeMin: 0, timemax: 1, dt: 0.5, c: 2 }), ApplyArgumentError, 'unknown argument "timemax"', 'timeMax');
    s.expectUntouched();
  });

  it('a stencil reaching beyond the halo → LoweringError', () => {
    const grid = new Grid({ shape: [8, 8] });
    const u = new TimeFunction({ name: 'u', grid, spaceOrder: 4, halo: 1 });
    expectError(() => new Operator([new Eq(u.forward, u.add(u.laplace))]), LoweringError, 'reads u 2 points away along x, but its halo is 1', '{ halo: 2 }');
    const f = new Function({ name: 'f', grid });
    const g = new Function({ name: 'g', grid });
    expectError(() => new Operator([new Eq(g, f.at(0, 2))]), LoweringError, 'reads f 2 points away along y', 'higher spaceOrder');
  });

  it('an equation whose lhs is not a field access → InvalidArgumentError', () => {
    const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [5] }) });
    expectError(() => new Operator([new Eq(u.forward.add(1), u)]), InvalidArgumentError, 'is not a field access', 'Eq(u.forward, solve(pde, u.forward))');
    expectError(() => new Operator([new Eq(3, u)]), InvalidArgumentError, 'not a field access');
  });

  it('mixing float32 and float64 fields → LoweringError', () => {
    const grid = new Grid({ shape: [5, 5] });
    const u = new TimeFunction({ name: 'u', grid });
    const m = new Function({ name: 'm', grid, dtype: 'float64' });
    expectError(() => new Operator([new Eq(u.forward, u.mul(m))]), LoweringError, 'm (float64), u (float32)', 'all float32 or all float64');
  });

  it('timeOrder 0 → InvalidArgumentError', () => {
    const grid = new Grid({ shape: [5] });
    expectError(() => new TimeFunction({ name: 'u', grid, timeOrder: 0 }), InvalidArgumentError, 'timeOrder must be an integer >= 1', 'got 0');
  });

  it('a time derivative of higher order than the timeOrder → InvalidArgumentError', () => {
    const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [5] }), timeOrder: 1 });
    expectError(() => u.dt2, InvalidArgumentError, 'needs timeOrder >= 2');
  });

  it('the operator used above does compile and run with valid arguments', () => {
    const s = applySetup();
    s.op.apply({ timeMin: 0, timeMax: 1, dt: 0.5, c: 2 });
    // u⁺ = u + dt·c: time index 2 (slot 0) = 1 + 2·(0.5·2) = 3; v: index t+1 = index t + 1.
    expect(s.u.data.get(0, 3, 2)).toBe(3);
    expect(s.v.data.get(1, 0, 0)).toBe(2);
    expect(s.v.data.get(2, 5, 4)).toBe(3);
    expect(readdirSync(s.cacheDir).filter((f) => f.endsWith('.so'))).toHaveLength(1);
  });
});

describe('a kernel that fails while it runs', () => {
  it('status 1 (out of memory) → KernelOutOfMemoryError, a DevitoError naming the operator and what to change', () => {
    expectError(() => {
      throw kernelFailure('forward', OUT_OF_MEMORY_STATUS);
    }, KernelOutOfMemoryError, `forward: ${OUT_OF_MEMORY_MESSAGE}`, 'timeTiling: false');
  });

  it('any other status is our bug: a plain Error that says internal', () => {
    const error = kernelFailure('forward', 7);
    expect(error).not.toBeInstanceOf(DevitoError);
    expect(error.message).toBe('internal: kernel forward returned status 7');
  });
});
