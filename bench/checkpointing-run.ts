// One row of `npm run bench:checkpointing`, run in a child process of its own (so that the peak
// RSS it reports is this row's alone), plus the problem both the parent and the children build.
//
// A row is one FWI gradient of one shot on a two-layer model, either
//   - 'revolve': the Revolver (memory storage) under a memory budget, driving
//     `solver.gradientStepping()`, or
//   - 'history': the saved-history path, `solver.forward({ save: true })` + `solver.gradient()`.
// The residual is the shot record itself (the gradient of ½‖d‖²), so every row of a dimension
// computes the same gradient from the same data, and gradients can be compared bitwise.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FloatArray } from '../src/dsl/dtype.ts';
import { TimeFunction } from '../src/dsl/functions.ts';
import type { SparseTimeFunction } from '../src/dsl/sparse.ts';
import { Checkpoint } from '../src/revolve/checkpoint.ts';
import { measureCosts } from '../src/revolve/measure.ts';
import { Revolver } from '../src/revolve/revolver.ts';
import type { PredictedTime } from '../src/revolve/schedules/cost.ts';
import type { CostModel } from '../src/revolve/schedules/types.ts';
import { AcousticWaveSolver, type GradientStepping } from '../src/seismic/acoustic-solver.ts';
import { AcquisitionGeometry } from '../src/seismic/geometry.ts';
import { SeismicModel } from '../src/seismic/model.ts';

/** The problem of one dimension: everything a child needs to rebuild it identically. */
export interface ProblemSpec {
  readonly ndim: 2 | 3;
  /** Physical points per axis (the same on every axis). */
  readonly size: number;
  /** Absorbing-layer points on every side. */
  readonly nbl: number;
  /** Forward steps n (nt = n + 2 time samples). */
  readonly steps: number;
  readonly spaceOrder: number;
  readonly nthreads: number;
}

export interface RowSpec {
  readonly problem: ProblemSpec;
  readonly kind: 'revolve' | 'history';
  /** Memory budget as a fraction of (n + 1) × stateBytes ('revolve' rows). */
  readonly fraction: number;
  /** Where to write the gradient (raw little-endian float32/float64 values, physical shape). */
  readonly gradientPath: string;
}

/** One gradient (forward sweep + reverse sweep) of a row. */
export interface GradientRun {
  /** Wall seconds of applyForward() and applyReverse() ('history': forward({ save }) and gradient()). */
  readonly applyForwardSeconds: number;
  readonly applyReverseSeconds: number;
  /** Revolver's own split (ms): inside forward.apply, inside reverse.apply, in the storage (copies included). */
  readonly forwardMs: number;
  readonly reverseMs: number;
  readonly storageMs: number;
  readonly forwardSteps: number;
  readonly reverseSteps: number;
  readonly forwardCalls: number;
  readonly saves: number;
  readonly restores: number;
  /** Restores the reverse step read in place (no copy). */
  readonly inPlaceRestores: number;
  /** Process CPU time ÷ (wall × threads) over the gradient: well below 1 means other processes took our cores. */
  readonly cpuShare: number;
}

export interface RowResult {
  readonly kind: 'revolve' | 'history';
  readonly nSteps: number;
  readonly stateBytes: number;
  readonly predictedForwardSteps: number;
  /**
   * 'revolve': the cost model measured in this process before the gradients (forward step = the
   * plain sweep before them ÷ n, reverse step = the mean of REVERSE_PROBE single reverse steps,
   * state copies to and from memory by `measureCosts`), and the Revolver's `plan.predicted` from it.
   */
  readonly costs?: CostModel;
  readonly predicted?: PredictedTime;
  readonly peakCheckpointBytes: number;
  /** Wall seconds of the plain forward sweeps (n steps, one kernel call, no checkpoints), before and after the gradients. */
  readonly plainForwardSeconds: readonly number[];
  /**
   * The gradient twice: [0] with a fresh Revolver (its checkpoint memory touched for the first
   * time, as in a job that builds a Revolver per shot), [1] the same Revolver again (memory warm).
   */
  readonly runs: readonly GradientRun[];
  /** process.resourceUsage().maxRSS at the end of the row, and RSS just before the first gradient, in bytes. */
  readonly peakRssBytes: number;
  readonly rssBeforeBytes: number;
  /** The checkpointed forward sweeps recorded the same shot as the plain sweep, bitwise ('revolve'). */
  readonly recordEqual: boolean | undefined;
  /** Both gradients of the row are bitwise equal. */
  readonly runsEqual: boolean;
  /** CPU seconds of the whole child process (warm-up included), for the parent's load accounting. */
  readonly processCpuSeconds: number;
}

