import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CompilationError, CompilerNotFoundError } from '../errors.ts';
import { removeStaleTemporaries, writeFileAtomic } from '../support/atomic-write.ts';

export interface CompilerOptions {
  /** C compiler command (default: `DEVITO_TS_CC` or `gcc`). */
  readonly compiler?: string;
  /** Flags; the default is the project's optimised OpenMP shared-library build. */
  readonly flags?: readonly string[];
  /** Cache directory (default: `DEVITO_TS_CACHE` or `~/.cache/devito-ts`). */
  readonly cacheDir?: string;
}

/** `compileShared` options: the compiler's, and whether to replace a cached library that failed to load. */
export interface CompileSharedOptions extends CompilerOptions {
  readonly rebuild?: boolean;
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
  /** The compiler command, its flags, its version line and the resolved target: what the cache key covers. */
  readonly compiler: string;
  readonly flags: readonly string[];
  readonly compilerVersion: string;
  /** What the flags' `-march=native` (`-mtune=`, `-mcpu=native`) means on this CPU; null when they name no native target. */
  readonly target: ResolvedTarget | null;
}

/** A native target as the compiler resolves it on this machine. */
export interface ResolvedTarget {
  /** The CPU it names (gcc's `-march=`/`-mcpu=`/`-mtune=` value, clang's `-target-cpu`), e.g. `znver3`. */
  readonly cpu: string;
  /** Every target option the driver expands the native flags into, in its order: ISA features, tuning, cache sizes. */
  readonly options: readonly string[];
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

/** Flags whose meaning depends on the machine compiling: `-march=native`, `-mtune=native`, `-mcpu=native`. */
export function nativeFlags(flags: readonly string[]): string[] {
  return flags.filter((flag) => /^-m(arch|tune|cpu)=native$/.test(flag));
}

/** Words of one line of `cc -###` output: double-quoted (with backslash escapes) or bare. */
function driverWords(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!));
}

/**
 * The target options in the compiler proper's command line that `cc -### <native flags>` prints:
 * gcc's `-march=znver3 -mavx2 … -mno-xop --param l1-cache-size=48 … -mtune=znver3`, clang's
 * `-target-cpu znver3 -target-feature +avx2 … -tune-cpu …`. The CPU is the one `native` asked
 * for: `-march=`/`-mcpu=` (clang: `-target-cpu`), or `-mtune=` (clang: `-tune-cpu`) when only
 * tuning was native. Undefined when no line names it.
 */
export function parseNativeTarget(driverOutput: string, tuneOnly = false): ResolvedTarget | undefined {
  const cpuOption = tuneOnly ? /^-mtune=(.+)$/ : /^-m(?:arch|cpu)=(.+)$/;
  const cpuWord = tuneOnly ? '-tune-cpu' : '-target-cpu';
  for (const line of driverOutput.split('\n')) {
    const words = driverWords(line);
    const options: string[] = [];
    let cpu: string | undefined;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (word === '-target-cpu' || word === '-target-feature' || word === '-tune-cpu' || word === '--param') {
        const value = words[++i];
        if (value === undefined) break;
        if (word === cpuWord) cpu ??= value;
        // gcc's --param entries from -march=native are the cache geometry; other params come from elsewhere.
        if (word !== '--param' || /cache/.test(value)) options.push(word, value);
      } else if (/^-m[a-z0-9]/.test(word)) {
        cpu ??= cpuOption.exec(word)?.[1];
        options.push(word);
      }
    }
    if (cpu !== undefined) return { cpu, options };
  }
  return undefined;
}

const targets = new Map<string, ResolvedTarget>();

/**
 * What `native` in `flags` means for `compiler` on this machine (part of the cache key, so a cache
 * shared between machines never hands one CPU a library built for another), or null when the
 * flags name no native target. Asks the compiler driver (`-###`, which prints the expanded
 * command lines without running them); cached per compiler, flags and PATH in the process.
 */
export function resolveTarget(flags: readonly string[], compiler: string = defaultCompiler()): ResolvedTarget | null {
  const native = nativeFlags(flags);
  if (native.length === 0) return null;
  const key = `${compiler}\0${native.join(' ')}\0${process.env.PATH ?? ''}`;
  const known = targets.get(key);
  if (known) return known;
  compilerVersion(compiler); // a missing compiler is a CompilerNotFoundError, not a target problem
  const result = spawnSync(compiler, ['-###', ...native, '-E', '-x', 'c', '/dev/null'], { encoding: 'utf8' });
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const tuneOnly = native.every((flag) => flag.startsWith('-mtune='));
  const target = result.error || result.status !== 0 ? undefined : parseNativeTarget(output, tuneOnly);
  if (!target || target.cpu === 'native' || target.options.some((o) => o.endsWith('=native'))) {
    throw new CompilationError(
      `cannot tell what ${native.join(' ')} means for ${compiler} on this machine (needed for the cache key); ` +
        `replace it in the flags by an explicit target such as -march=x86-64-v3.\n${compiler} -### ${native.join(' ')} said:\n${output.trim()}`,
    );
  }
  targets.set(key, target);
  return target;
}

