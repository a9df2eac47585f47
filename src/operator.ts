import { printKernel } from './codegen/print-kernel.ts';
import { OUT_OF_MEMORY_MESSAGE, OUT_OF_MEMORY_STATUS } from './codegen/print-sparse.ts';
import type { FloatArray } from './dsl/dtype.ts';
import type { Eq } from './dsl/eq.ts';
import type { SparseOperation } from './dsl/sparse.ts';
import { validateName } from './dsl/names.ts';
import { checkOptionKeys, optionKeys } from './dsl/options.ts';
import { buildKernel } from './ir/build.ts';
import { bytesPerPoint, flopsPerPoint } from './ir/flops.ts';
import { clusterize, lowerEquations } from './ir/lower.ts';
import type { Kernel, LoweredEq, LoweredSparse } from './ir/types.ts';
import { ApplyArgumentError, InvalidArgumentError, KernelLoadError, KernelOutOfMemoryError } from './errors.ts';
import { compileShared, defaultCacheDir, DEFAULT_FLAGS, type CompiledLibrary, type CompilerOptions } from './jit/compiler.ts';
import { DEFAULT_PASSES, runPasses, type PassOptions } from './passes/pipeline.ts';
import { checkArgsObject, checkTimeRange, prepareCall, threadsOf, warnThreadsOnce, timeLimits, type ApplyArgs, type FieldWithData, type PreparedCall, type SparseWithData } from './runtime/arguments.ts';
import { candidateBlockShapes, candidateTimeTiles, fastest, loadTuned, storeTuned, tuningKey, type BlockSizes } from './runtime/autotune.ts';
import { describeCall, type KernelArgument } from './runtime/kernel-arguments.ts';
import { loadKernel } from './runtime/library.ts';
import { installFieldAllocator } from './runtime/memory.ts';
import { mpiCompilerFlags } from './runtime/mpi.ts';
import { gatherSamples, interpolatedSparses } from './runtime/sparse-gather.ts';
import type { MpiMode } from './ir/types.ts';

// Fields made after this module loads (with `import … from 'devito-ts'`, before any user code)
// get 64-byte-aligned rows and huge pages: the DSL layer cannot see addresses itself.
installFieldAllocator();

export interface OperatorOptions {
  /** Name of the generated C function (a C identifier). Default `Kernel`. */
  readonly name?: string;
  /** Switch individual optimisation passes off (all on by default). */
  readonly passes?: Partial<PassOptions>;
  readonly compiler?: CompilerOptions;
  /**
   * On a grid split over MPI ranks, how halos are exchanged: `basic` (default) exchanges, then
   * computes; `overlap` computes the points whose stencils need no neighbour's data while the
   * messages travel, then the border. Both give bitwise the same fields.
   */
  readonly mpi?: MpiMode;
}

const OPERATOR_KEYS = optionKeys<OperatorOptions>({ name: true, passes: true, compiler: true, mpi: true });
const COMPILER_KEYS = optionKeys<CompilerOptions>({ compiler: true, flags: true, cacheDir: true });

/** What one `apply` measured. */
export interface PerformanceSummary {
  /** Seconds spent in the kernel's loop nests (C timers). */
  readonly elapsedSeconds: number;
  /** Grid-point updates per second, in billions. */
  readonly gpointsPerSecond: number;
  /** Estimated floating-point operations per second, in billions. */
  readonly gflopsPerSecond: number;
  /** Operational intensity: flops per byte of the least traffic (`flopsPerPoint / bytesPerPoint`). */
  readonly operationalIntensity: number;
  readonly timesteps: number;
  readonly points: number;
  readonly nthreads: number;
  readonly sections: readonly { readonly name: string; readonly seconds: number }[];
}

/** An Operator with fixed arguments, run over changing time ranges (see `Operator.bind`). */
export interface BoundOperator {
  /** Runs time indices `timeMin … timeMax` (inclusive). */
  run(timeMin: number, timeMax: number): void;
  /**
   * As `run`, with the data of some fields replaced for this call only (same dtype, at least the
   * field's length): a stepper reads a checkpoint in place instead of restoring it first.
   */
  runWith(timeMin: number, timeMax: number, data: ReadonlyMap<object, FloatArray>): void;
  /** Seconds per section, accumulated over all runs. */
  readonly timers: Float64Array;
}

/**
 * The error for a kernel's non-zero status (see codegen: only running out of memory returns one,
 * a `KernelOutOfMemoryError`); any other status is a bug of ours, reported as internal.
 */
