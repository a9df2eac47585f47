import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Constant, Eq, Function, Grid, InvalidNameError, Operator, TimeFunction } from '../../src/index.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devito-ts-names-'));
  dirs.push(dir);
  return dir;
}

/**
 * A name is acceptable only if the generated C means what the user wrote: either the DSL
 * rejects it up front with InvalidNameError, or the operator compiles and computes correctly.
 * (Either fix makes these pass; a CompilationError or a wrong result fails them.)
 */
function rejectedOrCorrect(build: () => { run: () => void; check: () => void }): void {
  let built: { run: () => void; check: () => void };
  try {
    built = build();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidNameError);
    return;
  }
  built.run();
  built.check();
}

describe('names: only C syntax, keywords and the library are reserved', () => {
  // Names the generated C makes up itself are the user's to take: codegen renames its own
  // (test/codegen/names.test.ts compiles and runs such programs).
  it.each(['x', 'y', 'z', 'time', 't0', 't1', 'tm1', 'r0', 'r12', 'h_x', 'x_m', 'time_M', 'u_vec', 'u_x_size', 'timers', 'v1', 'base0', 'w0_a', 'weight', 'x0_blk0', 'pos_x', 'start0', 'MIN', 'vreal', 'VLOAD'])(
    '%s is accepted as a Function and a Constant name',
    (name) => {
      expect(new Function({ name, grid: new Grid({ shape: [4] }) }).name).toBe(name);
      expect(new Constant({ name, value: 1 }).name).toBe(name);
    },
  );

  // Declared by the headers the generated C includes, or by gcc as builtins (a kernel named
  // abort was "conflicting types for built-in function"); macros would expand in any position.
  it.each(['abort', 'exit', 'printf', 'memset', 'memcpy', 'strlen', 'malloc', 'free', 'size_t', 'NULL', 'M_PI', 'M_SQRT2', 'NAN', 'isnan', 'sqrtf', 'floor', 'cabs', 'omp_get_wtime', 'omp_anything', '_mm512_set1_ps', '__x', '_U', 'main'])(
    '%s is rejected with InvalidNameError for every kind of name',
    (name) => {
      const grid = new Grid({ shape: [4] });
      expect(() => new Function({ name, grid })).toThrow(InvalidNameError);
      expect(() => new TimeFunction({ name, grid })).toThrow(InvalidNameError);
      expect(() => new Constant({ name, value: 1 })).toThrow(InvalidNameError);
      const u = new TimeFunction({ name: 'u', grid });
      expect(() => new Operator([new Eq(u.forward, u.add(1))], { name })).toThrow(InvalidNameError);
    },
  );

  it('says what to change', () => {
    expect(() => new Function({ name: 'abort', grid: new Grid({ shape: [4] }) })).toThrow(/Function name "abort" is a name of the C library.*choose another name \(e\.g\. "abort_"\)/);
    expect(() => new Constant({ name: 'M_PI', value: 3 })).toThrow(/"M_PI" is a name of the C library/);
    expect(() => new Constant({ name: '_mm512_set1_ps', value: 3 })).toThrow(/starts with '_'.*e\.g\. "mm512_set1_ps"/);
    expect(() => new Constant({ name: 'omp_x', value: 3 })).toThrow(/omp_ namespace/);
  });

  it.each(['int', 'while', 'restrict', '_Bool', 'bool', 'typeof'])('the C keyword %s is rejected', (name) => {
    expect(() => new Function({ name, grid: new Grid({ shape: [4] }) })).toThrow(/is a C keyword; choose another name/);
  });

  it.each(['dt', 'nthreads', 'time_m', 'time_M', 'timeMin', 'timeMax', 'autotune', 'x0_blk0_size', 'y0_blk0_size', 'time_tile_size', 'x_wave_size'])(
    'a Constant named %s (an argument of apply) is rejected when the Operator is built',
    (name) => {
      const grid = new Grid({ shape: [5, 5] });
      const u = new TimeFunction({ name: 'u', grid });
      const c = new Constant({ name, value: 2 });
      expect(() => new Operator([new Eq(u.forward, c.mul(u))], { name: `names_apply_${name}` })).toThrow(InvalidNameError);
      expect(() => new Operator([new Eq(u.forward, c.mul(u))], { name: `names_apply_${name}` })).toThrow(/argument of Operator\.apply.*rename the Constant/);
    },
  );

  it('the apply-argument names cover the tile sizes the passes add', () => {
    const grid = new Grid({ shape: [9, 9, 9] });
    const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
    const op = new Operator([new Eq(u.forward, u.laplace.add(u))], { name: 'names_tiles' });
    const tiles = op.kernel.parameters.filter((p) => p.kind === 'blockSize').map((p) => p.name);
    expect(tiles.length).toBeGreaterThan(0);
    for (const name of tiles) expect(() => new Operator([new Eq(u.forward, new Constant({ name, value: 1 }).mul(u))])).toThrow(InvalidNameError);
  });

  // Expressions know a scalar by its name: a Constant h_y times u.dy2 (which divides by the
  // spacing h_y²) would merge into one power of "h_y" before lowering could see two scalars.
  it.each(['h_x', 'h_y', 'h_z'])('a Constant named %s (a grid spacing) is rejected when the Operator is built', (name) => {
    const grid = new Grid({ shape: [5] });
    const u = new TimeFunction({ name: 'u', grid });
    const c = new Constant({ name, value: 2 });
    expect(() => new Operator([new Eq(u.forward, c.mul(u))], { name: 'names_spacing' })).toThrow(/is the name of a grid spacing.*rename the Constant/);
  });

  it('a field named like the grid spacing, beside it, computes correctly', () => {
    rejectedOrCorrect(() => {
      const grid = new Grid({ shape: [5], extent: [4] });
      const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
      const hx = new Function({ name: 'h_x', grid });
      const op = new Operator([new Eq(u.forward, u.dx2.add(hx))], { name: 'names_f_hx', compiler: { cacheDir: cacheDir() } });
      return {
        run: () => { u.data.fill(1); hx.data.fill(3); op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 }); },
        check: () => expect(Array.from(u.data.toArray().subarray(6, 9))).toEqual([3, 3, 3]), // interior: u'' = 0, plus h_x
      };
    });
  });
});

