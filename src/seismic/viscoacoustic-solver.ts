/**
 * Visco-acoustic (one standard linear solid) forward, adjoint, Born and m-gradient modelling:
 * Devito's examples/seismic/viscoacoustic in our DSL, with the discretisation and exact adjoint
 * of viscoacoustic-equations.ts.
 *
 * Time stepping mirrors acoustic-solver.ts (see its design note): forward t = 1 … nt−2 writes
 * p[t+1] and the memory variable ρ[t+1]; rec[nt−1] is sampled afterwards; the adjoint runs
 * t = nt−1 … 1, the gradient t = nt−1 … 2.
 *
 * Checkpointing contract. The forward state after k steps is p[k+1], p[k] and ρ[k+1]
 * (Checkpoint([p, ρ], { timeOffset: 1 }): p's two levels, ρ's one). Gradient step t reads only
 * p[t], p[t−1] (the memory variable enters the gradient through v, not through the state), so a
 * reverse step may read p in place from a memory checkpoint; ρ is in the checkpoint because the
 * forward recomputation needs it.
 *
 * Free surface (`freeSurface: true`): the acoustic solver's (see acoustic-equations.ts and
 * viscoacoustic-equations.ts). The step's state is unchanged, so checkpointing is too.
 */
import type { FloatArray } from '../dsl/dtype.ts';
import { checkSpaceOrder, Function, TimeFunction } from '../dsl/functions.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { SparseTimeFunction } from '../dsl/sparse.ts';
import { InvalidArgumentError, ShapeError } from '../errors.ts';
import { Operator, type PerformanceSummary } from '../operator.ts';
import { Checkpoint } from '../revolve/checkpoint.ts';
import { CheckpointOperator } from '../revolve/checkpoint-operator.ts';
import { Revolver, type RevolverStats } from '../revolve/revolver.ts';
import type { CheckpointStorage } from '../revolve/storage/storage.ts';
import type { StorageSpec } from '../revolve/storage/create.ts';
import { defaultThreads } from '../runtime/arguments.ts';
import { AcquisitionGeometry } from './geometry.ts';
import { SeismicModel } from './model.ts';
import { freeSurface, type FreeSurface } from './acoustic-equations.ts';
import { stabilityLimit } from './stability.ts';
import { applyLabelled, combine, type ModellingSummary } from './summary.ts';
import { kernelArgs, loadPoints, solverPoints, withVelocity } from './solver-support.ts';
import {
  slsConstants, viscoAdjointEquations, viscoBornEquations, viscoForwardEquations, viscoGradientEquations, viscoSampleEquations, type SlsFields,
} from './viscoacoustic-equations.ts';

/** Options of `ViscoacousticWaveSolver`. */
export interface ViscoacousticWaveSolverOptions {
  /** Accuracy order of the Laplacian (default: the model's spaceOrder). */
  readonly spaceOrder?: number;
  /** Frequency (kHz) at which Q(ω) equals the model's qp (default: the geometry's f0). */
  readonly referenceFrequency?: number;
  /**
   * A free surface (pressure zero) at the physical top face (z = origin, the last axis), as in
   * AcousticWaveSolver: the pressure and the memory variable are mirrored oddly about it inside
   * the Laplacians of the rows next to it. Every operator honours it and stays an exact transpose.
   */
  readonly freeSurface?: boolean;
}

/** Options of every modelling call: a model-space override of m (or vp) and threads. */
export interface ViscoacousticRunOptions {
  readonly vp?: number | ArrayLike<number>;
  readonly m?: ArrayLike<number>;
  readonly nthreads?: number;
}

export interface ViscoacousticForwardOptions extends ViscoacousticRunOptions {
  /** Source (default `geometry.src`). */
  readonly src?: SparseTimeFunction;
  /** Keep every time index of p (needed by `gradient` without checkpointing). */
  readonly save?: boolean;
}