export interface Problem {
  readonly model: SeismicModel;
  readonly geometry: AcquisitionGeometry;
  readonly solver: AcousticWaveSolver;
}

const SPACING = 10; // m
const F0 = 0.010; // kHz

/**
 * Two layers in depth (the last axis), 1.5 km/s over 2.5 km/s, spacing 10 m; one Ricker source
 * (10 Hz) at the centre 20 m deep, a line of receivers along x at 20 m depth; dt = the critical
 * step, tn = (n + 1)·dt so that there are exactly n forward steps.
 */
export function buildProblem(spec: ProblemSpec): Problem {
  const { ndim, size, nbl, steps, spaceOrder } = spec;
  const shape = Array.from({ length: ndim }, () => size);
  const points = size ** ndim;
  const vp = new Float32Array(points);
  for (let k = 0; k < points; k++) vp[k] = k % size < size / 2 ? 1.5 : 2.5;
  const model = new SeismicModel({ vp, shape, spacing: shape.map(() => SPACING), nbl, spaceOrder, dtype: 'float32' });
  const side = (size - 1) * SPACING;
  const dt = model.criticalDt;
  const source = ndim === 2 ? [[side / 2, 20]] : [[side / 2, side / 2, 20]];
  const receivers = Array.from({ length: size }, (_, i) => (ndim === 2 ? [i * SPACING, 20] : [i * SPACING, side / 2, 20]));
  const geometry = new AcquisitionGeometry(model, { srcCoordinates: source, recCoordinates: receivers, t0: 0, tn: (steps + 1) * dt, f0: F0, dt, srcType: 'Ricker' });
  if (geometry.nt !== steps + 2) throw new Error(`bench: expected nt = ${steps + 2}, got ${geometry.nt}`);
  const solver = new AcousticWaveSolver(model, geometry, { spaceOrder });
  return { model, geometry, solver };
}

/** Bytes of one checkpoint (2 time levels of u, halo included), of one time level, the padded shape and dt, without building a solver. */
export function stateFacts(spec: ProblemSpec): { stateBytes: number; levelBytes: number; paddedShape: readonly number[]; dt: number } {
  const shape = Array.from({ length: spec.ndim }, () => spec.size);
  // vp = the fast layer's everywhere: the same grid, halo and critical dt as buildProblem's model.
  const model = new SeismicModel({ vp: 2.5, shape, spacing: shape.map(() => SPACING), nbl: spec.nbl, spaceOrder: spec.spaceOrder, dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid: model.grid, timeOrder: 2, spaceOrder: spec.spaceOrder });
  const stateBytes = new Checkpoint([u], { timeOffset: 1 }).nbytes;
  return { stateBytes, levelBytes: stateBytes / 2, paddedShape: model.paddedShape, dt: model.criticalDt };
}

/** CPU seconds this process has used so far (user + system). */
export const processCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const rss = (): number => process.memoryUsage.rss();
const maxRss = (): number => {
  // VmHWM, when /proc has it: resettable (resetPeakRss), unlike getrusage's maxRSS.
  const match = existsSync('/proc/self/status') ? /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8')) : null;
  return match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
};

/**
 * Frees the cost measurement's scratch memory (128 MiB of copies timed against RAM, see
 * measureCosts) and resets the peak RSS (node's --expose-gc, which the parent passes, and Linux's
 * clear_refs). Measured: the freed buffers mostly stay resident after gc() (the allocator keeps
 * them), so the peak of a small-budget row still includes up to ~80 MiB of them.
 */
function resetPeakRss(): void {
  (globalThis as { gc?: () => void }).gc?.();
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak keeps the scratch memory.
  }
}


export function sameBits(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return Buffer.compare(x, y) === 0;
}

