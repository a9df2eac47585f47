/**
 * Shots for inversion: an acquisition geometry (source and receiver positions, time axis) with
 * its observed record, and the solvers that model them. One AcousticWaveSolver per distinct
 * geometry, built once and reused by every evaluation: its operators (and, with checkpointing,
 * its checkpoint memory) are the expensive part, the model changes only through the `vp`
 * override of each call, so the SeismicModel the user gave is never modified.
 */
import { SparseTimeFunction } from '../../dsl/sparse.ts';
import { GridMismatchError, InvalidArgumentError, ShapeError } from '../../errors.ts';
import { AcousticWaveSolver, type AcousticWaveSolverOptions, type CheckpointingOptions } from '../acoustic-solver.ts';
import type { AcquisitionGeometry } from '../geometry.ts';
import type { SeismicModel } from '../model.ts';

/** One shot: where it was fired and recorded, and what was recorded. */
export interface Shot {
  /** Built on the inversion's SeismicModel. */
  readonly geometry: AcquisitionGeometry;
  /** Observed record, row-major [nt, nrec] (a SparseTimeFunction's data or a plain array). */
  readonly observed: SparseTimeFunction | ArrayLike<number>;
  /** Source (default `geometry.src`): same points and nt as the geometry's. */
  readonly src?: SparseTimeFunction;
}

/** Options shared by the objective, FWI and RTM: how each shot is modelled. */
export interface ModellingOptions {
  /** Options of every shot's AcousticWaveSolver (space order, free surface). */
  readonly solver?: AcousticWaveSolverOptions;
  /** Recompute the forward wavefield under a memory bound instead of saving it (per shot). */
  readonly checkpointing?: Omit<CheckpointingOptions, 'src'>;
  readonly nthreads?: number;
}

/** The observed record of a shot as float64 [nt·nrec], checked against its geometry. */
export function observedOf(shot: Shot, index: number): Float64Array {
  const { geometry } = shot;
  const given = shot.observed;
  const values: ArrayLike<number> = given instanceof SparseTimeFunction ? given.data.toArray() : given;
  const expected = geometry.nt * geometry.nrec;
  if (values === null || typeof values !== 'object' || values.length !== expected) {
    throw new ShapeError(`shot ${index}: observed holds ${values?.length ?? String(values)} values; its geometry records nt × nrec = ${geometry.nt} × ${geometry.nrec} = ${expected}`);
  }
  return Float64Array.from(values);
}

/** Solvers keyed by geometry, built on first use and kept. */
export class ShotSolvers {
  private readonly solvers = new Map<AcquisitionGeometry, AcousticWaveSolver>();

  constructor(readonly model: SeismicModel, private readonly options: AcousticWaveSolverOptions = {}) {}

  get(geometry: AcquisitionGeometry, index: number): AcousticWaveSolver {
    if (geometry.model !== this.model) throw new GridMismatchError(`shot ${index}: its geometry was built for another SeismicModel; build it on the model being inverted`);
    let solver = this.solvers.get(geometry);
    if (!solver) {
      solver = new AcousticWaveSolver(this.model, geometry, this.options);
      this.solvers.set(geometry, solver);
    }
    return solver;
  }

  /** Frees checkpoint memory the solvers kept between evaluations. */
  release(): void {
    for (const solver of this.solvers.values()) solver.releaseCheckpoints();
  }
}

/** Throws unless there is at least one shot and each names a geometry. */
export function checkShots(shots: readonly Pick<Shot, 'geometry'>[], what: string): void {
  if (!Array.isArray(shots) || shots.length === 0) throw new InvalidArgumentError(`${what}: give at least one shot as { geometry, observed }`);
  shots.forEach((shot, k) => {
    if (shot === null || typeof shot !== 'object' || shot.geometry === undefined) throw new InvalidArgumentError(`${what}: shot ${k} must be { geometry, observed, src? }`);
  });
}

/**
 * Synthetic observed data: each geometry's shot record modelled in velocity `vp` (km/s, physical
 * shape; default the model's), as shots ready for `fwiObjective`, `fwi` and `rtm`.
 */
export function modelShots(options: {
  readonly model: SeismicModel;
  readonly geometries: readonly AcquisitionGeometry[];
  readonly vp?: number | ArrayLike<number>;
  readonly solver?: AcousticWaveSolverOptions;
  readonly nthreads?: number;
}): Shot[] {
  const solvers = new ShotSolvers(options.model, options.solver);
  return options.geometries.map((geometry, k) => {
    const solver = solvers.get(geometry, k);
    const { rec } = solver.forward({
      ...(options.vp === undefined ? {} : { vp: options.vp }),
      ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
    });
    return { geometry, observed: Float64Array.from(rec.data.toArray()) };
  });
}