/** Content hash of everything that determines the binary. */
export function cacheKey(source: string, flags: readonly string[], version: string, target: ResolvedTarget | null = null): string {
  const hash = createHash('sha256').update(version).update('\0').update(flags.join(' ')).update('\0');
  if (target) hash.update(`target ${target.cpu} ${target.options.join(' ')}`).update('\0');
  return hash.update(source).digest('hex').slice(0, 32);
}

/**
 * Whether `path` holds a whole ELF file: the ELF magic, and the section header table (which the
 * linker writes last) inside the file. A library cut short (a full disk, a copy interrupted,
 * a crash before the rename of an older version) fails this instead of failing every load.
 */
export function isCompleteElf(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 52 || header.readUInt32BE(0) !== 0x7f454c46) return false;
    const wide = header[4] === 2; // ELFCLASS64
    const little = header[5] === 1; // ELFDATA2LSB
    const u16 = (at: number): number => (little ? header.readUInt16LE(at) : header.readUInt16BE(at));
    const offset = wide ? Number(little ? header.readBigUInt64LE(0x28) : header.readBigUInt64BE(0x28)) : (little ? header.readUInt32LE(0x20) : header.readUInt32BE(0x20));
    const [entrySize, count] = wide ? [u16(0x3a), u16(0x3c)] : [u16(0x2e), u16(0x30)];
    return offset > 0 && offset + entrySize * count <= size;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * C text → shared library path, compiling only on a cache miss. Writes go to a temporary
 * name and are renamed into place, so concurrent processes never load a half-written file.
 */
export function compileShared(source: string, name: string, options: CompileSharedOptions = {}): CompiledLibrary {
  const compiler = options.compiler ?? defaultCompiler();
  const flags = options.flags ?? DEFAULT_FLAGS;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const version = compilerVersion(compiler);
  const target = resolveTarget(flags, compiler);
  const hash = cacheKey(source, flags, version, target);
  const identity = { compiler, flags, compilerVersion: version, target };
  const base = join(cacheDir, `${name}-${hash}`);
  const path = `${base}.so`;
  const sourcePath = `${base}.c`;
  // A damaged library is rebuilt and renamed over (processes that mapped it keep their copy).
  if (!options.rebuild && existsSync(path) && isCompleteElf(path)) return { path, sourcePath, hash, cacheHit: true, compileSeconds: 0, ...identity };

  mkdirSync(cacheDir, { recursive: true });
  const start = performance.now();
  // Many processes asking for one library at once (the ranks of an MPI job) compile it once.
  const lock = options.rebuild ? undefined : compileLock(`${base}.lock`, path);
  if (lock === 'built') return { path, sourcePath, hash, cacheHit: true, compileSeconds: 0, ...identity };
  try {
    removeStaleTemporaries(cacheDir);
    writeFileAtomic(sourcePath, source);
    try {
      writeFileAtomic(path, (tmp) => execFileSync(compiler, [...flags, '-o', tmp, sourcePath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new CompilationError(`${compiler} failed to compile ${name}; the C file is kept at ${sourcePath}\n${stderr}`);
    }
  } finally {
    if (lock !== undefined) rmSync(lock, { force: true });
  }
  const compileSeconds = (performance.now() - start) / 1000;
  return { path, sourcePath, hash, cacheHit: false, compileSeconds, ...identity };
}

/** A lock older than this was left by a process that died while compiling: it is taken over. */
const STALE_LOCK_MS = 10 * 60 * 1000;
const LOCK_POLL_MS = 50;

/**
 * Takes the lock file of one library (`open(…, 'wx')`, atomic on local and NFS-v3+ file
 * systems): returns its path when this process is to compile, or `'built'` when another process
 * compiled the library while this one waited for its lock. A lock whose holder failed disappears
 * (the next waiter compiles and reports the error itself); one older than STALE_LOCK_MS is stale.
 */
function compileLock(lock: string, library: string): string | 'built' {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      return lock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return lock;
    }
    if (existsSync(library) && isCompleteElf(library)) return 'built';
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // Released between the two calls: try again.
    }
    Atomics.wait(pause, 0, 0, LOCK_POLL_MS);
  }
}