/** Runs `body` and returns its wall seconds. */
export function wall(body: () => void): number {
  const t0 = performance.now();
  body();
  return (performance.now() - t0) / 1000;
}

/**
 * A tiny problem of the same dimension, order and layer: compiles (or loads from the cache) every
 * operator a row uses, so no gcc run lands inside a timed section (the generated C does not
 * depend on the grid size).
 */
export function warmUp(spec: ProblemSpec, kind: RowSpec['kind']): void {
  const { solver } = buildProblem({ ...spec, size: 12, nbl: Math.min(spec.nbl, 4), steps: 4 });
  const threads = { nthreads: spec.nthreads };
  if (kind === 'history') {
    const { rec, u } = solver.forward({ ...threads, save: true });
    solver.gradient(rec, { ...threads, u });
  } else {
    const stepping = solver.gradientStepping(threads);
    stepping.startForward();
    stepping.forward.apply(0, stepping.nSteps);
    const rec = stepping.finishForward();
    stepping.startReverse(rec);
    for (let k = stepping.nSteps - 1; k >= 0; k--) stepping.reverse.apply(k, k + 1);
    stepping.finishReverse();
  }
}

/** The plain forward sweep: all n steps in one kernel call, no checkpoints; its record is the residual. */
export function plainSweep(stepping: GradientStepping): { seconds: number; record: SparseTimeFunction } {
  stepping.startForward();
  const seconds = wall(() => stepping.forward.apply(0, stepping.nSteps));
  return { seconds, record: stepping.finishForward() };
}

/** Reverse steps timed for the cost model (after one untimed). */
export const REVERSE_PROBE = 60;

/**
 * Median ms of one reverse step, each its own `reverse.apply(k, k + 1)` call as the Revolver runs
 * them, from the last step down; whatever u holds, the work is the same.
 */
export function reverseStepMs(stepping: GradientStepping, residual: SparseTimeFunction): number {
  const n = stepping.nSteps;
  const probe = Math.min(REVERSE_PROBE, n - 1);
  stepping.startReverse(residual);
  stepping.reverse.apply(n - 1, n);
  const seconds: number[] = [];
  for (let k = n - 2; k >= n - 1 - probe; k--) seconds.push(wall(() => stepping.reverse.apply(k, k + 1)));
  stepping.finishReverse();
  // The median: a step another process delayed does not move it.
  seconds.sort((a, b) => a - b);
  return seconds.length ? 1000 * seconds[seconds.length >> 1]! : 0;
}

export function runRow(row: RowSpec): RowResult {
  const { problem: spec } = row;
  warmUp(spec, row.kind);
  const { solver } = buildProblem(spec);
  const threads = { nthreads: spec.nthreads };
  return row.kind === 'history' ? runHistory(row, solver, threads) : runRevolve(row, solver, threads);
}

