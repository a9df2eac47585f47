/**
 * Full-waveform inversion of the velocity: box-constrained minimisation of the multi-shot
 * least-squares misfit over vp (km/s, physical shape) with projected L-BFGS or projected
 * gradient descent (optimise.ts), each accepted step an Armijo decrease, every model evaluated
 * inside [vmin, vmax] exactly.
 *
 * Why vp and not m: bounds are what users know (water velocity, fastest rock), and they are
 * also what keeps every trial model stable for the geometry's fixed dt, which is checked once
 * here against vmax before anything runs.
 *
 * A preconditioner (water mute, illumination compensation, or the user's function) is applied
 * to the gradient each evaluation; the optimiser then works with that gradient. A mute makes
 * the muted variables stay at their starting values (their gradient is zero).
 */
import { InvalidArgumentError } from '../../errors.ts';
import { checkVelocityKms, type SeismicModel } from '../model.ts';
import { FwiObjective } from './objective.ts';
import { minimise, type OptimiserMethod, type StopReason } from './optimise.ts';
import { compensateIllumination, muteWeights, sourceIllumination, type IlluminationOptions, type MuteOptions } from './precondition.ts';
import type { ModellingOptions, Shot } from './shots.ts';

/** What `onIteration` receives after each accepted update. */
export interface FwiIteration {
  readonly iteration: number;
  /** Misfit after the update, and before it. */
  readonly misfit: number;
  readonly previousMisfit: number;
  /** ‖∂J/∂vp‖₂ (preconditioned) at the new model. */
  readonly gradientNorm: number;
  /** Line-search step α, and the largest velocity change of the update (km/s). */
  readonly step: number;
  readonly change: number;
  /** The updated velocity (a copy), km/s, physical shape. */
  readonly vp: Float64Array;
  /** Objective evaluations so far (each: forward + adjoint per shot). */
  readonly evaluations: number;
}

export interface FwiOptions extends ModellingOptions {
  readonly model: SeismicModel;
  readonly shots: readonly Shot[];
  /** Accepted updates (default 10). */
  readonly iterations?: number;
  /** [vmin, vmax] in km/s: every model tried lies inside. */
  readonly bounds: readonly [number, number];
  /** Default 'lbfgs'. */
  readonly method?: OptimiserMethod;
  /** Starting velocity (default the model's). */
  readonly vp0?: ArrayLike<number>;
  /** Largest velocity change of one trial update, km/s (default 5% of vmax − vmin). */
  readonly maxStep?: number;
  /** Objective evaluations at most (default 4 per iteration + 2). */
  readonly maxEvaluations?: number;
  /** L-BFGS memory (default 5). */
  readonly memory?: number;
  /** Zero the gradient above a depth or the sea floor (with a taper). */
  readonly mute?: MuteOptions;
  /**
   * Divide the gradient by the source illumination of the starting model, Σ_shots Σ_t u² + ε
   * (computed once, from a saved forward run per shot).
   */
  readonly illumination?: boolean | IlluminationOptions;
  /** Any other preconditioner, applied last: gradient (physical shape) → gradient. */
  readonly precondition?: (gradient: Float64Array, vp: Float64Array) => Float64Array;
  /** Called after each update; return false to stop. */
  readonly onIteration?: (info: FwiIteration) => boolean | void;
}

export interface FwiResult {
  /** Final velocity, km/s, physical shape. */
  readonly vp: Float64Array;
  readonly misfit: number;
  /** Misfit of the starting model, then after each update. */
  readonly history: readonly number[];
  readonly iterations: number;
  readonly evaluations: number;
  readonly reason: StopReason;
}

/** Runs FWI (see the module note). The model itself is not modified: `result.vp` is the answer. */
export function fwi(options: FwiOptions): FwiResult {
  const { model, bounds } = options;
  if (!Array.isArray(bounds) || bounds.length !== 2 || !(bounds[0] < bounds[1])) {
    throw new InvalidArgumentError(`fwi: bounds must be [vmin, vmax] in km/s with vmin < vmax, got ${JSON.stringify(bounds)}`);
  }
  const [vmin, vmax] = bounds;
  checkVelocityKms(vmin, 'fwi: bounds[0]');
  checkVelocityKms(vmax, 'fwi: bounds[1]');
  const spaceOrder = options.solver?.spaceOrder ?? model.spaceOrder;
  const limit = model.stabilityLimit(spaceOrder, vmax);
  for (const [k, shot] of options.shots.entries()) {
    if (shot.geometry.dt > limit) {
      throw new InvalidArgumentError(
        `fwi: shot ${k}'s dt = ${shot.geometry.dt.toPrecision(6)} ms is unstable at the upper bound vmax = ${vmax} km/s (limit ${limit.toPrecision(6)} ms); lower vmax or build the geometry with a smaller dt`,
      );
    }
  }
  const iterations = options.iterations ?? 10;
  if (!Number.isInteger(iterations) || iterations < 0) throw new InvalidArgumentError(`fwi: iterations must be an integer >= 0, got ${iterations}`);
  const maxStep = options.maxStep ?? 0.05 * (vmax - vmin);
  const vp0 = model.checkPhysical(options.vp0 ?? model.vp, 'fwi: vp0');

  const objective = new FwiObjective(options);
  const mute = options.mute === undefined ? undefined : muteWeights(model, options.mute);
  const illumination = options.illumination === undefined || options.illumination === false
    ? undefined
    : sourceIllumination({ model, shots: options.shots, vp: vp0.map((v) => Math.min(Math.max(v, vmin), vmax)), ...pick(options) });
  const stabilise = typeof options.illumination === 'object' ? options.illumination : {};
  try {
    const result = minimise((vp) => {
      const { misfit, gradient } = objective.evaluate(vp);
      let g = gradient;
      if (illumination) g = compensateIllumination(g, illumination, stabilise);
      if (mute) g = g.map((gi, k) => (mute[k] === 0 ? 0 : gi * mute[k]!));
      if (options.precondition) g = options.precondition(g, vp);
      return { value: misfit, gradient: g };
    }, vp0, {
      lower: vmin,
      upper: vmax,
      method: options.method ?? 'lbfgs',
      maxIterations: iterations,
      maxEvaluations: options.maxEvaluations ?? 4 * iterations + 2,
      maxStep,
      projectedGradientTolerance: 0,
      ...(options.memory === undefined ? {} : { memory: options.memory }),
      onIteration: (info) => options.onIteration?.({
        iteration: info.iteration, misfit: info.value, previousMisfit: info.previousValue, gradientNorm: info.gradientNorm,
        step: info.step, change: info.change, vp: info.x, evaluations: info.evaluations,
      }),
    });
    return { vp: result.x, misfit: result.value, history: result.history, iterations: result.iterations, evaluations: result.evaluations, reason: result.reason };
  } finally {
    objective.release();
  }
}

function pick(options: ModellingOptions): ModellingOptions {
  return {
    ...(options.solver === undefined ? {} : { solver: options.solver }),
    ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
    ...(options.shotGroups === undefined ? {} : { shotGroups: options.shotGroups }),
  };
}