export function kernelFailure(name: string, status: number): Error {
  if (status === OUT_OF_MEMORY_STATUS) return new KernelOutOfMemoryError(`${name}: ${OUT_OF_MEMORY_MESSAGE}; free some memory, or build the Operator with { passes: { timeTiling: false } }`);
  return new Error(`internal: kernel ${name} returned status ${status}`);
}

/**
 * Equations → a compiled stencil kernel. Construction lowers and prints C (no gcc); the first
 * `apply` (or `compile`) builds the shared library, reusing the content-addressed cache.
 */
export class Operator {
  readonly name: string;
  readonly kernel: Kernel;
  /** The generated C source. */
  readonly ccode: string;
  /** Floating-point operations per grid point and time step. */
  readonly flopsPerPoint: number;
  /** Least bytes moved per grid point and time step (each field slot once). */
  readonly bytesPerPoint: number;
  /** Seconds spent lowering and printing (no gcc). */
  readonly buildSeconds: number;
  private readonly compilerOptions: CompilerOptions;
  /** Print a Devito-style performance line per call (DEVITO_TS_LOG=info); read once, free when off. */
  private readonly log: boolean;
  private compiled: { library: CompiledLibrary; fn: (...values: unknown[]) => void } | undefined;
  /** Block sizes chosen by the autotuner, per thread count. */
  private readonly tuned = new Map<number, BlockSizes>();
  /** Under MPI, the sparse sets whose samples ranks share after each call. */
  private readonly gathered: readonly string[];

  constructor(equations: readonly (Eq | SparseOperation)[], options: OperatorOptions = {}) {
    const start = performance.now();
    checkOptionKeys('Operator', options, OPERATOR_KEYS);
    if (options.passes !== undefined) checkOptionKeys('Operator passes', options.passes, Object.keys(DEFAULT_PASSES), undefined, 'pass');
    if (options.compiler !== undefined) checkOptionKeys('Operator compiler', options.compiler, COMPILER_KEYS);
    this.name = validateName(options.name ?? 'Kernel', 'Operator');
    const passes: PassOptions = { ...DEFAULT_PASSES, ...options.passes };
    // [Eq | inject | interpolate] -> validated equations, derivatives expanded
    const set = lowerEquations(equations);
    // runs of [LoweredEq] -> clusters (program order, fused where no dependence forbids it); sparse ops stay put
    const schedule = set.segments.map((segment) => (isSparse(segment) ? segment : clusterize(segment)));
    // schedule -> Kernel (time loop ⊃ space nests and sparse loops)
    if (options.mpi !== undefined && options.mpi !== 'basic' && options.mpi !== 'overlap') {
      throw new InvalidArgumentError(`Operator: mpi must be 'basic' or 'overlap', got ${String(options.mpi)}`);
    }
    const tree = buildKernel(this.name, set, schedule, options.mpi ?? 'basic');
    // Kernel -> Kernel (the pass pipeline)
    this.kernel = runPasses(tree, passes);
    // Kernel -> C text
    this.ccode = printKernel(this.kernel);
    this.flopsPerPoint = flopsPerPoint(this.kernel);
    this.bytesPerPoint = bytesPerPoint(this.kernel);
    this.log = process.env.DEVITO_TS_LOG === 'info' || process.env.DEVITO_TS_LOG === 'debug';
    const compiler = options.compiler ?? {};
    // A split grid's kernel calls MPI: it compiles against the installed MPI's headers and library.
    this.compilerOptions = this.kernel.mpi ? { ...compiler, flags: [...(compiler.flags ?? DEFAULT_FLAGS), ...mpiCompilerFlags()] } : compiler;
    this.gathered = this.kernel.mpi ? interpolatedSparses(this.kernel) : [];
    this.buildSeconds = (performance.now() - start) / 1000;
  }

  /** Builds (or finds in the cache) the shared library and binds the kernel; idempotent. */
  compile(): CompiledLibrary {
    if (!this.compiled) {
      let library = compileShared(this.ccode, this.name, this.compilerOptions);
      const load = (): ReturnType<typeof loadKernel> => loadKernel(library.path, this.name, this.kernel.parameters, this.kernel.dtype);
      let kernel: ReturnType<typeof loadKernel>;
      try {
        kernel = load();
      } catch {
        // A cached library damaged in a way the ELF check misses: build it again, once.
        library = compileShared(this.ccode, this.name, { ...this.compilerOptions, rebuild: true });
        try {
          kernel = load();
        } catch (error) {
          throw new KernelLoadError(
            `${this.name}: cannot load the compiled kernel ${library.path} even after rebuilding it (${(error as Error).message}); ` +
              'check the compiler flags, or clear the cache (devito-ts cache --clear)',
          );
        }
      }
      // Every call checks the status here: apply, bind and the autotuner's trials alike.
      const fn = (...values: unknown[]): void => {
        const status = kernel(...values);
        if (status !== 0) throw kernelFailure(this.name, status);
      };
      this.compiled = { library, fn };
    }
    return this.compiled.library;
  }