function runRevolve(row: RowSpec, solver: AcousticWaveSolver, threads: { nthreads: number }): RowResult {
  const stepping = solver.gradientStepping(threads);
  const n = stepping.nSteps;
  const stateBytes = stepping.checkpoint.nbytes;
  const budgetBytes = row.fraction * (n + 1) * stateBytes;

  stepping.startForward();
  stepping.forward.apply(0, Math.min(n, 20)); // first touch of u, OpenMP threads started
  const before = plainSweep(stepping);
  const residual = before.record;

  // The cost model, measured here before the gradients run: what the Revolver's prediction uses.
  const copies = measureCosts(stepping.checkpoint, stepping.forward, undefined, n);
  const costs: CostModel = { ...copies, forwardStepMs: (1000 * before.seconds) / n, reverseStepMs: reverseStepMs(stepping, residual) };
  const revolver = new Revolver({
    checkpoint: stepping.checkpoint, forward: stepping.forward, reverse: stepping.reverse, nTimesteps: n, memoryBudgetBytes: budgetBytes, storage: { kind: 'memory' },
    costs,
  });
  resetPeakRss();
  const plan = revolver.plan;
  const rssBeforeBytes = rss();
  let recordEqual = true;
  const gradients: FloatArray[] = [];
  const runs: GradientRun[] = [];
  let peakCheckpointBytes = 0;
  for (let run = 0; run < 2; run++) {
    const cpu0 = process.cpuUsage();
    stepping.startForward();
    const applyForwardSeconds = wall(() => revolver.applyForward());
    const recorded = stepping.finishForward();
    stepping.startReverse(residual);
    const applyReverseSeconds = wall(() => revolver.applyReverse());
    const cpu = process.cpuUsage(cpu0);
    gradients.push(stepping.finishReverse());
    recordEqual &&= sameBits(recorded.data.raw, residual.data.raw);
    const stats = revolver.stats;
    peakCheckpointBytes = Math.max(peakCheckpointBytes, stats.peakCheckpointBytes);
    runs.push({
      applyForwardSeconds,
      applyReverseSeconds,
      forwardMs: stats.forwardMs,
      reverseMs: stats.reverseMs,
      storageMs: stats.storageMs,
      forwardSteps: stats.forwardSteps,
      reverseSteps: stats.reverseSteps,
      forwardCalls: stats.forwardCalls,
      saves: stats.saves,
      restores: stats.restores,
      inPlaceRestores: stats.inPlaceRestores,
      cpuShare: (cpu.user + cpu.system) / 1e6 / ((applyForwardSeconds + applyReverseSeconds) * threads.nthreads),
    });
  }
  const peakRssBytes = maxRss();
  revolver.close();

  const after = plainSweep(stepping);
  const grad = gradients[0]!;
  writeFileSync(row.gradientPath, new Uint8Array(grad.buffer, grad.byteOffset, grad.byteLength));
  return {
    kind: 'revolve',
    nSteps: n,
    stateBytes,
    predictedForwardSteps: plan.forwardSteps,
    costs,
    predicted: plan.predicted,
    peakCheckpointBytes,
    plainForwardSeconds: [before.seconds, after.seconds],
    runs,
    peakRssBytes,
    rssBeforeBytes,
    recordEqual,
    runsEqual: sameBits(gradients[0]!, gradients[1]!),
    processCpuSeconds: processCpuSeconds(),
  };
}

function runHistory(row: RowSpec, solver: AcousticWaveSolver, threads: { nthreads: number }): RowResult {
  const n = solver.nt - 2;
  // Built (from the warm cache) outside the timed part; the saved history is allocated by the first forward.
  solver.forwardOperator({ save: true }).compile();
  solver.gradientOperator({ save: true }).compile();
  const rssBeforeBytes = rss();
  const gradients: FloatArray[] = [];
  const runs: GradientRun[] = [];
  let historyBytes = 0;
  for (let run = 0; run < 2; run++) {
    const cpu0 = process.cpuUsage();
    let residual: SparseTimeFunction | undefined;
    let u: TimeFunction | undefined;
    const applyForwardSeconds = wall(() => ({ rec: residual, u } = solver.forward({ ...threads, save: true })));
    let grad: FloatArray | undefined;
    const applyReverseSeconds = wall(() => ({ grad } = solver.gradient(residual!, { ...threads, u: u! })));
    const cpu = process.cpuUsage(cpu0);
    gradients.push(grad!);
    historyBytes = u!.data.raw.byteLength;
    runs.push({
      applyForwardSeconds,
      applyReverseSeconds,
      forwardMs: applyForwardSeconds * 1000,
      reverseMs: applyReverseSeconds * 1000,
      storageMs: 0,
      forwardSteps: n,
      reverseSteps: n,
      forwardCalls: 1,
      saves: 0,
      restores: 0,
      inPlaceRestores: 0,
      cpuShare: (cpu.user + cpu.system) / 1e6 / ((applyForwardSeconds + applyReverseSeconds) * threads.nthreads),
    });
  }
  const peakRssBytes = maxRss();
  const grad = gradients[0]!;
  writeFileSync(row.gradientPath, new Uint8Array(grad.buffer, grad.byteOffset, grad.byteLength));
  return {
    kind: 'history',
    nSteps: n,
    stateBytes: (2 * historyBytes) / solver.nt, // two of its time levels
    predictedForwardSteps: n,
    peakCheckpointBytes: historyBytes,
    plainForwardSeconds: [],
    runs,
    peakRssBytes,
    rssBeforeBytes,
    recordEqual: undefined,
    runsEqual: sameBits(gradients[0]!, gradients[1]!),
    processCpuSeconds: processCpuSeconds(),
  };
}
