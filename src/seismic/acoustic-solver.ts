/**
 * Acoustic forward, adjoint, Born and FWI-gradient modelling (Devito's examples/seismic/acoustic
 * in our DSL).
 *
 * Design note — time stepping and what each step needs.
 *
 * Time samples are k = 0 … nt−1 (t0 + k·dt). The medium is at rest: u[0] = u[1] = 0.
 *
 * - Forward operator, time index t = 1 … nt−2: reads u[t], u[t−1]; writes u[t+1]; injects
 *   src[t] into u[t+1]; records rec[t] = P·u[t]. rec[nt−1] = P·u[nt−1] is sampled afterwards by a
 *   one-step interpolation operator (no update step reaches it without writing u[nt]). src[0]
 *   and src[nt−1] therefore never act, and rec[0] = 0.
 * - Adjoint operator, t = nt−1 … 1 (backwards): injects rec[t] into v[t], which completes v[t];
 *   writes v[t−1] from v[t], v[t+1]; srca[t] = P·v[t+1]. This is the exact transpose of the
 *   forward recursion (see acoustic-equations.ts), so the dot test holds to rounding.
 * - Born operator, t = 1 … nt−2: the forward step for u, then du[t+1] with the source −dm·u_tt[t]
 *   (reads u[t+1], just computed); rec[t] = P·du[t], plus the final sample as above.
 * - Gradient operator, t = nt−1 … 2 (backwards): injects residual[t] into v[t]; accumulates
 *   grad −= (u[t]·(v[t] − 2·v[t+1]) + u[t−1]·v[t+1])/dt²; writes v[t−1]. It is the exact
 *   transpose of Born.
 *
 * Checkpointing contract. Gradient step t reads exactly two forward time levels, u[t] and
 * u[t−1] — the state right after forward step t−1 (which wrote u[t]) — and nothing else of the
 * forward run; it never writes u. In Revolve numbering (n = nt−2 steps): forward step k is
 * forward time index k+1 (CheckpointOperator timeOffset 1), the state after k steps holds
 * u[k+1], u[k] (Checkpoint([u], { timeOffset: 1 })), and reverse step k is gradient time index
 * k+2 (timeOffset 2), which needs state k+1 live — the Revolver's invariant. `gradientStepping()`
 * packages exactly this; the saved-history `gradient` runs the same equations over t = nt−1 … 2.
 *
 * Free surface (`freeSurface: true`). Each operator solves its PDE below the surface only, the
 * rows next to it with the wavefield mirrored oddly about it inside their stencils, and zeroes
 * the surface row of each wavefield level once injected (acoustic-equations.ts says why this
 * keeps the operators exact transposes). The state a step starts from is still u[t], u[t−1]
 * alone, so checkpoints and the bitwise checkpointed gradient are unchanged.
 */
import type { FloatArray } from '../dsl/dtype.ts';
import { checkSpaceOrder, Function, TimeFunction } from '../dsl/functions.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import type { MpiMode } from '../ir/types.ts';
import { SparseTimeFunction } from '../dsl/sparse.ts';
import { GridMismatchError, InvalidArgumentError, ShapeError } from '../errors.ts';
import { Operator, type PerformanceSummary } from '../operator.ts';
import { Checkpoint } from '../revolve/checkpoint.ts';
import { Revolver, type ProgressCallback, type RevolverOptions, type RevolverStats } from '../revolve/revolver.ts';
import type { CheckpointStorage } from '../revolve/storage/storage.ts';
import { isStorage, type StorageSpec } from '../revolve/storage/create.ts';
import { planCheckpoints, type CheckpointPlan } from '../revolve/budget.ts';
import { CheckpointOperator } from '../revolve/checkpoint-operator.ts';
import type { Stepper } from '../revolve/contracts.ts';
import {
  adjointEquations, bornEquations, forwardEquations, freeSurface, gradientEquations, sampleEquations, stencilEquations,
  type FreeSurface, type MediumFields,
} from './acoustic-equations.ts';
import { AcquisitionGeometry } from './geometry.ts';
import { SeismicModel } from './model.ts';
import { startCheckpointedRun, type CheckpointedForward } from './checkpointed-run.ts';
import { applyLabelled, combine, type ModellingSummary } from './summary.ts';
import { kernelArgs, loadPoints, solverPoints, withVelocity } from './solver-support.ts';