/** How `gradient` checkpoints instead of saving the forward history (slots or a byte budget). */
export interface ViscoacousticCheckpointing {
  readonly nCheckpoints?: number;
  readonly memoryBudgetBytes?: number;
  readonly storage?: CheckpointStorage | StorageSpec;
}

export interface ViscoacousticGradientOptions extends ViscoacousticRunOptions {
  /** The saved forward wavefield (`forward({ save: true }).p`); computed here when omitted. */
  readonly p?: TimeFunction;
  /** Recompute the forward state (p and the memory variable) with Revolve instead of saving p. */
  readonly checkpointing?: ViscoacousticCheckpointing;
}

export interface ViscoacousticGradientResult {
  readonly grad: FloatArray;
  readonly v: TimeFunction;
  readonly summary: ModellingSummary;
  /** With checkpointing: the shot record of the forward sweep and the Revolver's counters. */
  readonly rec?: SparseTimeFunction;
  readonly revolver?: RevolverStats;
}

const SOLVER_KEYS = optionKeys<ViscoacousticWaveSolverOptions>({ spaceOrder: true, referenceFrequency: true, freeSurface: true });
const RUN_KEYS = optionKeys<ViscoacousticRunOptions>({ vp: true, m: true, nthreads: true });
const FORWARD_KEYS = optionKeys<ViscoacousticForwardOptions>({ vp: true, m: true, nthreads: true, src: true, save: true });
const BORN_KEYS = FORWARD_KEYS.filter((key) => key !== 'save');
const GRADIENT_KEYS = optionKeys<ViscoacousticGradientOptions>({ vp: true, m: true, nthreads: true, p: true, checkpointing: true });
const CHECKPOINTING_KEYS = optionKeys<ViscoacousticCheckpointing>({ nCheckpoints: true, memoryBudgetBytes: true, storage: true });

/** The operators a solver builds (`…Save` on the saved history of p). */
export type ViscoacousticOperatorKey = 'forward' | 'forwardSave' | 'sample' | 'sampleSave' | 'sampleBorn' | 'adjoint' | 'born' | 'gradient' | 'gradientSave';

/**
 * Model (with qp) + geometry → visco-acoustic operators, built lazily once and reused. As with
 * AcousticWaveSolver, the wavefields a call returns (`p`, `v`) are the solver's own and are
 * overwritten by the next call; records and gradients are fresh copies.
 */
export class ViscoacousticWaveSolver {
  readonly model: SeismicModel;
  readonly geometry: AcquisitionGeometry;
  readonly spaceOrder: number;
  /** Frequency (kHz) where Q(ω) = qp. */
  readonly referenceFrequency: number;
  /** The SLS relaxation times on the physical grid (ms). */
  readonly tauSigma: Float64Array;
  readonly tauEpsilon: Float64Array;
  /** Whether the top face is a free surface (see the option). */
  readonly freeSurface: boolean;
  private readonly surface: FreeSurface | undefined;
  private readonly fields: SlsFields;
  /** Per physical point √(τ_ε/τ_σ): unrelaxed over relaxed velocity, for the stability limit. */
  private readonly stiffening: Float64Array;
  private readonly p: TimeFunction;
  private readonly r: TimeFunction;
  private readonly src: SparseTimeFunction;
  private readonly rec: SparseTimeFunction;
  private readonly operators = new Map<ViscoacousticOperatorKey, Operator>();
  private lazy: {
    savedP?: TimeFunction; v?: TimeFunction; w?: TimeFunction; dp?: TimeFunction; dr?: TimeFunction;
    dm?: Function; grad?: Function; srca?: SparseTimeFunction; residual?: SparseTimeFunction;
  } = {};

