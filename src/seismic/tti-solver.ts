/**
 * Pseudo-acoustic TTI forward, adjoint, Born and FWI-gradient modelling (Devito's
 * examples/seismic/tti in our DSL), 2D and 3D; the equations are in tti-equations.ts.
 *
 * Time stepping is the acoustic solver's (see the design note of acoustic-solver.ts), with the
 * pair (p, r) where it has u and the adjoint pair (q, s) where it has v: forward t = 1 … nt−2 plus
 * a one-step sample of rec[nt−1]; adjoint t = nt−1 … 1; Born t = 1 … nt−2; gradient t = nt−1 … 2.
 * The checkpointing contract is the same too: gradient step t reads p, r at t and t−1 only, so
 * `Checkpoint([p, r], { timeOffset: 1 })` with the forward stepper at timeOffset 1 and the
 * gradient stepper at timeOffset 2 reproduces the saved-history gradient bitwise.
 *
 * Stability. For frozen coefficients the spatial operator's symbol is [[e·hp, d·hz], [d·hp, hz]]
 * with hp, hz ≤ 0 and hp + hz the Laplacian's symbol; when e ≥ d² (ε ≥ δ) its eigenvalues are
 * real, ≤ 0 and at most |e·hp + hz| ≤ max(1, e)·|Δ| in magnitude. So the leapfrog limit is the
 * acoustic one at the speed vp·√max(1, 1 + 2ε) (the horizontal P speed), taken pointwise.
 *
 * Free surface (`freeSurface: true`): tti-equations.ts. The state a step starts from is still
 * p, r at t and t−1, so checkpointing is unchanged.
 */
import type { FloatArray } from '../dsl/dtype.ts';
import { checkSpaceOrder, Function, TimeFunction } from '../dsl/functions.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { SparseTimeFunction } from '../dsl/sparse.ts';
import { GridMismatchError, InvalidArgumentError, ShapeError } from '../errors.ts';
import { Operator, type PerformanceSummary } from '../operator.ts';
import { Checkpoint } from '../revolve/checkpoint.ts';
import { CheckpointOperator } from '../revolve/checkpoint-operator.ts';
import { Revolver } from '../revolve/revolver.ts';
import type { CheckpointingOptions, GradientResult, RunOptions } from './acoustic-solver.ts';
import { startCheckpointedRun, type CheckpointedForward } from './checkpointed-run.ts';
import { freeSurface, type FreeSurface } from './acoustic-equations.ts';
import { AcquisitionGeometry } from './geometry.ts';
import { SeismicModel } from './model.ts';
import { CFL_SAFETY, stabilityLimit } from './stability.ts';
import { applyLabelled, combine, type ModellingSummary } from './summary.ts';
import { kernelArgs, loadPoints, solverPoints, withVelocity } from './solver-support.ts';
import {
  ttiAdjointEquations, ttiBornEquations, ttiForwardEquations, ttiGradientEquations, ttiSampleEquations, type TTIMedium, type TTIPair,
} from './tti-equations.ts';

/** Options of `TTIWaveSolver`. */
export interface TTIWaveSolverOptions {
  /** Accuracy order of the Laplacian, a multiple of 4 or an even number ≥ 4 (default: the model's spaceOrder). */
  readonly spaceOrder?: number;
  /**
   * A free surface (pressure zero) at the physical top face (z = origin, the last axis), as in
   * AcousticWaveSolver: p and r are mirrored oddly about it, and the medium's axis by reflection,
   * inside the rotated operators of the rows next to it (see tti-equations.ts). Every operator
   * honours it and they stay exact transposes.
   */
  readonly freeSurface?: boolean;
}

/** Options of `TTIWaveSolver.forward`. */
export interface TTIForwardOptions extends RunOptions {
  readonly src?: SparseTimeFunction;
  /** Keep every time index of p and r (needed by `gradient`). */
  readonly save?: boolean;
}

/** Options of `TTIWaveSolver.gradient`. */
export interface TTIGradientOptions extends RunOptions {
  /** The saved forward wavefields (`forward({ save: true })`); computed here when omitted. */
  readonly p?: TimeFunction;
  readonly r?: TimeFunction;
  /** Recompute the forward wavefields under a memory bound (Revolve) instead of saving them. */
  readonly checkpointing?: CheckpointingOptions;
}

