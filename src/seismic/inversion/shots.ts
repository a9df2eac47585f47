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
  /**
   * Shots shared out over groups of processes (MPI; see `ShotGroupSharing`). Without it this
   * process computes every shot.
   */
  readonly shotGroups?: ShotGroupSharing;
}

/**
 * How the shots of a loop are shared out: each process computes only the shots it `owns` (with
 * the others of its group, over which the model is split), then `gather` gives every process every
 * shot's result, and each loop combines them in shot order exactly as one process does, so the
 * results are bitwise one process's. Every process must run the same loops over the same shots:
 * `gather` is collective.
 */
export interface ShotGroupSharing {
  /** Whether this process computes shot `shot` (of `nShots`). */
  owns(shot: number, nShots: number): boolean;
  /**
   * Every shot's result (shot k: `lengths[k]` values, k < `lengths.length`) on every process, in
   * shot order; `mine` holds this process's owned shots' results. Collective.
   */
  gather(lengths: readonly number[], mine: ReadonlyMap<number, Float64Array>): Float64Array[];
}

/**
 * Runs `compute` for each shot (shot k's result: `lengths[k]` values) and hands the results to
 * `combine` in shot order. With `sharing`, only the owned shots are computed here and the rest
 * come from the other groups; without it, each result is combined as soon as it is computed.
 */
export function forEachShot(
  sharing: ShotGroupSharing | undefined,
  lengths: readonly number[],
  compute: (shot: number) => Float64Array,
  combine: (shot: number, result: Float64Array) => void,
): void {
  const computed = (shot: number): Float64Array => {
    const result = compute(shot);
    if (result.length !== lengths[shot]) throw new ShapeError(`shot ${shot}: its result has ${result.length} values, expected ${lengths[shot]}`);
    return result;
  };
  if (sharing === undefined) {
    lengths.forEach((_, shot) => combine(shot, computed(shot)));
    return;
  }
  const mine = new Map<number, Float64Array>();
  lengths.forEach((_, shot) => {
    if (sharing.owns(shot, lengths.length)) mine.set(shot, computed(shot));
  });
  sharing.gather(lengths, mine).forEach((result, shot) => combine(shot, result));
}

/** Whether this process computes `shot` (every shot without sharing). */
export function ownsShot(sharing: ShotGroupSharing | undefined, shot: number, nShots: number): boolean {
  return sharing === undefined || sharing.owns(shot, nShots);
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
  /** Shots shared out over groups of processes (see `ModellingOptions.shotGroups`). */
  readonly shotGroups?: ShotGroupSharing;
}): Shot[] {
  const shots: Shot[] = [];
  const { geometries } = options;
  forEachShot(options.shotGroups, geometries.map((g) => g.nt * g.nrec), (k) => {
    // A solver per shot, dropped after it: each geometry is modelled once, so none is kept.
    const { rec } = new ShotSolvers(options.model, options.solver).get(geometries[k]!, k).forward({
      ...(options.vp === undefined ? {} : { vp: options.vp }),
      ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
    });
    return Float64Array.from(rec.data.toArray());
  }, (k, observed) => shots.push({ geometry: geometries[k]!, observed }));
  return shots;
}