  constructor(model: SeismicModel, geometry: AcquisitionGeometry, options: ViscoacousticWaveSolverOptions = {}) {
    checkOptionKeys('ViscoacousticWaveSolver', options, SOLVER_KEYS);
    if (!(model instanceof SeismicModel)) throw new InvalidArgumentError('ViscoacousticWaveSolver: model must be a SeismicModel');
    if (!(geometry instanceof AcquisitionGeometry) || geometry.model !== model) {
      throw new InvalidArgumentError('ViscoacousticWaveSolver: geometry must be an AcquisitionGeometry built on this model');
    }
    // Before any field or C: a model without Q names what to add.
    model.require(['qp'], 'ViscoacousticWaveSolver');
    this.spaceOrder = checkSpaceOrder('ViscoacousticWaveSolver', options.spaceOrder ?? model.spaceOrder);
    if (options.freeSurface !== undefined && typeof options.freeSurface !== 'boolean') {
      throw new InvalidArgumentError(`ViscoacousticWaveSolver: freeSurface must be true or false, got ${String(options.freeSurface)}`);
    }
    const fRef = options.referenceFrequency ?? geometry.f0;
    if (!(Number.isFinite(fRef) && fRef > 0)) throw new InvalidArgumentError(`ViscoacousticWaveSolver: referenceFrequency must be a positive frequency in kHz (e.g. 0.010), got ${fRef}`);
    this.model = model;
    this.geometry = geometry;
    this.referenceFrequency = fRef;
    const qp = model.values('qp', 'ViscoacousticWaveSolver');
    const constants = Array.from(qp, (q) => slsConstants(q, fRef, geometry.dt));
    this.tauSigma = Float64Array.from(constants, (c) => c.tauSigma);
    this.tauEpsilon = Float64Array.from(constants, (c) => c.tauEpsilon);
    this.stiffening = Float64Array.from(constants, (c) => Math.sqrt(c.unrelaxed));
    this.checkStable(model.vp, 'ViscoacousticWaveSolver');
    const { grid } = model;
    this.freeSurface = options.freeSurface ?? false;
    this.surface = this.freeSurface ? freeSurface(grid, model.nbl, this.spaceOrder) : undefined;
    const coefficient = (name: string, values: ArrayLike<number>): Function => {
      const f = new Function({ name, grid, spaceOrder: this.spaceOrder, halo: 0 });
      f.data.global.assign(model.pad(values));
      return f;
    };
    const lam = Float64Array.from(constants, (c) => c.lam);
    const couple = Float64Array.from(constants, (c) => c.couple);
    this.fields = {
      m: model.m,
      damp: model.damp,
      lam: coefficient('lam', lam),
      decay: coefficient('decay', Float64Array.from(constants, (c) => c.decay)),
      couple: coefficient('couple', couple),
      coupleT: coefficient('coupleT', couple.map((c, k) => c / lam[k]!)),
      invLam: coefficient('invLam', lam.map((l) => 1 / l)),
    };
    this.p = new TimeFunction({ name: 'p', grid, timeOrder: 2, spaceOrder: this.spaceOrder });
    this.r = new TimeFunction({ name: 'r', grid, timeOrder: 1, spaceOrder: this.spaceOrder, halo: 0 });
    this.src = solverPoints(this.model, 'src', geometry.srcCoordinates, this.nt);
    this.rec = solverPoints(this.model, 'rec', geometry.recCoordinates, this.nt);
  }

  get dt(): number {
    return this.geometry.dt;
  }

  get nt(): number {
    return this.geometry.nt;
  }

  /**
   * Largest stable dt (ms) for velocity `vp` (physical, km/s; default the model's): the leapfrog
   * limit for the unrelaxed velocity vp·√(τ_ε/τ_σ) (see viscoacoustic-equations.ts).
   */
  stabilityLimit(vp: ArrayLike<number> = this.model.vp): number {
    let vmax = 0;
    for (let k = 0; k < vp.length; k++) vmax = Math.max(vmax, vp[k]! * this.stiffening[k]!);
    return stabilityLimit(this.model.spacing, this.spaceOrder, vmax);
  }

