/**
 * The FWI objective J(vp) = Σ_shots ½‖d_pred(vp) − d_obs‖² and its gradient with respect to the
 * velocity vp (km/s, physical shape).
 *
 * The solver's gradient is with respect to the squared slowness m = 1/vp² (the adjoint of Born,
 * see acoustic-solver.ts); the chain rule gives ∂J/∂vp = ∂J/∂m · dm/dvp = ∂J/∂m · (−2/vp³),
 * pointwise, because m depends on vp point by point. The damping of the absorbing layer is fixed
 * at the model's construction, so it does not depend on vp and adds no term.
 *
 * Per shot: forward with the saved history (or a checkpointed forward sweep that keeps its
 * checkpoints), residual d_pred − d_obs from that record, then the adjoint sweep. Sums are in
 * float64 whatever the model's dtype.
 */
import type { FloatArray } from '../../dsl/dtype.ts';
import type { SparseTimeFunction } from '../../dsl/sparse.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { AcousticWaveSolver } from '../acoustic-solver.ts';
import type { SeismicModel } from '../model.ts';
import { checkShots, forEachShot, observedOf, ownsShot, ShotSolvers, type ModellingOptions, type Shot } from './shots.ts';

/** Objective value and gradients of one evaluation. */
export interface FwiObjectiveResult {
  /** Σ_shots ½‖d_pred − d_obs‖². */
  readonly misfit: number;
  /** ∂J/∂vp, physical shape, float64. */
  readonly gradient: Float64Array;
  /** ∂J/∂m (m = 1/vp²), physical shape, float64. */
  readonly gradientM: Float64Array;
  /** Each shot's ½‖d_pred − d_obs‖². */
  readonly perShot: readonly number[];
}

export interface FwiObjectiveOptions extends ModellingOptions {
  readonly model: SeismicModel;
  readonly shots: readonly Shot[];
}

/**
 * The objective as a reusable function of vp: solvers (and their compiled operators) are built
 * once for all evaluations. Call `release()` when done to free checkpoint memory.
 */
export class FwiObjective {
  readonly model: SeismicModel;
  readonly shots: readonly Shot[];
  private readonly solvers: ShotSolvers;
  private readonly observed: Float64Array[];
  private readonly options: ModellingOptions;
  /** Evaluations so far (each is one forward and one adjoint sweep per shot). */
  evaluations = 0;

  constructor(options: FwiObjectiveOptions) {
    checkShots(options.shots, 'fwiObjective');
    this.model = options.model;
    this.shots = options.shots;
    this.options = options;
    this.solvers = new ShotSolvers(options.model, options.solver);
    this.observed = options.shots.map((shot, k) => observedOf(shot, k));
    // Build (and so check) the solver of every shot this process computes before the first wave simulation runs.
    options.shots.forEach((shot, k) => {
      if (ownsShot(options.shotGroups, k, options.shots.length)) this.solvers.get(shot.geometry, k);
    });
  }

  /** J and ∂J/∂vp at `vp` (km/s, physical shape; default the model's velocity). */
  evaluate(vp: ArrayLike<number> = this.model.vp): FwiObjectiveResult {
    const velocity = this.model.checkPhysical(vp, 'fwiObjective: vp');
    const gradientM = new Float64Array(this.model.size);
    const perShot: number[] = [];
    const size = gradientM.length;
    // Each shot's result: its misfit, then its ∂J/∂m; summed in shot order.
    forEachShot(this.options.shotGroups, this.shots.map(() => 1 + size), (k) => {
      const shot = this.shots[k]!;
      const { misfit, grad } = this.shotGradient(this.solvers.get(shot.geometry, k), shot, this.observed[k]!, velocity);
      const result = new Float64Array(1 + size);
      result[0] = misfit;
      result.set(grad, 1);
      return result;
    }, (_, result) => {
      perShot.push(result[0]!);
      for (let i = 0; i < size; i++) gradientM[i]! += result[1 + i]!;
    });
    this.evaluations++;
    return { misfit: perShot.reduce((a, b) => a + b, 0), gradient: velocityGradient(gradientM, velocity), gradientM, perShot };
  }

  /** J alone (forward runs only, no adjoint): for line searches and tests. */
  misfit(vp: ArrayLike<number> = this.model.vp): number {
    const velocity = this.model.checkPhysical(vp, 'fwiObjective: vp');
    let total = 0;
    forEachShot(this.options.shotGroups, this.shots.map(() => 1), (k) => {
      const shot = this.shots[k]!;
      const { rec } = this.solvers.get(shot.geometry, k).forward({ vp: velocity, ...this.run(shot) });
      return Float64Array.of(halfSquaredMisfit(rec.data.toArray(), this.observed[k]!));
    }, (_, result) => {
      total += result[0]!;
    });
    return total;
  }

  /** Frees checkpoint memory the solvers keep between evaluations. */
  release(): void {
    this.solvers.release();
  }

  private run(shot: Shot): { src?: SparseTimeFunction; nthreads?: number } {
    return {
      ...(shot.src === undefined ? {} : { src: shot.src }),
      ...(this.options.nthreads === undefined ? {} : { nthreads: this.options.nthreads }),
    };
  }

  private shotGradient(solver: AcousticWaveSolver, shot: Shot, observed: Float64Array, vp: Float64Array): { misfit: number; grad: FloatArray } {
    const run = this.run(shot);
    const residual = shot.geometry.newRec('residual');
    const residualOf = (predicted: FloatArray): number => {
      const r = predicted.map((p, i) => p - observed[i]!);
      residual.data.assign(r);
      return halfSquaredMisfit(predicted, observed);
    };
    const { checkpointing } = this.options;
    if (checkpointing === undefined) {
      const { rec, u } = solver.forward({ ...run, vp, save: true });
      const misfit = residualOf(rec.data.toArray());
      const { grad } = solver.gradient(residual, { vp, u, ...(run.nthreads === undefined ? {} : { nthreads: run.nthreads }) });
      return { misfit, grad };
    }
    // The residual needs the predicted record: forward sweep (checkpoints kept), then the adjoint.
    const forward = solver.forwardWithCheckpoints({ ...run, vp, checkpointing });
    try {
      const misfit = residualOf(forward.rec.data.toArray());
      return { misfit, grad: forward.gradient(residual).grad };
    } finally {
      forward.release();
    }
  }
}

/** ½‖a − b‖² in float64. */
export function halfSquaredMisfit(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new InvalidArgumentError(`misfit: records of ${a.length} and ${b.length} samples differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return 0.5 * s;
}

/** ∂J/∂m → ∂J/∂vp by dm/dvp = −2/vp³ (pointwise). */
export function velocityGradient(gradientM: ArrayLike<number>, vp: ArrayLike<number>): Float64Array {
  return Float64Array.from(gradientM, (g, i) => (-2 * g) / vp[i]! ** 3);
}

/** One evaluation of the multi-shot FWI objective and its vp gradient (see `FwiObjective`). */
export function fwiObjective(options: FwiObjectiveOptions & { readonly vp?: ArrayLike<number> }): FwiObjectiveResult {
  const { vp, ...rest } = options;
  const objective = new FwiObjective(rest);
  try {
    return objective.evaluate(vp ?? options.model.vp);
  } finally {
    objective.release();
  }
}
