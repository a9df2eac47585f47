import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompilationError, DevitoError, Eq, Function, Grid, KernelLoadError, Operator, TimeFunction } from '../../src/index.ts';
import { DEFAULT_FLAGS, compileShared, isCompleteElf, type CompilerOptions } from '../../src/jit/compiler.ts';

const dirs: string[] = [];
function freshDir(prefix = 'devito-ts-cache-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A small 2D operator built from fresh objects; `shift` changes the equation (and the C). */
function build(compiler: CompilerOptions, shift = 1, name = 'cached'): Operator {
  const grid = new Grid({ shape: [9, 7] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
  const m = new Function({ name: 'm', grid });
  return new Operator([new Eq(u.forward, u.add(m.mul(u.laplace)).add(shift))], { name, compiler });
}

describe('jit cache', () => {
  it('compiles an operator once and reuses the library for an identical operator', () => {
    const cacheDir = freshDir();
    const first = build({ cacheDir }).compile();
    expect(first.cacheHit).toBe(false);
    expect(first.compileSeconds).toBeGreaterThan(0);
    expect(first.path.startsWith(cacheDir)).toBe(true);
    expect(existsSync(first.path)).toBe(true);
    expect(existsSync(first.sourcePath)).toBe(true);
    expect(first.path.endsWith('.so')).toBe(true);
    expect(first.sourcePath.endsWith('.c')).toBe(true);

    const again = build({ cacheDir });
    expect(readFileSync(first.sourcePath, 'utf8')).toBe(again.ccode);
    const second = again.compile();
    expect(second.cacheHit).toBe(true);
    expect(second.compileSeconds).toBe(0);
    expect(second.hash).toBe(first.hash);
    expect(second.path).toBe(first.path);
    // Nothing but the library and its source: temporaries were renamed into place.
    expect(readdirSync(cacheDir).sort()).toEqual([`cached-${first.hash}.c`, `cached-${first.hash}.so`]);
    // compile() is idempotent on one Operator.
    expect(again.compile()).toBe(second);
  });

  it('gives different equations different hashes and libraries', () => {
    const cacheDir = freshDir();
    const a = build({ cacheDir }, 1).compile();
    const b = build({ cacheDir }, 2).compile();
    expect(b.cacheHit).toBe(false);
    expect(b.hash).not.toBe(a.hash);
    expect(b.path).not.toBe(a.path);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.so'))).toHaveLength(2);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.c'))).toHaveLength(2);
  });

  it('runs the cached library correctly', () => {
    const cacheDir = freshDir();
    build({ cacheDir }, 3).compile();
    const grid = new Grid({ shape: [9, 7] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
    const m = new Function({ name: 'm', grid });
    const op = new Operator([new Eq(u.forward, u.add(m.mul(u.laplace)).add(3))], { name: 'cached', compiler: { cacheDir } });
    expect(op.compile().cacheHit).toBe(true);
    u.data.fill(1); // m = 0, so u⁺ = u + 3
    op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 });
    expect(Array.from(u.data.toArray().subarray(9 * 7))).toEqual(new Array(9 * 7).fill(4));
  });

  // Before: a truncated library in the cache failed every later run with koffi's "cannot read file data".
  it('rebuilds a cached library that was cut short, and runs it', () => {
    const cacheDir = freshDir();
    // Built but not loaded: truncating a library this process has mapped would crash it (SIGBUS).
    const first = compileShared(build({ cacheDir }, 5, 'healed').ccode, 'healed', { cacheDir });
    expect(isCompleteElf(first.path)).toBe(true);
    truncateSync(first.path, Math.floor(statSync(first.path).size / 2));
    expect(isCompleteElf(first.path)).toBe(false);
    const grid = new Grid({ shape: [9, 7] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 1, spaceOrder: 2 });
    const m = new Function({ name: 'm', grid });
    const op = new Operator([new Eq(u.forward, u.add(m.mul(u.laplace)).add(5))], { name: 'healed', compiler: { cacheDir } });
    const healed = op.compile();
    expect(healed.cacheHit).toBe(false);
    expect(healed.path).toBe(first.path);
    expect(isCompleteElf(healed.path)).toBe(true);
    u.data.fill(1);
    op.apply({ timeMin: 0, timeMax: 0, nthreads: 1 });
    expect(Array.from(u.data.toArray().subarray(9 * 7))).toEqual(new Array(9 * 7).fill(6));
  });

  it('a library that still does not load after a rebuild is a KernelLoadError', () => {
    // -c makes a relocatable object: a complete ELF file that dlopen refuses.
    const op = build({ cacheDir: freshDir(), flags: ['-O0', '-c', '-fPIC', '-fopenmp'] }, 1, 'unloadable');
    expect(() => op.compile()).toThrow(KernelLoadError);
    expect(() => op.compile()).toThrow(/unloadable: cannot load the compiled kernel .*unloadable-\w+\.so even after rebuilding it/);
  });

  // Before: a compile killed mid-way left its *.tmp files in the cache for ever.
  it('a compile removes the temporaries of writers that died, and leaves live and young ones', () => {
    const cacheDir = freshDir();
    const old = (Date.now() - 20 * 60_000) / 1000;
    const ancient = (Date.now() - 2 * 86_400_000) / 1000;
    const files = {
      dead: 'k-0.so.4194999-0badc0de.tmp', // no such pid (above Linux's pid_max)
      live: `k-1.so.${process.pid}-0123abcd.tmp`,
      young: 'k-2.c.4194999-89abcdef.tmp',
      reused: `k-3.so.${process.pid}-fedcba98.tmp`,
      other: 'notes.tmp',
    };
    for (const name of Object.values(files)) writeFileSync(join(cacheDir, name), 'partial');
    utimesSync(join(cacheDir, files.dead), old, old);
    utimesSync(join(cacheDir, files.live), old, old);
    utimesSync(join(cacheDir, files.reused), ancient, ancient);
    utimesSync(join(cacheDir, files.other), ancient, ancient);
    const compiled = build({ cacheDir }, 7, 'sweep').compile();
    expect(compiled.cacheHit).toBe(false);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp')).sort()).toEqual([files.live, files.other, files.young].sort());
  });

  it('reports gcc diagnostics verbatim and keeps the C file when compilation fails', () => {
    const cacheDir = freshDir();
    const header = join(cacheDir, 'broken-header.h');
    writeFileSync(header, 'int this_is_broken = ;\n');
    const op = build({ cacheDir, flags: [...DEFAULT_FLAGS, '-include', header] }, 1, 'broken');
    let error: unknown;
    try {
      op.compile();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompilationError);
    expect(error).toBeInstanceOf(DevitoError);
    const message = (error as Error).message;
    expect(message).toContain('broken-header.h:1');
    // gcc's own diagnostic, verbatim (quotes vary with the locale): position, text and source line.
    expect(message).toMatch(/broken-header\.h:1:\d+: error: expected expression before .;. token/);
    expect(message).toContain('int this_is_broken = ;');
    const kept = /the C file is kept at (\S+\.c)/.exec(message)?.[1];
    expect(kept).toBeDefined();
    expect(kept!.startsWith(cacheDir)).toBe(true);
    expect(readFileSync(kept!, 'utf8')).toBe(op.ccode);
    // No library (nor a temporary one) was left behind.
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.so'))).toEqual([]);
    expect(readdirSync(cacheDir).filter((f) => f.includes('.tmp'))).toEqual([]);
    // And the failure is not cached: the same call fails again.
    expect(() => build({ cacheDir, flags: [...DEFAULT_FLAGS, '-include', header] }, 1, 'broken').compile()).toThrow(CompilationError);
  });

  it('lets two processes compile the same new operator into one cache directory at once', async () => {
    const cacheDir = freshDir();
    const barrier = freshDir('devito-ts-barrier-');
    const script = new URL('./compile-child.ts', import.meta.url).pathname;
    const tag = `t${process.pid}`;
    const run = (): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, cacheDir, barrier, '2', tag], {
          cwd: new URL('../..', import.meta.url).pathname,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const results = await Promise.all([run(), run()]);
    const parsed = results.map((r) => {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { pid: number; path: string; cacheHit: boolean; exists: boolean; result: number[] };
    });
    expect(parsed[0]!.pid).not.toBe(parsed[1]!.pid);
    expect(parsed[0]!.path).toBe(parsed[1]!.path);
    // u = 2 everywhere inside, 0 in the halo: u⁺ = 0.5·(u[x−1] + u[x+1]) + 1.
    const expected = [...new Array(16).fill(2), 2, ...new Array(14).fill(3), 2];
    for (const p of parsed) {
      expect(p.exists).toBe(true);
      expect(p.result).toEqual(expected);
    }
    const files = readdirSync(cacheDir).sort();
    expect(files.filter((f) => f.endsWith('.so'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.c'))).toHaveLength(1);
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
