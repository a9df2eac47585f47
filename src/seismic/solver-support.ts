/**
 * What every wave solver (acoustic, TTI, visco-acoustic) does around its kernels the same way: the
 * sparse point sets it owns, the apply arguments of a call, the per-call velocity override, and the
 * copy of a user's sources or records into the solver's own point sets.
 */
import { SparseTimeFunction } from '../dsl/sparse.ts';
import { InvalidArgumentError, ShapeError } from '../errors.ts';
import type { PerformanceSummary } from '../operator.ts';
import type { ModelOverride, SeismicModel } from './model.ts';
import { combine } from './summary.ts';

/** A call's velocity override: a velocity (km/s) or a squared slowness m, not both. */
export interface VelocityOptions {
  readonly vp?: number | ArrayLike<number>;
  readonly m?: ArrayLike<number>;
}

/** A solver's own point set of `nt` samples at `coordinates` (flat, metres) on the model's grid. */
export function solverPoints(model: SeismicModel, name: string, coordinates: Float64Array, nt: number): SparseTimeFunction {
  return new SparseTimeFunction({ name, grid: model.grid, npoint: coordinates.length / model.ndim, nt, coordinates });
}

/** The apply arguments of one call: the solver's dt and the thread and autotune options the caller gave. */
export function kernelArgs(dt: number, options: { nthreads?: number; autotune?: boolean }): { dt: number; nthreads?: number; autotune?: boolean } {
  return {
    dt,
    ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
    ...(options.autotune === undefined ? {} : { autotune: options.autotune }),
  };
}

/**
 * Runs `body` with the model's m replaced by the call's override (restored afterwards), after
 * `checkStable` saw the velocity the call runs with (undefined: the model's own, unchanged).
 */
export function withVelocity(
  model: SeismicModel, options: VelocityOptions, what: string, checkStable: (velocity: Float64Array | undefined) => void, body: () => PerformanceSummary[],
): PerformanceSummary {
  if (options.vp !== undefined && options.m !== undefined) throw new InvalidArgumentError(`${what}: give vp or m, not both`);
  const override: ModelOverride | undefined = options.vp !== undefined ? { vp: options.vp } : options.m !== undefined ? { m: options.m } : undefined;
  if (override === undefined) {
    checkStable(undefined);
    return combine(body());
  }
  const velocity = model.velocityOf(override, what);
  checkStable(velocity);
  const raw = model.m.data.raw;
  const kept = raw.slice();
  model.m.data.global.assign(model.paddedSlowness(velocity));
  try {
    return combine(body());
  } finally {
    raw.set(kept);
  }
}

/** Copies a user's sparse data and positions into one of the solver's own point sets (checked against it). */
export function loadPoints(model: SeismicModel, target: SparseTimeFunction, given: SparseTimeFunction, what: string): void {
  if (!(given instanceof SparseTimeFunction)) throw new InvalidArgumentError(`${what} must be a SparseTimeFunction (e.g. geometry.newRec())`);
  if (given.npoint !== target.npoint || given.nt !== target.nt || given.grid.ndim !== model.ndim) {
    throw new ShapeError(`${what}: has ${given.npoint} points × ${given.nt} samples; this solver's geometry has ${target.npoint} points × ${target.nt} samples`);
  }
  if (given !== target) {
    target.coordinates.set(model.checkPoints(given.coordinates, what));
    target.data.raw.set(given.data.raw);
  }
}
