import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CompilationError, CompilerNotFoundError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';

export interface CompilerOptions {
  /** C compiler command (default: `DEVITO_TS_CC` or `gcc`). */
  readonly compiler?: string;
  /** Flags; the default is the project's optimised OpenMP shared-library build. */
  readonly flags?: readonly string[];
  /** Cache directory (default: `DEVITO_TS_CACHE` or `~/.cache/devito-ts`). */
  readonly cacheDir?: string;
}

// -z nodelete: koffi unloads libraries at exit; unloading libgomp under its idle worker threads crashes the process.
export const DEFAULT_FLAGS: readonly string[] = Object.freeze(['-O3', '-march=native', '-fopenmp', '-shared', '-fPIC', '-std=c11', '-Wall', '-Wno-unused-variable', '-Wl,-z,nodelete']);

/** Result of making sure a shared library exists for some C text. */
export interface CompiledLibrary {
  readonly path: string;
  readonly sourcePath: string;
  readonly hash: string;
  /** True when the library was already in the cache and gcc did not run. */
  readonly cacheHit: boolean;
  /** Seconds gcc took (0 on a cache hit). */
  readonly compileSeconds: number;
  /** The compiler command, its flags and its version line: what the cache key covers. */
  readonly compiler: string;
  readonly flags: readonly string[];
  readonly compilerVersion: string;
}

export function defaultCacheDir(): string {
  return process.env.DEVITO_TS_CACHE ?? join(homedir(), '.cache', 'devito-ts');
}

export function defaultCompiler(): string {
  return process.env.DEVITO_TS_CC ?? 'gcc';
}

const versions = new Map<string, string>();

/** The compiler's version line (part of the cache key); throws if the compiler is missing. */
export function compilerVersion(compiler: string = defaultCompiler()): string {
  const key = `${compiler}\0${process.env.PATH ?? ''}`;
  const known = versions.get(key);
  if (known) return known;
  const result = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new CompilerNotFoundError(
      `C compiler "${compiler}" not found or not runnable (${result.error?.message ?? `exit ${result.status}`}); ` +
        'install gcc with OpenMP (Debian: apt-get install gcc) or point DEVITO_TS_CC at a compiler',
    );
  }
  const version = result.stdout.split('\n')[0]!.trim();
  versions.set(key, version);
  return version;
}

/** Content hash of everything that determines the binary. */
export function cacheKey(source: string, flags: readonly string[], version: string): string {
  return createHash('sha256').update(version).update('\0').update(flags.join(' ')).update('\0').update(source).digest('hex').slice(0, 32);
}

/**
 * C text → shared library path, compiling only on a cache miss. Writes go to a temporary
 * name and are renamed into place, so concurrent processes never load a half-written file.
 */
export function compileShared(source: string, name: string, options: CompilerOptions = {}): CompiledLibrary {
  const compiler = options.compiler ?? defaultCompiler();
  const flags = options.flags ?? DEFAULT_FLAGS;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const version = compilerVersion(compiler);
  const hash = cacheKey(source, flags, version);
  const identity = { compiler, flags, compilerVersion: version };
  const base = join(cacheDir, `${name}-${hash}`);
  const path = `${base}.so`;
  const sourcePath = `${base}.c`;
  if (existsSync(path)) return { path, sourcePath, hash, cacheHit: true, compileSeconds: 0, ...identity };

  mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(sourcePath, source);
  const start = performance.now();
  try {
    writeFileAtomic(path, (tmp) => execFileSync(compiler, [...flags, '-o', tmp, sourcePath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new CompilationError(`${compiler} failed to compile ${name}; the C file is kept at ${sourcePath}\n${stderr}`);
  }
  const compileSeconds = (performance.now() - start) / 1000;
  return { path, sourcePath, hash, cacheHit: false, compileSeconds, ...identity };
}
