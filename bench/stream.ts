// STREAM triad measured by the benchmark itself: bench/stream.c compiled with the project's own
// JIT (gcc -O3 -march=native -fopenmp, content-hash cache) and called through koffi.
// Load it before any kernel runs: it also keeps libgomp mapped until the process ends.
import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { compileShared, DEFAULT_FLAGS } from '../src/jit/compiler.ts';

export interface StreamResult {
  readonly nthreads: number;
  /** Whether the arrays were advised MADV_HUGEPAGE (2 MiB pages) before the first touch. */
  readonly hugePages: boolean;
  /** Elements per array (double). */
  readonly n: number;
  /** Bytes counted per pass: 3 arrays × n × 8 B (STREAM convention, no write-allocate). */
  readonly bytesPerPass: number;
  readonly bestSeconds: number;
  readonly meanSeconds: number;
  readonly worstSeconds: number;
  /** Best-pass bandwidth in GB/s (1e9 B/s), 3-array count. */
  readonly gbPerSecond: number;
  /** Same pass counted with the write-allocate read of `a` (4 arrays), GB/s. */
  readonly gbPerSecondWithWriteAllocate: number;
}

export interface StreamProgram {
  readonly compileSeconds: number;
  readonly flags: readonly string[];
  run(n: number, nthreads: number, ntimes: number, hugePages: boolean): StreamResult;
}

const SOURCE = new URL('./stream.c', import.meta.url);

/**
 * The project's flags plus `-Wl,-z,nodelete`: the library is never unmapped, and with it the
 * libgomp it links. Loading it first pins libgomp for the whole process. Without that, koffi's
 * finalizers dlclose the kernel libraries at exit, libgomp is unmapped while its worker threads
 * still spin in it, and Node dies with SIGSEGV after an apply with nthreads > 1 (see the report).
 */
const STREAM_FLAGS: readonly string[] = [...DEFAULT_FLAGS, '-Wl,-z,nodelete'];

/** Compiles (or finds in `cacheDir`) the triad library and binds it. */
export function loadStream(cacheDir: string): StreamProgram {
  const library = compileShared(readFileSync(SOURCE, 'utf8'), 'stream_triad', { cacheDir, flags: STREAM_FLAGS });
  const triad = koffi.load(library.path).func('stream_triad', 'int', ['long', 'int', 'int', 'int', 'double *']) as (
    n: number,
    nthreads: number,
    ntimes: number,
    hugePages: number,
    results: Float64Array,
  ) => number;
  return {
    compileSeconds: library.compileSeconds,
    flags: STREAM_FLAGS,
    run(n, nthreads, ntimes, hugePages) {
      const results = new Float64Array(5);
      const status = triad(n, nthreads, ntimes, hugePages ? 1 : 0, results);
      if (status !== 0) throw new Error(`stream_triad: could not allocate 3 × ${n} doubles`);
      const [best, mean, worst, error, used] = results as unknown as [number, number, number, number, number];
      if (!(error === 0)) throw new Error(`stream_triad: validation failed, max |a - 3.5| = ${error}`);
      if (used !== nthreads) throw new Error(`stream_triad: asked for ${nthreads} threads, OpenMP gave ${used}`);
      const bytesPerPass = 3 * n * 8;
      return {
        nthreads,
        hugePages,
        n,
        bytesPerPass,
        bestSeconds: best,
        meanSeconds: mean,
        worstSeconds: worst,
        gbPerSecond: bytesPerPass / best / 1e9,
        gbPerSecondWithWriteAllocate: (4 * n * 8) / best / 1e9,
      };
    },
  };
}