describe('names the old validation rejected now work', () => {
  // BUG: the kernel template declares `double start<N> = omp_get_wtime();` per loop nest
  // (src/codegen/c-kernel.ts), but names.ts does not reserve /^start\d+$/. A Constant named
  // start0 is shadowed inside the nest and the kernel silently multiplies by the timer value.
  it('a Constant named start0 (the timer variable) is rejected or used correctly', () => {
    rejectedOrCorrect(() => {
      const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [5] }) });
      const c = new Constant({ name: 'start0', value: 2 });
      const op = new Operator([new Eq(u.forward, c.mul(u))], { name: 'names_c_start0', compiler: { cacheDir: cacheDir() } });
      return {
        run: () => { u.data.fill(1); op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 }); },
        check: () => expect(Array.from(u.data.toArray().subarray(5))).toEqual([2, 2, 2, 2, 2]),
      };
    });
  });

  it('a field named start0 is rejected or compiles and runs', () => {
    rejectedOrCorrect(() => {
      const u = new TimeFunction({ name: 'start0', grid: new Grid({ shape: [5] }) });
      const op = new Operator([new Eq(u.forward, u.add(1))], { name: 'names_f_start0', compiler: { cacheDir: cacheDir() } });
      return {
        run: () => { u.data.fill(1); op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 }); },
        check: () => expect(Array.from(u.data.toArray().subarray(5))).toEqual([2, 2, 2, 2, 2]),
      };
    });
  });

  // BUG: object-like macros of <math.h> (NAN, INFINITY, HUGE_VAL, …) are valid identifiers
  // that names.ts accepts; the generated declaration `float (*restrict NAN)[…]` is then
  // macro-expanded and gcc fails (CompilationError instead of InvalidNameError).
  it.each(['NAN', 'INFINITY', 'HUGE_VAL'])('a field named %s (a <math.h> macro) is rejected or compiles and runs', (name) => {
    rejectedOrCorrect(() => {
      const u = new TimeFunction({ name, grid: new Grid({ shape: [5] }) });
      const op = new Operator([new Eq(u.forward, u.add(1))], { name: `names_macro_${name}`, compiler: { cacheDir: cacheDir() } });
      return {
        run: () => { u.data.fill(1); op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 }); },
        check: () => expect(Array.from(u.data.toArray().subarray(5))).toEqual([2, 2, 2, 2, 2]),
      };
    });
  });

  // BUG: the Operator name becomes a global C function next to <math.h>/<omp.h>; names of
  // functions those headers declare (log, tan, omp_get_num_threads, …) give gcc
  // "conflicting types" (CompilationError instead of InvalidNameError).
  it.each(['log', 'omp_get_num_threads'])('an Operator named %s (declared by math.h/omp.h) is rejected or compiles and runs', (name) => {
    rejectedOrCorrect(() => {
      const u = new TimeFunction({ name: 'u', grid: new Grid({ shape: [5] }) });
      const op = new Operator([new Eq(u.forward, u.add(1))], { name, compiler: { cacheDir: cacheDir() } });
      return {
        run: () => { u.data.fill(1); op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 }); },
        check: () => expect(Array.from(u.data.toArray().subarray(5))).toEqual([2, 2, 2, 2, 2]),
      };
    });
  });
});