/** Options of `AcousticWaveSolver`. */
export interface AcousticWaveSolverOptions {
  /** Accuracy order of the Laplacian (default: the model's spaceOrder). */
  readonly spaceOrder?: number;
  /**
   * A free surface (pressure zero) at the physical top face, z = origin along the last axis, in
   * place of the absorbing layer there (which goes unused): the wavefield is mirrored oddly about
   * the surface inside the stencils of the rows next to it (see acoustic-equations.ts). Every
   * operator (forward, adjoint, Born, gradient, checkpointed) honours it, and they stay exact
   * transposes.
   */
  readonly freeSurface?: boolean;
  /** On a model split over MPI ranks: how its operators exchange halos (default `basic`; see `Operator`). */
  readonly mpi?: MpiMode;
}

/** Options every modelling call takes: a model-space override (the model itself is left as is) and threads. */
export interface RunOptions {
  /** Velocity (km/s, physical shape or one number) to model with instead of the model's. */
  readonly vp?: number | ArrayLike<number>;
  /** Squared slowness (physical shape) to model with instead of the model's. */
  readonly m?: ArrayLike<number>;
  readonly nthreads?: number;
  /**
   * Tune cache blocks and time tiles on the first call of each operator at this thread count
   * (timed on the call's own fields, restored after each trial; the choice is cached on disk).
   */
  readonly autotune?: boolean;
}

/** Options of `forward` (and, without `save`, of `born`). */
export interface ForwardOptions extends RunOptions {
  /** Source (default `geometry.src`); same point count and nt as the geometry's. */
  readonly src?: SparseTimeFunction;
  /** Keep every time index of u (needed by `gradient`); default false: a 3-slot ring. */
  readonly save?: boolean;
}

/** How `gradient` checkpoints instead of storing the forward history (give c or a budget). */
export interface CheckpointingOptions extends Pick<RevolverOptions, 'schedule' | 'diskBudgetBytes' | 'diskDirectory' | 'costs'> {
  /** Checkpoint slots, the initial state's included. */
  readonly nCheckpoints?: number;
  /** Bytes of checkpoints allowed (the Revolver picks the slot count). */
  readonly memoryBudgetBytes?: number;
  /** Memory (default), disk, two-level, compressed: a storage object or a spec. */
  readonly storage?: CheckpointStorage | StorageSpec;
  /** Called as the sweeps progress (`phase`, steps done, total). */
  readonly onProgress?: ProgressCallback;
  /** Source of the forward run (default `geometry.src`). */
  readonly src?: SparseTimeFunction;
}

/** Options of `forwardWithCheckpoints`. */
export interface CheckpointedForwardOptions extends RunOptions {
  readonly checkpointing: CheckpointingOptions;
  /** Source (default `checkpointing.src`, else `geometry.src`). */
  readonly src?: SparseTimeFunction;
}

/** A Revolver taken out of the solver's keeping for one run; `key` is set when it may be kept afterwards. */
interface Lease {
  readonly key: string | undefined;
  readonly stepping: GradientStepping;
  readonly revolver: Revolver;
}

/** Options of `gradient`. */
export interface GradientOptions extends RunOptions {
  /** The saved forward wavefield (`forward({ save: true }).u`); computed here when omitted. */
  readonly u?: TimeFunction;
  /** Recompute the forward wavefield under a memory bound (Revolve) instead of saving it all. */
  readonly checkpointing?: CheckpointingOptions;
}