/** Options of `TTIWaveSolver.forwardWithCheckpoints`. */
export interface TTICheckpointedForwardOptions extends RunOptions {
  readonly checkpointing: CheckpointingOptions;
  readonly src?: SparseTimeFunction;
}

const SOLVER_KEYS = optionKeys<TTIWaveSolverOptions>({ spaceOrder: true, freeSurface: true });
const RUN_KEYS = optionKeys<RunOptions>({ vp: true, m: true, nthreads: true, autotune: true });
const FORWARD_KEYS = optionKeys<TTIForwardOptions>({ vp: true, m: true, nthreads: true, autotune: true, src: true, save: true });
const BORN_KEYS = FORWARD_KEYS.filter((key) => key !== 'save');
const GRADIENT_KEYS = optionKeys<TTIGradientOptions>({ vp: true, m: true, nthreads: true, autotune: true, p: true, r: true, checkpointing: true });
const CHECKPOINTED_FORWARD_KEYS = optionKeys<TTICheckpointedForwardOptions>({ vp: true, m: true, nthreads: true, autotune: true, checkpointing: true, src: true });
const CHECKPOINTING_KEYS = optionKeys<CheckpointingOptions>({ nCheckpoints: true, memoryBudgetBytes: true, storage: true, onProgress: true, src: true, schedule: true, costs: true, diskBudgetBytes: true, diskDirectory: true });

type OperatorKey = 'forward' | 'forwardSave' | 'sample' | 'sampleSave' | 'sampleBorn' | 'adjoint' | 'born' | 'gradient' | 'gradientSave';

/** vp·√max(1, 1+2ε), maximised over the points: the fastest P speed of the TTI medium (km/s). */
function fastestSpeed(vp: ArrayLike<number>, epsilon: ArrayLike<number>): number {
  let fastest = 0;
  for (let k = 0; k < vp.length; k++) fastest = Math.max(fastest, vp[k]! * Math.sqrt(Math.max(1, 1 + 2 * epsilon[k]!)));
  return fastest;
}

/**
 * Model (with epsilon, delta, theta; phi optional in 3D, 0 when absent) + geometry → TTI modelling
 * operators, built lazily and reused. As in `AcousticWaveSolver`, the solver owns its wavefields
 * (p, r and the adjoint / Born pairs are overwritten by the next call); shot records and
 * gradients are fresh copies. The geometry's dt must be at most `TTIWaveSolver.criticalDt(model)`
 * (smaller than the acoustic one when ε > 0).
 */
export class TTIWaveSolver {
  readonly model: SeismicModel;
  readonly geometry: AcquisitionGeometry;
  readonly spaceOrder: number;
  /** Whether the top face is a free surface (see the option). */
  readonly freeSurface: boolean;
  private readonly surface: FreeSurface | undefined;
  private readonly medium: TTIMedium;
  private readonly epsilon: Float64Array;
  private readonly pair: TTIPair;
  private savedPair: TTIPair | undefined;
  private adjointPair: TTIPair | undefined;
  private bornPair: TTIPair | undefined;
  private perturbation: Function | undefined;
  private gradientField: Function | undefined;
  private adjointSource: SparseTimeFunction | undefined;
  private residualData: SparseTimeFunction | undefined;
  private readonly src: SparseTimeFunction;
  private readonly rec: SparseTimeFunction;
  private readonly operators = new Map<OperatorKey, Operator>();
  /** The checkpointed run whose final forward state the ring pair holds, if any. */
  private liveState: object | undefined;

  /**
   * The critical time step (ms) of the TTI scheme on `model`: CFL_SAFETY of the leapfrog limit at
   * the speed vp·√(1+2ε) (see the module note). Build the geometry with `{ dt: this or less }`.
   */
  static criticalDt(model: SeismicModel, spaceOrder = model.spaceOrder): number {
    model.require(['epsilon'], 'TTIWaveSolver');
    return CFL_SAFETY * stabilityLimit(model.spacing, spaceOrder, fastestSpeed(model.vp, model.values('epsilon', 'TTIWaveSolver')));
  }