  /** Source → shot record `rec`, the pressure `p` (ring, or with `save` the history) and summary. */
  forward(options: ViscoacousticForwardOptions = {}): { rec: SparseTimeFunction; p: TimeFunction; summary: ModellingSummary } {
    checkOptionKeys('forward', options, FORWARD_KEYS);
    const save = options.save ?? false;
    const p = save ? this.savedP : this.p;
    loadPoints(this.model, this.src, options.src ?? this.geometry.src, 'forward: src');
    p.data.raw.fill(0);
    this.r.data.raw.fill(0);
    this.rec.data.raw.fill(0);
    const summary = this.withModel(options, 'forward', () => [
      applyLabelled(this.operator(save ? 'forwardSave' : 'forward'), { timeMin: 1, timeMax: this.nt - 2, ...kernelArgs(this.dt, options) }),
      applyLabelled(this.operator(save ? 'sampleSave' : 'sample'), { timeMin: this.nt - 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { rec: this.copy(this.rec, 'rec'), p, summary };
  }

  /** Receiver data → `srca` (the transpose of `forward` in the source), the adjoint field `v` and summary. */
  adjoint(rec: SparseTimeFunction, options: ViscoacousticRunOptions = {}): { srca: SparseTimeFunction; v: TimeFunction; summary: ModellingSummary } {
    checkOptionKeys('adjoint', options, RUN_KEYS);
    loadPoints(this.model, this.rec, rec, 'adjoint: rec');
    this.resetAdjoint();
    this.srca.data.raw.fill(0);
    const summary = this.withModel(options, 'adjoint', () => [
      applyLabelled(this.operator('adjoint'), { timeMin: 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { srca: this.copy(this.srca, 'srca'), v: this.v, summary };
  }

  /** dm (physical shape, of m = 1/vp²) → the linearised shot record (Q held fixed). */
  born(dm: ArrayLike<number>, options: Omit<ViscoacousticForwardOptions, 'save'> = {}): { rec: SparseTimeFunction; summary: ModellingSummary } {
    checkOptionKeys('born', options, BORN_KEYS);
    this.dm.data.assign(this.model.pad(this.model.checkPhysical(dm, 'born: dm')));
    loadPoints(this.model, this.src, options.src ?? this.geometry.src, 'born: src');
    for (const f of [this.p, this.r, this.dp, this.dr]) f.data.raw.fill(0);
    this.rec.data.raw.fill(0);
    const summary = this.withModel(options, 'born', () => [
      applyLabelled(this.operator('born'), { timeMin: 1, timeMax: this.nt - 2, ...kernelArgs(this.dt, options) }),
      applyLabelled(this.operator('sampleBorn'), { timeMin: this.nt - 1, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]);
    return { rec: this.copy(this.rec, 'rec'), summary };
  }

  /**
   * Residual → the gradient with respect to m (physical shape), the adjoint of `born`: from the
   * saved forward pressure `p` (computed when omitted), or with `checkpointing` from a forward
   * state (p and the memory variable) the Revolver recomputes — bitwise the same gradient.
   */
  gradient(residual: SparseTimeFunction, options: ViscoacousticGradientOptions = {}): ViscoacousticGradientResult {
    checkOptionKeys('gradient', options, GRADIENT_KEYS);
    if (options.checkpointing !== undefined) return this.checkpointedGradient(residual, options);
    const p = this.savedP;
    const summaries: PerformanceSummary[] = [];
    if (options.p === undefined) summaries.push(this.forward({ ...this.runOnly(options), save: true }).summary);
    else if (options.p !== p) this.loadWavefield(p, options.p);
    loadPoints(this.model, this.residual, residual, 'gradient: residual');
    this.resetAdjoint();
    summaries.push(this.withModel(options, 'gradient', () => [
      applyLabelled(this.operator('gradientSave'), { timeMin: 2, timeMax: this.nt - 1, ...kernelArgs(this.dt, options) }),
    ]));
    return { grad: this.model.restrictAdjoint(this.grad.data.toArray()), v: this.v, summary: combine(summaries) };
  }

  private checkpointedGradient(residual: SparseTimeFunction, options: ViscoacousticGradientOptions): ViscoacousticGradientResult {
    const checkpointing = options.checkpointing!;
    if (checkpointing === null || typeof checkpointing !== 'object') {
      throw new InvalidArgumentError('gradient: give { checkpointing: { nCheckpoints } } or { checkpointing: { memoryBudgetBytes } }');
    }
    checkOptionKeys('gradient: checkpointing', checkpointing, CHECKPOINTING_KEYS);
    if (options.p !== undefined) throw new InvalidArgumentError('gradient: give p (a saved forward wavefield) or checkpointing, not both');
    const args = kernelArgs(this.dt, options);
    const checkpoint = new Checkpoint([this.p, this.r], { timeOffset: 1 });
    // p comes first in the checkpoint, so a p-only view of a slot has p's layout in the full one:
    // the gradient kernel (which does not take ρ) may read p in place.
    const pOnly = new Checkpoint([this.p], { timeOffset: 1 });
    const revolver = new Revolver({
      checkpoint,
      forward: new CheckpointOperator(this.operator('forward'), args, { timeOffset: 1 }),
      reverse: new CheckpointOperator(this.operator('gradient'), args, { timeOffset: 2, readsInPlace: pOnly }),
      nTimesteps: this.nt - 2,
      ...(checkpointing.nCheckpoints === undefined ? {} : { nCheckpoints: checkpointing.nCheckpoints }),
      ...(checkpointing.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: checkpointing.memoryBudgetBytes }),
      ...(checkpointing.storage === undefined ? {} : { storage: checkpointing.storage }),
    });
    try {
      let rec: SparseTimeFunction | undefined;
      const summary = this.withModel(options, 'gradient', () => {
        loadPoints(this.model, this.src, this.geometry.src, 'gradient: src');
        this.p.data.raw.fill(0);
        this.r.data.raw.fill(0);
        this.rec.data.raw.fill(0);
        const t0 = performance.now();
        revolver.applyForward();
        this.operator('sample').apply({ timeMin: this.nt - 1, timeMax: this.nt - 1, ...args });
        rec = this.copy(this.rec, 'rec');
        loadPoints(this.model, this.residual, residual, 'gradient: residual');
        this.resetAdjoint();
        revolver.applyReverse();
        const seconds = (performance.now() - t0) / 1000;
        const { forwardSteps, reverseSteps } = revolver.stats;
        const points = this.model.grid.size;
        return [{
          elapsedSeconds: seconds, gpointsPerSecond: seconds > 0 ? (points * (forwardSteps + reverseSteps)) / seconds / 1e9 : 0,
          gflopsPerSecond: 0, operationalIntensity: 0, timesteps: forwardSteps + reverseSteps, points,
          nthreads: options.nthreads ?? defaultThreads(), sections: [],
        }];
      });
      return { grad: this.model.restrictAdjoint(this.grad.data.toArray()), v: this.v, summary, rec: rec!, revolver: revolver.stats };
    } finally {
      revolver.close();
    }
  }

  /** The operator of `key` (forward, adjoint, born, gradient; `…Save` on the saved history). */
  operator(key: ViscoacousticOperatorKey): Operator {
    const known = this.operators.get(key);
    if (known) return known;
    const { fields, p, r, src, rec, surface } = this;
    const equations = ((): ConstructorParameters<typeof Operator>[0] => {
      switch (key) {
        case 'forward': return viscoForwardEquations(p, r, fields, src, rec, surface);
        case 'forwardSave': return viscoForwardEquations(this.savedP, r, fields, src, rec, surface);
        case 'sample': return viscoSampleEquations(p, rec);
        case 'sampleSave': return viscoSampleEquations(this.savedP, rec);
        case 'sampleBorn': return viscoSampleEquations(this.dp, rec);
        case 'adjoint': return viscoAdjointEquations(this.v, this.w, fields, rec, this.srca, surface);
        case 'born': return viscoBornEquations(p, r, this.dp, this.dr, this.dm, fields, src, rec, surface);
        case 'gradient': return viscoGradientEquations(this.v, this.w, p, this.grad, fields, this.residual, surface);
        case 'gradientSave': return viscoGradientEquations(this.v, this.w, this.savedP, this.grad, fields, this.residual, surface);
      }
    })();
    const op = new Operator(equations, { name: `visco_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}` });
    this.operators.set(key, op);
    return op;
  }

  private resetAdjoint(): void {
    this.v.data.raw.fill(0);
    this.w.data.raw.fill(0);
    this.grad.data.raw.fill(0);
  }

  private field(key: 'v' | 'w' | 'dp' | 'dr', timeOrder: number, halo?: number): TimeFunction {
    return (this.lazy[key] ??= new TimeFunction({ name: key, grid: this.model.grid, timeOrder, spaceOrder: this.spaceOrder, ...(halo === undefined ? {} : { halo }) }));
  }

  private get savedP(): TimeFunction {
    return (this.lazy.savedP ??= new TimeFunction({ name: 'p', grid: this.model.grid, timeOrder: 2, spaceOrder: this.spaceOrder, save: this.nt }));
  }

  private get v(): TimeFunction { return this.field('v', 2); }
  // w is differentiated with v's stencil (same spaceOrder), and its halo stays zero as p's does.
  private get w(): TimeFunction { return this.field('w', 1); }
  private get dp(): TimeFunction { return this.field('dp', 2); }
  private get dr(): TimeFunction { return this.field('dr', 1, 0); }

  private get dm(): Function {
    return (this.lazy.dm ??= new Function({ name: 'dm', grid: this.model.grid, spaceOrder: this.spaceOrder, halo: 0 }));
  }

  private get grad(): Function {
    return (this.lazy.grad ??= new Function({ name: 'grad', grid: this.model.grid, spaceOrder: this.spaceOrder, halo: 0 }));
  }

  private get srca(): SparseTimeFunction {
    return (this.lazy.srca ??= solverPoints(this.model, 'srca', this.geometry.srcCoordinates, this.nt));
  }

  private get residual(): SparseTimeFunction {
    return (this.lazy.residual ??= solverPoints(this.model, 'residual', this.geometry.recCoordinates, this.nt));
  }

  private runOnly(options: ViscoacousticRunOptions): ViscoacousticRunOptions {
    return {
      ...(options.vp === undefined ? {} : { vp: options.vp }),
      ...(options.m === undefined ? {} : { m: options.m }),
      ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
    };
  }

  /** Runs `body` with the call's velocity override (restored afterwards), after a stability check. */
  private withModel(options: ViscoacousticRunOptions, what: string, body: () => PerformanceSummary[]): PerformanceSummary {
    return withVelocity(this.model, options, what, (velocity) => this.checkStable(velocity ?? this.model.vp, what), body);
  }

  private checkStable(vp: ArrayLike<number>, what: string): void {
    const limit = this.stabilityLimit(vp);
    if (this.dt > limit) {
      throw new InvalidArgumentError(
        `${what}: dt = ${this.dt.toPrecision(6)} ms is unstable for this model's velocities and Q (limit ${limit.toPrecision(6)} ms for the unrelaxed velocity vp·√(τε/τσ) at spaceOrder ${this.spaceOrder}); build the geometry with a smaller dt, or raise the lowest Q`,
      );
    }
  }

  private loadWavefield(target: TimeFunction, given: TimeFunction): void {
    if (!(given instanceof TimeFunction) || given.save !== this.nt || given.data.allocatedShape.join() !== target.data.allocatedShape.join() || given.dtype !== target.dtype) {
      throw new ShapeError(`gradient: p must be this solver's saved forward wavefield layout (forward({ save: true }).p), shape [${target.data.shape.join(', ')}]`);
    }
    target.data.raw.set(given.data.raw);
  }

  private copy(from: SparseTimeFunction, name: string): SparseTimeFunction {
    const out = new SparseTimeFunction({ name, grid: from.grid, npoint: from.npoint, nt: from.nt, coordinates: from.coordinates, dtype: from.dtype });
    out.data.raw.set(from.data.raw);
    return out;
  }
}