const SOLVER_KEYS = optionKeys<AcousticWaveSolverOptions>({ spaceOrder: true, freeSurface: true, mpi: true });
const RUN_KEYS = optionKeys<RunOptions>({ vp: true, m: true, nthreads: true, autotune: true });
const CHECKPOINTED_FORWARD_KEYS = optionKeys<CheckpointedForwardOptions>({ vp: true, m: true, nthreads: true, autotune: true, checkpointing: true, src: true });
const FORWARD_KEYS = optionKeys<ForwardOptions>({ vp: true, m: true, nthreads: true, autotune: true, src: true, save: true });
const BORN_KEYS = FORWARD_KEYS.filter((key) => key !== 'save');
const GRADIENT_KEYS = optionKeys<GradientOptions>({ vp: true, m: true, nthreads: true, autotune: true, u: true, checkpointing: true });
const CHECKPOINTING_KEYS = optionKeys<CheckpointingOptions>({ nCheckpoints: true, memoryBudgetBytes: true, storage: true, onProgress: true, src: true, schedule: true, costs: true, diskBudgetBytes: true, diskDirectory: true });

/** What a gradient call returns; `rec` and `revolver` come with checkpointing. */
export interface GradientResult {
  readonly grad: FloatArray;
  readonly v: TimeFunction;
  readonly summary: ModellingSummary;
  /** The shot record of the forward sweep (checkpointing runs it anyway). */
  readonly rec?: SparseTimeFunction;
  /** Forward and reverse steps, saves, restores, peak checkpoint bytes, timings. */
  readonly revolver?: RevolverStats;
}

/**
 * The pieces a checkpointing driver runs for one FWI gradient (see the design note): plug
 * `checkpoint`, `forward`, `reverse` and `nSteps` into a `Revolver`.
 */
export interface GradientStepping {
  /** Forward steps: nt − 2. */
  readonly nSteps: number;
  /** The forward wavefield (3-slot ring) the steppers share. */
  readonly u: TimeFunction;
  /** Holds u[k+1], u[k] for state k. */
  readonly checkpoint: Checkpoint;
  /** `apply(a, b)`: forward time indices a+1 … b. */
  readonly forward: Stepper;
  /** `apply(k, k+1)`: gradient time index k+2; needs state k+1 (u[k+2], u[k+1]) live. */
  readonly reverse: Stepper;
  /** Zeroes u and loads the source; call before the forward sweep. */
  startForward(src?: SparseTimeFunction): void;
  /** After all forward steps (state nSteps live): samples rec[nt−1], returns the shot record. */
  finishForward(): SparseTimeFunction;
  /** Loads the residual and zeroes v and the gradient; call before the reverse sweep. */
  startReverse(residual: SparseTimeFunction): void;
  /** After reverse steps nSteps−1 … 0: the gradient with respect to m, physical shape. */
  finishReverse(): FloatArray;
}

type OperatorKey = 'forward' | 'forwardSave' | 'sample' | 'sampleSave' | 'sampleBorn' | 'adjoint' | 'born' | 'gradient' | 'gradientSave' | 'stencil';

/**
 * Model + geometry → acoustic modelling operators, built once (lazily, on first use) and reused
 * by every call. The solver owns its wavefields: `u`, `v` and the Born field returned by a call
 * are overwritten by the next call that uses them (copy `u.data.toArray()` to keep one); shot
 * records (`rec`, `srca`) and gradients are fresh copies.
 */
export class AcousticWaveSolver {
  readonly model: SeismicModel;
  readonly geometry: AcquisitionGeometry;
  readonly spaceOrder: number;
  /** Whether the top face is a free surface (see the option). */
  readonly freeSurface: boolean;
  private readonly medium: MediumFields;
  /** The free surface's subdomains, when there is one. */
  private readonly surface: FreeSurface | undefined;
  private readonly u: TimeFunction;
  // Allocated on first use: a forward-only user never pays for them.
  private savedU: TimeFunction | undefined;
  private adjointField: TimeFunction | undefined;
  private bornField: TimeFunction | undefined;
  private perturbation: Function | undefined;
  private gradientField: Function | undefined;
  private adjointSource: SparseTimeFunction | undefined;
  private residualData: SparseTimeFunction | undefined;
  private readonly src: SparseTimeFunction;
  private readonly rec: SparseTimeFunction;
  private readonly operators = new Map<OperatorKey, Operator>();
  /** The Revolver of the last checkpointed run, kept for the next run with the same settings. */
  private kept: { key: string; stepping: GradientStepping; revolver: Revolver } | undefined;
  /**
   * The run (`forwardWithCheckpoints`) whose final forward state the ring `u` holds, if any:
   * every other call that writes `u` or the source clears it.
   */
  private liveState: object | undefined;
  /** The progress callback of the checkpointed gradient under way. */
  private progress: ProgressCallback | undefined;
  private readonly mpi: MpiMode | undefined;