  /**
   * Validates `args` and lays out the call (with the block sizes tuned earlier for its thread
   * count), compiles, and autotunes first if asked to and not done yet for that thread count.
   */
  private prepare(given: ApplyArgs): PreparedCall {
    const args = checkArgsObject(given);
    const call = prepareCall(this.kernel, args, this.tuned.get(threadsOf(args)));
    warnThreadsOnce(call.nthreads);
    this.compile();
    // On a split grid every kernel call exchanges halos, and ranks with other boxes would try
    // other candidates (or find them cached): the trials would not pair up. Default sizes there.
    if (!args.autotune || this.tuned.has(call.nthreads) || this.kernel.mpi) return call;
    return prepareCall(this.kernel, args, this.autotune(args, call));
  }

  /**
   * Picks cache-block and time-tile sizes: from this Operator's memory, the on-disk tuning cache,
   * or by timing candidates on the fields themselves. The fields the kernel writes are restored
   * after every trial, so tuning never changes the results. Cache blocks are timed over (at most)
   * three steps of the requested range; then, for time-tiled kernels, the best of them and the
   * time tiles over twelve steps from the start of the range (as far as saved buffers allow),
   * every candidate over the same steps.
   */
  private autotune(args: ApplyArgs, call: PreparedCall): BlockSizes {
    const { nthreads } = call;
    const blocks = candidateBlockShapes(this.kernel);
    if (blocks.length === 0) return {};
    const cacheDir = this.compilerOptions.cacheDir ?? defaultCacheDir();
    const key = tuningKey(this.compiled!.library.hash, this.kernel.grid.shape, nthreads);
    let sizes = loadTuned(cacheDir, key);
    if (!sizes) {
      // The fields this call runs on (substitutes included) are the ones trials overwrite.
      const { fields } = call;
      const written: readonly { readonly data: { readonly raw: FloatArray } }[] = [
        ...this.kernel.written.map((f) => fields.fields.get(f.name)!),
        ...fields.sparses.values(),
      ];
      const snapshot = written.map((f) => f.data.raw.slice());
      const restore = (): void => written.forEach((f, i) => f.data.raw.set(snapshot[i]!));
      const { timeMin, timeMax } = call;
      const short: ApplyArgs = timeMin === undefined ? {} : { timeMin, timeMax: Math.min(timeMin + 2, timeMax!) };
      const long: ApplyArgs = timeMin === undefined ? {} : { timeMin, timeMax: Math.min(timeMin + 11, timeLimits(this.kernel).highest) };
      const trial = (range: ApplyArgs) => (candidate: BlockSizes): number => {
        restore();
        const prepared = prepareCall(this.kernel, { ...args, ...range }, candidate);
        this.compiled!.fn(...prepared.values);
        return prepared.timers.reduce((a, b) => a + b, 0);
      };
      // One untimed warm-up call (page faults, thread start-up), then the best of five trials per
      // shape, the shapes taking turns.
      trial(short)(blocks[0]!);
      sizes = fastest(blocks, trial(short), 5);
      const tiles = candidateTimeTiles(this.kernel);
      if (tiles.length > 0) sizes = fastest([sizes, ...tiles], trial(long), 3);
      restore();
      storeTuned(cacheDir, key, sizes);
    }
    this.tuned.set(nthreads, sizes);
    return sizes;
  }

  /** Block sizes the autotuner chose for `nthreads` threads in this process, if it ran. */
  tunedBlockSizes(nthreads: number): BlockSizes | undefined {
    return this.tuned.get(nthreads);
  }

