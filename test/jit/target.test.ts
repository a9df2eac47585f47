import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CompilationError, CompilerNotFoundError } from '../../src/index.ts';
import { compileShared, DEFAULT_FLAGS, parseNativeTarget, resolveTarget } from '../../src/jit/compiler.ts';

const root = mkdtempSync(join(tmpdir(), 'devito-ts-target-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

const SOURCE = 'int answer(void) { return 42; }\n';

/**
 * A directory holding `fake-cc`: gcc for compiling, the same `--version` line everywhere, but a
 * driver (`-###`) that expands `native` to `cpu` — the same command on another machine.
 * `answer` replaces the whole `-###` output when given (a compiler we cannot read).
 */
function fakeCompiler(label: string, cpu: string, answer?: string): string {
  const dir = join(root, label);
  mkdirSync(dir);
  const driver = answer ?? ` /usr/lib/gcc/x86_64-linux-gnu/12/cc1 -E -quiet /dev/null "-march=${cpu}" -mavx2 -mno-xop --param "l1-cache-size=48" "-mtune=${cpu}" -dumpbase null`;
  writeFileSync(join(dir, 'fake-cc'), [
    '#!/bin/sh',
    'if [ "$1" = "--version" ]; then echo "fake-cc (Debian 12.2.0-14) 12.2.0"; exit 0; fi',
    `if [ "$1" = "-###" ]; then cat >&2 <<'EOF'\nTarget: x86_64-linux-gnu\n${driver}\nCOLLECT_GCC_OPTIONS='-march=native' '-E'\nEOF\nexit 0; fi`,
    'exec gcc "$@"',
    '',
  ].join('\n'));
  chmodSync(join(dir, 'fake-cc'), 0o755);
  return dir;
}

/** Compiles SOURCE with `fake-cc` found first on PATH in `dir` ("that machine"). */
function compileOn(dir: string, cacheDir: string, flags: readonly string[] = DEFAULT_FLAGS): ReturnType<typeof compileShared> {
  process.env.PATH = `${dir}:${originalPath}`;
  return compileShared(SOURCE, 'answer', { compiler: 'fake-cc', cacheDir, flags });
}

describe('the JIT cache key names the resolved native target', () => {
  const machineA = fakeCompiler('a', 'skylake-avx512');
  const machineB = fakeCompiler('b', 'znver3');

  it('one source, one compiler version, the same flags: a different -march=native gives another key and library', () => {
    const cacheDir = join(root, 'shared-cache'); // e.g. a cache in a home directory shared across a cluster
    const a = compileOn(machineA, cacheDir);
    const b = compileOn(machineB, cacheDir);
    expect(a.compilerVersion).toBe(b.compilerVersion);
    expect(a.flags).toEqual(b.flags);
    expect(a.target).toEqual({ cpu: 'skylake-avx512', options: ['-march=skylake-avx512', '-mavx2', '-mno-xop', '--param', 'l1-cache-size=48', '-mtune=skylake-avx512'] });
    expect(b.target?.cpu).toBe('znver3');
    expect(b.hash).not.toBe(a.hash);
    expect(b.path).not.toBe(a.path);
    expect(b.cacheHit).toBe(false); // machine B did not load machine A's library
    // The key is stable for one target: machine A again finds its own library.
    const again = compileOn(machineA, cacheDir);
    expect(again.hash).toBe(a.hash);
    expect(again.path).toBe(a.path);
    expect(again.cacheHit).toBe(true);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.so'))).toHaveLength(2);
  });

  it('flags without a native target do not depend on the machine', () => {
    const cacheDir = join(root, 'portable-cache');
    const flags = DEFAULT_FLAGS.map((f) => (f === '-march=native' ? '-march=x86-64-v2' : f));
    const a = compileOn(machineA, cacheDir, flags);
    const b = compileOn(machineB, cacheDir, flags);
    expect(a.target).toBeNull();
    expect(b.hash).toBe(a.hash);
    expect(b.cacheHit).toBe(true);
  });

  it('resolves the real compiler: gcc -march=native names the CPU gcc -Q --help=target reports', () => {
    const target = resolveTarget(DEFAULT_FLAGS, 'gcc');
    const help = spawnSync('gcc', ['-march=native', '-Q', '--help=target'], { encoding: 'utf8' }).stdout;
    const march = /^\s*-march=\s+(\S+)/m.exec(help)?.[1];
    expect(march).toBeDefined();
    expect(target?.cpu).toBe(march);
    expect(target?.options).toContain(`-march=${march}`);
    expect(resolveTarget(DEFAULT_FLAGS, 'gcc')).toBe(target); // cached in the process
    expect(resolveTarget(['-O3', '-fPIC'], 'gcc')).toBeNull();
  });

  it('reads clang-style driver output too', () => {
    const clang = ' "/usr/bin/clang-16" "-cc1" "-triple" "x86_64-pc-linux-gnu" "-E" "-target-cpu" "znver3" "-target-feature" "+avx2" "-target-feature" "-xop" "-tune-cpu" "generic" "-x" "c" "/dev/null"';
    expect(parseNativeTarget(clang)).toEqual({ cpu: 'znver3', options: ['-target-cpu', 'znver3', '-target-feature', '+avx2', '-target-feature', '-xop', '-tune-cpu', 'generic'] });
    expect(parseNativeTarget(clang, true)?.cpu).toBe('generic');
    expect(parseNativeTarget('Target: x86_64-linux-gnu\nThread model: posix')).toBeUndefined();
  });

  it('a missing compiler is still a CompilerNotFoundError; an unreadable target a CompilationError that says what to change', () => {
    expect(() => compileShared(SOURCE, 'answer', { compiler: 'no-such-cc-devito-ts', cacheDir: join(root, 'none') })).toThrow(CompilerNotFoundError);
    const opaque = fakeCompiler('opaque', 'unused', ' /usr/lib/cc1 -E "-march=native" /dev/null');
    let error: unknown;
    try {
      compileOn(opaque, join(root, 'opaque-cache'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompilationError);
    expect((error as Error).message).toContain('cannot tell what -march=native means for fake-cc');
    expect((error as Error).message).toContain('explicit target such as -march=');
  });
});