  constructor(model: SeismicModel, geometry: AcquisitionGeometry, options: AcousticWaveSolverOptions = {}) {
    if (!(model instanceof SeismicModel)) throw new InvalidArgumentError('AcousticWaveSolver: model must be a SeismicModel');
    if (!(geometry instanceof AcquisitionGeometry)) throw new InvalidArgumentError('AcousticWaveSolver: geometry must be an AcquisitionGeometry');
    if (geometry.model !== model) throw new GridMismatchError('AcousticWaveSolver: the geometry was built for another SeismicModel; build it with this model');
    checkOptionKeys('AcousticWaveSolver', options, SOLVER_KEYS);
    const spaceOrder = checkSpaceOrder('AcousticWaveSolver', options.spaceOrder ?? model.spaceOrder);
    if (options.freeSurface !== undefined && typeof options.freeSurface !== 'boolean') {
      throw new InvalidArgumentError(`AcousticWaveSolver: freeSurface must be true or false, got ${String(options.freeSurface)}`);
    }
    const critical = model.criticalDtFor(spaceOrder);
    if (geometry.dt > critical * (1 + 1e-12)) {
      throw new InvalidArgumentError(
        `AcousticWaveSolver: the geometry's dt = ${geometry.dt.toPrecision(6)} ms is above the critical dt ${critical.toPrecision(6)} ms for spaceOrder ${spaceOrder}; build the geometry with { dt: ${critical.toPrecision(6)} } or lower`,
      );
    }
    this.model = model;
    this.geometry = geometry;
    this.spaceOrder = spaceOrder;
    this.medium = { m: model.m, damp: model.damp };
    this.freeSurface = options.freeSurface ?? false;
    if (options.mpi !== undefined && options.mpi !== 'basic' && options.mpi !== 'overlap') {
      throw new InvalidArgumentError(`AcousticWaveSolver: mpi must be 'basic' or 'overlap', got ${String(options.mpi)}`);
    }
    this.mpi = options.mpi;
    this.surface = this.freeSurface ? freeSurface(model.grid, model.nbl, spaceOrder) : undefined;
    this.u = this.wavefield('u');
    this.src = solverPoints(this.model, 'src', geometry.srcCoordinates, this.geometry.nt);
    this.rec = solverPoints(this.model, 'rec', geometry.recCoordinates, this.geometry.nt);
  }

  get dt(): number {
    return this.geometry.dt;
  }

  get nt(): number {
    return this.geometry.nt;
  }

  /**
   * Source → shot record: `rec` (data [nt, nrec]), the wavefield `u` (a ring holding u[nt−1] in
   * slot `u.slotOf(nt − 1)`, or with `save` the whole history) and the kernel summary.
   */
  forward(options: ForwardOptions = {}): { rec: SparseTimeFunction; u: TimeFunction; summary: ModellingSummary } {
    return this.runForward(checkOptionKeys('forward', options, FORWARD_KEYS));
  }