  constructor(model: SeismicModel, geometry: AcquisitionGeometry, options: TTIWaveSolverOptions = {}) {
    if (!(model instanceof SeismicModel)) throw new InvalidArgumentError('TTIWaveSolver: model must be a SeismicModel');
    if (!(geometry instanceof AcquisitionGeometry)) throw new InvalidArgumentError('TTIWaveSolver: geometry must be an AcquisitionGeometry');
    if (geometry.model !== model) throw new GridMismatchError('TTIWaveSolver: the geometry was built for another SeismicModel; build it with this model');
    checkOptionKeys('TTIWaveSolver', options, SOLVER_KEYS);
    // Before any field or C: a model without the Thomsen parameters fails here.
    model.require(['epsilon', 'delta', 'theta'], 'TTIWaveSolver');
    const spaceOrder = checkSpaceOrder('TTIWaveSolver', options.spaceOrder ?? model.spaceOrder);
    if (spaceOrder < 4) throw new InvalidArgumentError(`TTIWaveSolver: spaceOrder must be >= 4 (the rotated operator composes two first derivatives of half the order), got ${spaceOrder}`);
    if (options.freeSurface !== undefined && typeof options.freeSurface !== 'boolean') {
      throw new InvalidArgumentError(`TTIWaveSolver: freeSurface must be true or false, got ${String(options.freeSurface)}`);
    }
    const epsilon = model.values('epsilon', 'TTIWaveSolver');
    const delta = model.values('delta', 'TTIWaveSolver');
    const unstable = epsilon.findIndex((eps, k) => eps < delta[k]!);
    if (unstable >= 0) {
      throw new InvalidArgumentError(
        `TTIWaveSolver: ε must be >= δ at every point (the pseudo-acoustic system grows exponentially otherwise), got ε = ${epsilon[unstable]} < δ = ${delta[unstable]} at point ${unstable}; raise ε or lower δ there`,
      );
    }
    this.model = model;
    this.geometry = geometry;
    this.spaceOrder = spaceOrder;
    this.epsilon = epsilon;
    const critical = CFL_SAFETY * stabilityLimit(model.spacing, spaceOrder, fastestSpeed(model.vp, epsilon));
    if (geometry.dt > critical * (1 + 1e-12)) {
      throw new InvalidArgumentError(
        `TTIWaveSolver: the geometry's dt = ${geometry.dt.toPrecision(6)} ms is above the TTI critical dt ${critical.toPrecision(6)} ms (speed vp·√(1+2ε), spaceOrder ${spaceOrder}); build the geometry with { dt: TTIWaveSolver.criticalDt(model, ${spaceOrder}) } or lower`,
      );
    }
    this.freeSurface = options.freeSurface ?? false;
    this.surface = this.freeSurface ? freeSurface(model.grid, model.nbl, spaceOrder) : undefined;
    this.medium = this.buildMedium(epsilon, delta);
    this.pair = this.newPair('p', 'r');
    this.src = solverPoints(this.model, 'src', geometry.srcCoordinates, this.nt);
    this.rec = solverPoints(this.model, 'rec', geometry.recCoordinates, this.nt);
  }

  get dt(): number {
    return this.geometry.dt;
  }

  get nt(): number {
    return this.geometry.nt;
  }

  /** Source → shot record `rec` (½·(p + r) at the receivers), the wavefields p, r (rings, or with `save` the history). */
  forward(options: TTIForwardOptions = {}): { rec: SparseTimeFunction; p: TimeFunction; r: TimeFunction; summary: ModellingSummary } {
    return this.runForward(checkOptionKeys('forward', options, FORWARD_KEYS));
  }