  /**
   * Validates `args` once and returns a runner for repeated calls over time ranges: the hot path
   * of checkpointed adjoints, where only the range changes between calls (still range-checked).
   */
  bind(args: ApplyArgs = {}): BoundOperator {
    const call = this.prepare(args);
    const fn = this.compiled!.fn;
    const values = call.values;
    const minIndex = this.kernel.parameters.findIndex((p) => p.name === 'time_m');
    const maxIndex = this.kernel.parameters.findIndex((p) => p.name === 'time_M');
    const kernel = this.kernel;
    const gathered = this.gathered;
    const run = (timeMin: number, timeMax: number): void => {
      checkTimeRange(kernel, timeMin, timeMax);
      values[minIndex] = timeMin;
      values[maxIndex] = timeMax;
      fn(...values);
      gatherSamples(kernel, call.fields, gathered, timeMin, timeMax);
    };
    // Where each field's array sits in the argument list, found once: runWith runs per reverse step.
    const fieldIndex = new Map<object, number>(kernel.parameters.flatMap((p, i) => (p.kind === 'field' ? [[p.field, i] as const] : [])));
    return {
      run,
      runWith(timeMin: number, timeMax: number, data: ReadonlyMap<object, FloatArray>): void {
        const swaps = [...data].map(([field, given]): [index: number, own: FloatArray, given: FloatArray] => {
          const index = fieldIndex.get(field);
          if (index === undefined) throw new ApplyArgumentError(`${kernel.name}: runWith was given data for a field this kernel does not take`);
          const own = values[index] as FloatArray;
          if (given.constructor !== own.constructor || given.length < own.length) {
            throw new ApplyArgumentError(`${kernel.name}: runWith needs a ${own.constructor.name} of at least ${own.length} elements for ${kernel.parameters[index]!.name}`);
          }
          return [index, own, given];
        });
        for (const [index, , given] of swaps) values[index] = given;
        try {
          run(timeMin, timeMax);
        } finally {
          for (const [index, own] of swaps) values[index] = own;
        }
      },
      timers: call.timers,
    };
  }

  /**
   * What `apply(args)` would pass to the kernel, by C parameter name in parameter order, without
   * running or compiling it: numbers as they would be passed (time range, bounds, sizes,
   * spacings, `dt`, Constants, block sizes, threads), arrays described (whose field, dtype,
   * allocated shape). Validates `args` as `apply` does.
   */
  arguments(args: ApplyArgs = {}): Record<string, KernelArgument> {
    const call = prepareCall(this.kernel, args, this.tuned.get(threadsOf(checkArgsObject(args))));
    return describeCall(this.kernel, call);
  }

  /**
   * Runs the kernel over the time range `timeMin … timeMax` (inclusive) on the fields' own
   * memory, or on fields given by name in `args` (`{ u: otherU }`: same dtype, dimensions, grid
   * shape, halo and time slots as `u`; the kernel's grid spacing and loop bounds apply).
   */
  apply(args: ApplyArgs = {}): PerformanceSummary {
    const call = this.prepare(args);
    this.compiled!.fn(...call.values);
    gatherSamples(this.kernel, call.fields, this.gathered, call.timeMin, call.timeMax);
    const elapsedSeconds = call.timers.reduce((a, b) => a + b, 0);
    // Under MPI, this rank's points: the rate is the rank's own.
    const points = this.kernel.grid.localShape.reduce((a, b) => a * b, 1);
    const updates = points * call.timesteps;
    const summary: PerformanceSummary = {
      elapsedSeconds,
      gpointsPerSecond: elapsedSeconds > 0 ? updates / elapsedSeconds / 1e9 : 0,
      gflopsPerSecond: elapsedSeconds > 0 ? (updates * this.flopsPerPoint) / elapsedSeconds / 1e9 : 0,
      operationalIntensity: this.bytesPerPoint > 0 ? this.flopsPerPoint / this.bytesPerPoint : 0,
      timesteps: call.timesteps,
      points,
      nthreads: call.nthreads,
      sections: this.kernel.sections.map((name, i) => ({ name, seconds: call.timers[i]! })),
    };
    if (this.log) process.stderr.write(formatSummary(this.name, summary));
    return summary;
  }
}

const isSparse = (segment: readonly LoweredEq[] | LoweredSparse): segment is LoweredSparse => !Array.isArray(segment);

/** Devito-style report: the whole call, then each section. */
function formatSummary(name: string, summary: PerformanceSummary): string {
  const lines = [
    `Operator \`${name}\` ran in ${summary.elapsedSeconds.toFixed(2)} s ` +
      `[OI=${summary.operationalIntensity.toFixed(2)}, ${summary.gflopsPerSecond.toFixed(2)} GFlops/s, ${summary.gpointsPerSecond.toFixed(2)} GPts/s, ${summary.nthreads} threads]`,
    ...summary.sections.map((s) => `  ${s.name} ran in ${s.seconds.toFixed(2)} s`),
  ];
  return `${lines.join('\n')}\n`;
}