  private runForward(options: ForwardOptions): { rec: SparseTimeFunction; u: TimeFunction; summary: ModellingSummary } {
    const save = options.save ?? false;
    const u = save ? this.saved() : this.u;
    loadPoints(this.model, this.src, options.src ?? this.geometry.src, 'forward: src');
    this.liveState = undefined;
    u.data.raw.fill(0);
    this.rec.data.raw.fill(0);
    const summary = this.withModel(options, 'forward', () => [
      applyLabelled(this.operator(save ? 'forwardSave' : 'forward'), { timeMin: 1, timeMax: this.nt - 2, ...kernelArgs(this.dt, options) }),
      applyLabelled(this.operator(save ? 'sampleSave' : 'sample'), { timeMin: this.nt - 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { rec: this.copy(this.rec, 'rec'), u, summary };
  }

  /** Receiver data → `srca` (source-side data [nt, nsrc]), the adjoint wavefield `v` (final ring) and summary. */
  adjoint(rec: SparseTimeFunction, options: RunOptions = {}): { srca: SparseTimeFunction; v: TimeFunction; summary: ModellingSummary } {
    checkOptionKeys('adjoint', options, RUN_KEYS);
    loadPoints(this.model, this.rec, rec, 'adjoint: rec');
    this.v.data.raw.fill(0);
    this.srca.data.raw.fill(0);
    const summary = this.withModel(options, 'adjoint', () => [
      applyLabelled(this.operator('adjoint'), { timeMin: 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { srca: this.copy(this.srca, 'srca'), v: this.v, summary };
  }

  /**
   * Model perturbation dm (physical shape, of m = 1/vp²) → the linearised shot record `rec`, with
   * the background `u` and scattered field `U` (both rings) computed together.
   */
  born(dm: ArrayLike<number>, options: Omit<ForwardOptions, 'save'> = {}): { rec: SparseTimeFunction; u: TimeFunction; U: TimeFunction; summary: ModellingSummary } {
    checkOptionKeys('born', options, BORN_KEYS);
    this.dm.data.global.assign(this.model.pad(this.model.checkPhysical(dm, 'born: dm')));
    loadPoints(this.model, this.src, options.src ?? this.geometry.src, 'born: src');
    this.liveState = undefined;
    this.u.data.raw.fill(0);
    this.du.data.raw.fill(0);
    this.rec.data.raw.fill(0);
    const summary = this.withModel(options, 'born', () => [
      applyLabelled(this.operator('born'), { timeMin: 1, timeMax: this.nt - 2, ...kernelArgs(this.dt, options) }),
      applyLabelled(this.operator('sampleBorn'), { timeMin: this.nt - 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { rec: this.copy(this.rec, 'rec'), u: this.u, U: this.du, summary };
  }

  /**
   * Residual (receiver data) → the FWI gradient with respect to m (physical shape): the adjoint of
   * `born`, from the saved forward wavefield `u` (computed with `geometry.src` when omitted), or
   * with `checkpointing`, from a forward wavefield the Revolver recomputes under a memory bound —
   * bitwise the same gradient. The checkpoint memory is kept for the next call with the same
   * settings (FWI loops call this repeatedly); `releaseCheckpoints()` frees it.
   */
  gradient(residual: SparseTimeFunction, options: GradientOptions = {}): GradientResult {
    checkOptionKeys('gradient', options, GRADIENT_KEYS);
    if (options.checkpointing !== undefined) {
      checkOptionKeys('gradient: checkpointing', options.checkpointing, CHECKPOINTING_KEYS);
      return this.checkpointedGradient(residual, options);
    }
    const u = this.saved();
    const summaries: PerformanceSummary[] = [];
    if (options.u === undefined) summaries.push(this.runForward({ ...options, save: true }).summary);
    else if (options.u !== u) this.loadWavefield(u, options.u);
    loadPoints(this.model, this.residual, residual, 'gradient: residual');
    this.v.data.raw.fill(0);
    this.grad.data.raw.fill(0);
    summaries.push(this.withModel(options, 'gradient', () => [
      applyLabelled(this.operator('gradientSave'), { timeMin: 2, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]));
    return { grad: this.model.restrictAdjoint(this.grad.data.global.toArray()), v: this.v, summary: combine(summaries) };
  }

  /**
   * The gradient with the forward wavefield recomputed by the Revolver under `checkpointing`'s
   * memory bound: bitwise the saved-history gradient (same kernels, same arithmetic per step).
   */
  private checkpointedGradient(residual: SparseTimeFunction, options: GradientOptions): GradientResult {
    if (options.u !== undefined) throw new InvalidArgumentError('gradient: give u (a saved forward wavefield) or checkpointing, not both');
    const { u: _u, ...run } = options;
    const forward = this.forwardWithCheckpoints({ ...run, checkpointing: options.checkpointing! });
    try {
      return { ...forward.gradient(residual), rec: forward.rec };
    } finally {
      forward.release();
    }
  }

  /**
   * The first phase of a checkpointed gradient: runs the forward sweep under `checkpointing`'s
   * memory bound (Revolve), keeping the checkpoints, and returns the shot record with
   * `gradient(residual)` for the reverse sweep(s) and `release()`. For FWI, where the residual is
   * known only from the record. Between the two phases the model must stay as it was; other
   * calls of this solver may run in between (the run then recomputes its forward sweep).
   */
  forwardWithCheckpoints(options: CheckpointedForwardOptions): CheckpointedForward {
    checkOptionKeys('forwardWithCheckpoints', options, CHECKPOINTED_FORWARD_KEYS);
    const checkpointing = options.checkpointing;
    if (checkpointing === null || typeof checkpointing !== 'object') {
      throw new InvalidArgumentError('forwardWithCheckpoints: give { checkpointing: { nCheckpoints } } or { checkpointing: { memoryBudgetBytes } }');
    }
    checkOptionKeys('forwardWithCheckpoints: checkpointing', checkpointing, CHECKPOINTING_KEYS);
    const lease = this.leaseRevolver(options);
    const { stepping } = lease;
    const token = {};
    // The source the first sweep injected, kept for recomputing the sweep.
    let source: SparseTimeFunction | undefined;
    return startCheckpointedRun({
      revolver: lease.revolver,
      startForward: () => {
        this.liveState = undefined;
        stepping.startForward(source ?? options.src ?? checkpointing.src);
        source ??= this.copy(this.src, 'src');
      },
      finishForward: stepping.finishForward,
      startReverse: stepping.startReverse,
      finishReverse: stepping.finishReverse,
      v: () => this.v,
      points: this.model.grid.size,
      nthreads: options.nthreads,
      withModel: (what, body) => this.withModel(options, what, () => {
        this.progress = checkpointing.onProgress;
        try {
          return body();
        } finally {
          this.progress = undefined;
        }
      }),
      holdsLiveState: () => this.liveState === token,
      claimLiveState: (mine) => {
        if (mine) this.liveState = token;
        else if (this.liveState === token) this.liveState = undefined;
      },
      dispose: () => this.returnRevolver(lease),
    });
  }

  /**
   * The Revolver for these checkpointing options, taken out of the solver's keeping for one run.
   * With memory storage (the default, or a memory spec) it goes back to the solver when the run is
   * released, for the next run with the same settings: its checkpoint memory is allocated and
   * touched once, not per gradient (first touch of fresh memory costs more than the copies
   * themselves). Disk and two-level storage, and storage objects, are closed at release, so no
   * checkpoint file outlives the run.
   */
  private leaseRevolver(options: CheckpointedForwardOptions): Lease {
    const { checkpointing } = options;
    const storage = checkpointing.storage;
    // A Revolver on disk (a disk budget) closes its files at release, like disk storage.
    const keep = (storage === undefined || (!isStorage(storage) && storage.kind === 'memory')) && checkpointing.diskBudgetBytes === undefined;
    const schedule = [checkpointing.schedule ?? null, checkpointing.costs ?? null];
    const key = keep ? JSON.stringify([checkpointing.nCheckpoints ?? null, checkpointing.memoryBudgetBytes ?? null, storage ?? null, options.nthreads ?? null, options.autotune ?? false, schedule]) : '';
    if (keep && this.kept?.key === key) {
      const lease = this.kept;
      this.kept = undefined;
      return lease;
    }
    this.releaseCheckpoints();
    const stepping = this.steppers(options);
    // The Revolver's own settings (slots or budget, storage, schedule, disk, costs); it reads an unset one as not given.
    const { src: _src, onProgress: _onProgress, ...settings } = checkpointing;
    const revolver = new Revolver({
      checkpoint: stepping.checkpoint,
      forward: stepping.forward,
      reverse: stepping.reverse,
      nTimesteps: stepping.nSteps,
      ...settings,
      onProgress: (phase, done, total) => this.progress?.(phase, done, total),
    });
    return { key: keep ? key : undefined, stepping, revolver };
  }

  /** A run's Revolver back: kept for the next run with the same settings (memory), else closed. */
  private returnRevolver(lease: Lease): void {
    if (lease.key === undefined) {
      lease.revolver.close();
      return;
    }
    this.releaseCheckpoints();
    this.kept = { ...lease, key: lease.key };
  }

  /** Slots, checkpoint bytes and predicted forward steps of a checkpointed gradient with these settings, before running it. */
  checkpointPlan(checkpointing: Pick<CheckpointingOptions, 'nCheckpoints' | 'memoryBudgetBytes'>): CheckpointPlan {
    return planCheckpoints({
      nTimesteps: this.nt - 2,
      stateBytes: new Checkpoint([this.u], { timeOffset: 1 }).nbytes,
      nCheckpoints: checkpointing.nCheckpoints,
      memoryBudgetBytes: checkpointing.memoryBudgetBytes,
    });
  }

  /** Frees the checkpoint memory (or files) a checkpointed `gradient` kept for its next call. */
  releaseCheckpoints(): void {
    this.kept?.revolver.close();
    this.kept = undefined;
  }


  /**
   * The forward operator (see the design note for its time indices), on the ring `u` or, with
   * `save`, on the full history. Built once; bound to this solver's fields.
   */
  forwardOperator(options: { save?: boolean } = {}): Operator {
    return this.operator(options.save ? 'forwardSave' : 'forward');
  }

  /** The gradient operator (see the design note), reading the ring `u` or, with `save`, the history. */
  gradientOperator(options: { save?: boolean } = {}): Operator {
    return this.operator(options.save ? 'gradientSave' : 'gradient');
  }

  /** The forward stencil without sources or receivers, on the ring `u` (for benchmarks). */
  stencilOperator(): Operator {
    return this.operator('stencil');
  }

  /** The forward and gradient operators as steppers for checkpointing (see `GradientStepping`). */
  gradientStepping(options: { nthreads?: number; autotune?: boolean } = {}): GradientStepping {
    this.checkStable(this.model.vmax, 'gradientStepping');
    return this.steppers(options);
  }

  /**
   * `gradientStepping` without its stability check: `gradient({ checkpointing })` has checked the
   * model it runs with (an override's velocity, not the stored model's) in `withModel`.
   */
  private steppers(options: { nthreads?: number; autotune?: boolean }): GradientStepping {
    const args = kernelArgs(this.dt, options);
    const checkpoint = new Checkpoint([this.u], { timeOffset: 1 });
    return {
      nSteps: this.nt - 2,
      u: this.u,
      checkpoint,
      forward: new CheckpointOperator(this.operator('forward'), args, { timeOffset: 1 }),
      // The gradient only reads u: from memory checkpoints it may read u in place (no restore copy).
      reverse: new CheckpointOperator(this.operator('gradient'), args, { timeOffset: 2, readsInPlace: checkpoint }),
      startForward: (src?: SparseTimeFunction): void => {
        loadPoints(this.model, this.src, src ?? this.geometry.src, 'gradientStepping: src');
        this.u.data.raw.fill(0);
        this.rec.data.raw.fill(0);
      },
      finishForward: (): SparseTimeFunction => {
        this.operator('sample').apply({ timeMin: this.nt - 1, timeMax: this.nt - 1, ...args });
        return this.copy(this.rec, 'rec');
      },
      startReverse: (residual: SparseTimeFunction): void => {
        loadPoints(this.model, this.residual, residual, 'gradientStepping: residual');
        this.v.data.raw.fill(0);
        this.grad.data.raw.fill(0);
      },
      finishReverse: (): FloatArray => this.model.restrictAdjoint(this.grad.data.global.toArray()),
    };
  }

  private operator(key: OperatorKey): Operator {
    const known = this.operators.get(key);
    if (known) return known;
    const { medium, u, src, rec, surface } = this;
    const equations = ((): ConstructorParameters<typeof Operator>[0] => {
      switch (key) {
        case 'forward': return forwardEquations(u, medium, src, rec, surface);
        case 'forwardSave': return forwardEquations(this.saved(), medium, src, rec, surface);
        case 'sample': return sampleEquations(u, rec);
        case 'sampleSave': return sampleEquations(this.saved(), rec);
        case 'sampleBorn': return sampleEquations(this.du, rec);
        case 'adjoint': return adjointEquations(this.v, medium, rec, this.srca, surface);
        case 'born': return bornEquations(u, this.du, this.dm, medium, src, rec, surface);
        case 'gradient': return gradientEquations(this.v, u, this.grad, medium, this.residual, surface);
        case 'gradientSave': return gradientEquations(this.v, this.saved(), this.grad, medium, this.residual, surface);
        case 'stencil': return stencilEquations(u, medium, surface);
      }
    })();
    const name = `acoustic_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    const op = new Operator(equations, { name, ...(this.mpi === undefined ? {} : { mpi: this.mpi }) });
    this.operators.set(key, op);
    return op;
  }

  /** A wavefield of the padded grid: a 3-slot ring, or with `save` the whole history. */
  private wavefield(name: string, save?: number): TimeFunction {
    return new TimeFunction({ name, grid: this.model.grid, timeOrder: 2, spaceOrder: this.spaceOrder, ...(save === undefined ? {} : { save }) });
  }

  private saved(): TimeFunction {
    this.savedU ??= this.wavefield('u', this.nt);
    return this.savedU;
  }

  private get v(): TimeFunction {
    this.adjointField ??= this.wavefield('v');
    return this.adjointField;
  }

  private get du(): TimeFunction {
    this.bornField ??= this.wavefield('du');
    return this.bornField;
  }

  private get dm(): Function {
    this.perturbation ??= new Function({ name: 'dm', grid: this.model.grid, spaceOrder: this.spaceOrder, halo: 0 });
    return this.perturbation;
  }

  private get srca(): SparseTimeFunction {
    this.adjointSource ??= solverPoints(this.model, 'srca', this.geometry.srcCoordinates, this.geometry.nt);
    return this.adjointSource;
  }

  private get residual(): SparseTimeFunction {
    this.residualData ??= solverPoints(this.model, 'residual', this.geometry.recCoordinates, this.geometry.nt);
    return this.residualData;
  }

  private get grad(): Function {
    this.gradientField ??= new Function({ name: 'grad', grid: this.model.grid, spaceOrder: this.spaceOrder, halo: 0 });
    return this.gradientField;
  }

  /** Runs `body` with the call's velocity override (restored afterwards), after a stability check. */
  private withModel(options: RunOptions, what: string, body: () => PerformanceSummary[]): PerformanceSummary {
    return withVelocity(this.model, options, what, (velocity) => this.checkStable(velocity === undefined ? this.model.vmax : velocity.reduce((a, b) => Math.max(a, b), 0), what), body);
  }

  private checkStable(vmax: number, what: string): void {
    const limit = this.model.stabilityLimit(this.spaceOrder, vmax);
    if (this.dt > limit) {
      throw new InvalidArgumentError(
        `${what}: dt = ${this.dt.toPrecision(6)} ms is unstable for vmax = ${vmax.toPrecision(6)} km/s (limit ${limit.toPrecision(6)} ms at spaceOrder ${this.spaceOrder}); lower the velocities or build the geometry with a smaller dt`,
      );
    }
  }

  private loadWavefield(target: TimeFunction, given: TimeFunction): void {
    if (!(given instanceof TimeFunction) || given.save !== this.nt || given.data.shape.join() !== target.data.shape.join()) {
      throw new ShapeError(
        `gradient: u must be a saved forward wavefield of shape [${target.data.shape.join(', ')}] (forward({ save: true }).u), got ${given instanceof TimeFunction ? `[${given.data.shape.join(', ')}]` : String(given)}`,
      );
    }
    if (given.data.allocatedShape.join() === target.data.allocatedShape.join()) {
      target.data.raw.set(given.data.raw);
      return;
    }
    // A different halo (another spaceOrder): go through the dense view.
    const dense = given.data.toArray();
    target.data.assign(target.dtype === given.dtype ? dense : target.dtype === 'float32' ? Float32Array.from(dense) : Float64Array.from(dense));
  }

  private copy(from: SparseTimeFunction, name: string): SparseTimeFunction {
    const out = new SparseTimeFunction({ name, grid: from.grid, npoint: from.npoint, nt: from.nt, coordinates: from.coordinates, dtype: from.dtype });
    out.data.raw.set(from.data.raw);
    return out;
  }
}