  private runForward(options: TTIForwardOptions): { rec: SparseTimeFunction; p: TimeFunction; r: TimeFunction; summary: ModellingSummary } {
    const save = options.save ?? false;
    const pair = save ? this.saved() : this.pair;
    loadPoints(this.model, this.src, options.src ?? this.geometry.src, 'forward: src');
    this.liveState = undefined;
    zero(pair);
    this.rec.data.raw.fill(0);
    const summary = this.withModel(options, 'forward', () => [
      applyLabelled(this.operator(save ? 'forwardSave' : 'forward'), { timeMin: 1, timeMax: this.nt - 2, ...kernelArgs(this.dt, options) }),
      applyLabelled(this.operator(save ? 'sampleSave' : 'sample'), { timeMin: this.nt - 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { rec: copy(this.rec, 'rec'), p: pair.p, r: pair.r, summary };
  }

  /** Receiver data → `srca` (source-side data), the adjoint pair q, s (final rings) and summary. */
  adjoint(rec: SparseTimeFunction, options: RunOptions = {}): { srca: SparseTimeFunction; q: TimeFunction; s: TimeFunction; summary: ModellingSummary } {
    checkOptionKeys('adjoint', options, RUN_KEYS);
    loadPoints(this.model, this.rec, rec, 'adjoint: rec');
    zero(this.adj);
    this.srca.data.raw.fill(0);
    const summary = this.withModel(options, 'adjoint', () => [
      applyLabelled(this.operator('adjoint'), { timeMin: 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { srca: copy(this.srca, 'srca'), q: this.adj.p, s: this.adj.r, summary };
  }

  /** dm (physical shape, of m = 1/vp²) → the linearised shot record, with the background and scattered pairs. */
  born(dm: ArrayLike<number>, options: Omit<TTIForwardOptions, 'save'> = {}): { rec: SparseTimeFunction; summary: ModellingSummary } {
    checkOptionKeys('born', options, BORN_KEYS);
    this.dm.data.global.assign(this.model.pad(this.model.checkPhysical(dm, 'born: dm')));
    loadPoints(this.model, this.src, options.src ?? this.geometry.src, 'born: src');
    this.liveState = undefined;
    zero(this.pair);
    zero(this.scattered);
    this.rec.data.raw.fill(0);
    const summary = this.withModel(options, 'born', () => [
      applyLabelled(this.operator('born'), { timeMin: 1, timeMax: this.nt - 2, ...kernelArgs(this.dt, options) }),
      applyLabelled(this.operator('sampleBorn'), { timeMin: this.nt - 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { rec: copy(this.rec, 'rec'), summary };
  }

  /**
   * Residual → the FWI gradient with respect to m (physical shape), the adjoint of `born`: from
   * the saved forward pair (`p`, `r` of `forward({ save: true })`, computed when omitted) or, with
   * `checkpointing`, from forward wavefields the Revolver recomputes — bitwise the same gradient.
   */
  gradient(residual: SparseTimeFunction, options: TTIGradientOptions = {}): GradientResult {
    checkOptionKeys('gradient', options, GRADIENT_KEYS);
    if (options.checkpointing !== undefined) {
      if (options.p !== undefined || options.r !== undefined) throw new InvalidArgumentError('gradient: give p and r (saved forward wavefields) or checkpointing, not both');
      const { p: _p, r: _r, checkpointing, ...run } = options;
      const forward = this.forwardWithCheckpoints({ ...run, checkpointing });
      try {
        return { ...forward.gradient(residual), rec: forward.rec };
      } finally {
        forward.release();
      }
    }
    if ((options.p === undefined) !== (options.r === undefined)) throw new InvalidArgumentError('gradient: give both p and r of forward({ save: true }), or neither');
    const pair = this.saved();
    const summaries: PerformanceSummary[] = [];
    if (options.p === undefined) summaries.push(this.runForward({ ...pickRun(options), save: true }).summary);
    else {
      this.loadWavefield(pair.p, options.p);
      this.loadWavefield(pair.r, options.r!);
    }
    loadPoints(this.model, this.residual, residual, 'gradient: residual');
    zero(this.adj);
    this.grad.data.raw.fill(0);
    summaries.push(this.withModel(options, 'gradient', () => [
      applyLabelled(this.operator('gradientSave'), { timeMin: 2, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]));
    return { grad: this.model.restrictAdjoint(this.grad.data.global.toArray()), v: this.adj.p, summary: combine(summaries) };
  }

  /**
   * The forward sweep of a checkpointed gradient (as `AcousticWaveSolver.forwardWithCheckpoints`):
   * the shot record, then `gradient(residual)` any number of times, then `release()`. Each run has
   * its own Revolver, closed at release.
   */
  forwardWithCheckpoints(options: TTICheckpointedForwardOptions): CheckpointedForward {
    checkOptionKeys('forwardWithCheckpoints', options, CHECKPOINTED_FORWARD_KEYS);
    const checkpointing = options.checkpointing;
    if (checkpointing === null || typeof checkpointing !== 'object') {
      throw new InvalidArgumentError('forwardWithCheckpoints: give { checkpointing: { nCheckpoints } } or { checkpointing: { memoryBudgetBytes } }');
    }
    checkOptionKeys('forwardWithCheckpoints: checkpointing', checkpointing, CHECKPOINTING_KEYS);
    const args = kernelArgs(this.dt, options);
    const { p, r } = this.pair;
    const checkpoint = new Checkpoint([p, r], { timeOffset: 1 });
    const { src: _src, onProgress, ...settings } = checkpointing;
    const revolver = new Revolver({
      checkpoint,
      forward: new CheckpointOperator(this.operator('forward'), args, { timeOffset: 1 }),
      // The gradient only reads p and r: memory checkpoints may be read in place.
      reverse: new CheckpointOperator(this.operator('gradient'), args, { timeOffset: 2, readsInPlace: checkpoint }),
      nTimesteps: this.nt - 2,
      ...settings,
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    const token = {};
    let source: SparseTimeFunction | undefined;
    return startCheckpointedRun({
      revolver,
      startForward: () => {
        this.liveState = undefined;
        loadPoints(this.model, this.src, source ?? options.src ?? checkpointing.src ?? this.geometry.src, 'forwardWithCheckpoints: src');
        source ??= copy(this.src, 'src');
        zero(this.pair);
        this.rec.data.raw.fill(0);
      },
      finishForward: () => {
        this.operator('sample').apply({ timeMin: this.nt - 1, timeMax: this.nt - 1, ...args });
        return copy(this.rec, 'rec');
      },
      startReverse: (residual) => {
        loadPoints(this.model, this.residual, residual, 'gradient: residual');
        zero(this.adj);
        this.grad.data.raw.fill(0);
      },
      finishReverse: (): FloatArray => this.model.restrictAdjoint(this.grad.data.global.toArray()),
      v: () => this.adj.p,
      points: this.model.grid.size,
      nthreads: options.nthreads,
      withModel: (what, body) => this.withModel(options, what, body),
      holdsLiveState: () => this.liveState === token,
      claimLiveState: (mine) => {
        if (mine) this.liveState = token;
        else if (this.liveState === token) this.liveState = undefined;
      },
      dispose: () => revolver.close(),
    });
  }

  /** The forward operator (ring, or with `save` the history); built once. */
  forwardOperator(options: { save?: boolean } = {}): Operator {
    return this.operator(options.save ? 'forwardSave' : 'forward');
  }

  private buildMedium(epsilon: Float64Array, delta: Float64Array): TTIMedium {
    const { model, spaceOrder } = this;
    const grid = model.grid;
    // Coefficients are read inside the derivatives of Hz and of the adjoint's H·M: halo spaceOrder/2.
    const fn = (name: string, values: ArrayLike<number>): Function => {
      const f = new Function({ name, grid, spaceOrder });
      f.data.global.assign(model.pad(values));
      return f;
    };
    const theta = model.values('theta', 'TTIWaveSolver');
    // phi absent in 3D: the axis tilts in the x–z plane (azimuth 0), documented in the class note.
    const phi = model.ndim === 3 && model.has('phi') ? model.values('phi', 'TTIWaveSolver') : new Float64Array(theta.length);
    const axis = model.ndim === 2
      ? [fn('tti_nx', theta.map(Math.sin)), fn('tti_nz', theta.map(Math.cos))]
      : [
        fn('tti_nx', theta.map((t, k) => Math.sin(t) * Math.cos(phi[k]!))),
        fn('tti_ny', theta.map((t, k) => Math.sin(t) * Math.sin(phi[k]!))),
        fn('tti_nz', theta.map(Math.cos)),
      ];
    return {
      m: model.m,
      damp: model.damp,
      e: fn('tti_e', epsilon.map((eps) => 1 + 2 * eps)),
      d: fn('tti_d', delta.map((del) => Math.sqrt(1 + 2 * del))),
      axis,
      spaceOrder,
      // Two first derivatives of this order compose into a stencil of radius ≤ spaceOrder/2 (the halo).
      order1: Math.max(2, 2 * Math.floor(spaceOrder / 4)),
    };
  }

  private operator(key: OperatorKey): Operator {
    const known = this.operators.get(key);
    if (known) return known;
    const { medium, pair, src, rec, surface } = this;
    const equations = ((): ConstructorParameters<typeof Operator>[0] => {
      switch (key) {
        case 'forward': return ttiForwardEquations(pair, medium, src, rec, surface);
        case 'forwardSave': return ttiForwardEquations(this.saved(), medium, src, rec, surface);
        case 'sample': return ttiSampleEquations(pair, rec);
        case 'sampleSave': return ttiSampleEquations(this.saved(), rec);
        case 'sampleBorn': return ttiSampleEquations(this.scattered, rec);
        case 'adjoint': return ttiAdjointEquations(this.adj, medium, rec, this.srca, surface);
        case 'born': return ttiBornEquations(pair, this.scattered, this.dm, medium, src, rec, surface);
        case 'gradient': return ttiGradientEquations(this.adj, pair, this.grad, medium, this.residual, surface);
        case 'gradientSave': return ttiGradientEquations(this.adj, this.saved(), this.grad, medium, this.residual, surface);
      }
    })();
    const name = `tti_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    const op = new Operator(equations, { name });
    this.operators.set(key, op);
    return op;
  }

  private newPair(p: string, r: string, save?: number): TTIPair {
    const grid = this.model.grid;
    const make = (name: string): TimeFunction => new TimeFunction({ name, grid, timeOrder: 2, spaceOrder: this.spaceOrder, ...(save === undefined ? {} : { save }) });
    return { p: make(p), r: make(r) };
  }

  private saved(): TTIPair {
    this.savedPair ??= this.newPair('p', 'r', this.nt);
    return this.savedPair;
  }

  private get adj(): TTIPair {
    this.adjointPair ??= this.newPair('q', 's');
    return this.adjointPair;
  }

  private get scattered(): TTIPair {
    this.bornPair ??= this.newPair('dp', 'dr');
    return this.bornPair;
  }

  private get dm(): Function {
    this.perturbation ??= new Function({ name: 'dm', grid: this.model.grid, spaceOrder: this.spaceOrder, halo: 0 });
    return this.perturbation;
  }

  private get grad(): Function {
    this.gradientField ??= new Function({ name: 'grad', grid: this.model.grid, spaceOrder: this.spaceOrder, halo: 0 });
    return this.gradientField;
  }

  private get srca(): SparseTimeFunction {
    this.adjointSource ??= solverPoints(this.model, 'srca', this.geometry.srcCoordinates, this.nt);
    return this.adjointSource;
  }

  private get residual(): SparseTimeFunction {
    this.residualData ??= solverPoints(this.model, 'residual', this.geometry.recCoordinates, this.nt);
    return this.residualData;
  }

  /** Runs `body` with the call's velocity override (restored afterwards), after a stability check. */
  private withModel(options: RunOptions, what: string, body: () => PerformanceSummary[]): PerformanceSummary {
    return withVelocity(this.model, options, what, (velocity) => this.checkStable(velocity ?? this.model.vp, what), body);
  }

  private checkStable(velocity: Float64Array, what: string): void {
    const limit = stabilityLimit(this.model.spacing, this.spaceOrder, fastestSpeed(velocity, this.epsilon));
    if (this.dt > limit) {
      throw new InvalidArgumentError(
        `${what}: dt = ${this.dt.toPrecision(6)} ms is unstable for this TTI medium (limit ${limit.toPrecision(6)} ms at speed vp·√(1+2ε), spaceOrder ${this.spaceOrder}); lower the velocities or build the geometry with a smaller dt`,
      );
    }
  }

  private loadWavefield(target: TimeFunction, given: TimeFunction): void {
    if (given === target) return;
    if (!(given instanceof TimeFunction) || given.save !== this.nt || given.data.allocatedShape.join() !== target.data.allocatedShape.join() || given.dtype !== target.dtype) {
      throw new ShapeError(`gradient: p and r must be the saved forward wavefields of this solver (forward({ save: true }))`);
    }
    target.data.raw.set(given.data.raw);
  }
}

function zero({ p, r }: TTIPair): void {
  p.data.raw.fill(0);
  r.data.raw.fill(0);
}

function copy(from: SparseTimeFunction, name: string): SparseTimeFunction {
  const out = new SparseTimeFunction({ name, grid: from.grid, npoint: from.npoint, nt: from.nt, coordinates: from.coordinates, dtype: from.dtype });
  out.data.raw.set(from.data.raw);
  return out;
}

function pickRun(options: RunOptions): RunOptions {
  return {
    ...(options.vp === undefined ? {} : { vp: options.vp }),
    ...(options.m === undefined ? {} : { m: options.m }),
    ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
    ...(options.autotune === undefined ? {} : { autotune: options.autotune }),
  };
}
