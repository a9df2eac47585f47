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

describe('names the generated C already uses are reserved', () => {
  it.each(['x', 'y', 'z', 'time', 't0', 't1', 'tm1', 'r0', 'r12', 'h_x', 'dt', 'x_m', 'time_M', 'u_vec', 'u_x_size', 'nthreads', 'timers', 'sqrtf', 'omp_get_wtime'])(
    '%s is rejected with InvalidNameError',
    (name) => {
      expect(() => new Function({ name, grid: new Grid({ shape: [4] }) })).toThrow(InvalidNameError);
      expect(() => new Constant({ name, value: 1 })).toThrow(InvalidNameError);
    },
  );

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
