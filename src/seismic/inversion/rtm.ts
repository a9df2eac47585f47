/**
 * Reverse-time migration: the zero-lag cross-correlation imaging condition of the source
 * wavefield with the receiver wavefield back-propagated from the data, summed over shots.
 *
 * That cross-correlation is exactly the adjoint Born operator Jᵀ applied to the data, which the
 * solver already computes as `gradient(residual)` (its grad −= u·∂²v/∂t² term is the imaging
 * condition); so image = Σ_shots Jᵀ d, in units of m = 1/vp². With d the scattered data
 * (observed minus the migration model's prediction, `subtractModelled`), the image is minus the
 * FWI gradient ∂J/∂m, i.e. the steepest-descent update of m: positive where m should grow
 * (velocity drop), negative at a velocity increase.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { IlluminationModelling } from './illumination.ts';
import type { SeismicModel } from '../model.ts';
import { checkShots, forEachShot, observedOf, ShotSolvers, type ModellingOptions, type Shot } from './shots.ts';
import { compensateIllumination, laplacianFilter, waterMute, wavefieldEnergy, type IlluminationOptions, type MuteOptions } from './precondition.ts';

export interface RtmOptions extends ModellingOptions {
  readonly model: SeismicModel;
  readonly shots: readonly Shot[];
  /** Migration velocity (km/s, physical shape); default the model's. */
  readonly vp?: ArrayLike<number>;
  /**
   * Migrate observed − modelled(vp) instead of the observed data: removes the direct wave and
   * whatever the migration model already explains (one more forward run per shot). Default false.
   */
  readonly subtractModelled?: boolean;
  /** Apply −Δ to the image (see `laplacianFilter`). Default false. */
  readonly laplacianFilter?: boolean;
  /**
   * Divide the image by the source illumination Σ_shots Σ_t u² + ε: summed from each shot's saved
   * forward history, or with `checkpointing` accumulated by one more forward run (an Inc, no history).
   */
  readonly illumination?: boolean | IlluminationOptions;
  /** Mute the image above a depth or the sea floor (applied last). */
  readonly mute?: MuteOptions;
}

export interface RtmResult {
  /** The image, physical shape, float64. */
  readonly image: Float64Array;
  /** The raw Σ Jᵀ d before any filter, illumination or mute. */
  readonly raw: Float64Array;
  /** Σ_shots Σ_t u² when `illumination` was asked for. */
  readonly illumination?: Float64Array;
}

/** Migrates every shot and sums the images (see the module note). */
export function rtm(options: RtmOptions): RtmResult {
  const { model, shots } = options;
  checkShots(shots, 'rtm');
  if (options.vp !== undefined) model.checkPhysical(options.vp, 'rtm: vp');
  const solvers = new ShotSolvers(model, options.solver);
  let modelling: IlluminationModelling | undefined;
  const illuminationModelling = (): IlluminationModelling => (modelling ??= new IlluminationModelling(model, options.solver));
  const raw = new Float64Array(model.size);
  const wantIllumination = options.illumination !== undefined && options.illumination !== false;
  const energy = wantIllumination ? new Float64Array(model.size) : undefined;
  const base = {
    ...(options.vp === undefined ? {} : { vp: options.vp }),
    ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
  };
  const size = model.size;
  try {
    // Each shot's result: its image Jᵀd, then (with illumination) its Σ_t u², each from zero;
    // added in shot order, the same sums as accumulating in place.
    forEachShot(options.shotGroups, shots.map(() => (energy ? 2 * size : size)), (k) => {
      const shot = shots[k]!;
      const result = new Float64Array(energy ? 2 * size : size);
      const shotRaw = result.subarray(0, size);
      const shotEnergy = energy ? result.subarray(size) : undefined;
      const solver = solvers.get(shot.geometry, k);
      const data = observedOf(shot, k);
      const src = shot.src === undefined ? {} : { src: shot.src };
      const residual = shot.geometry.newRec('residual');
      const { checkpointing } = options;
      if (checkpointing === undefined) {
        const { rec, u } = solver.forward({ ...base, ...src, save: true });
        if (options.subtractModelled) {
          const predicted = rec.data.toArray();
          for (let i = 0; i < data.length; i++) data[i]! -= predicted[i]!;
        }
        if (shotEnergy) wavefieldEnergy(u, model, shotEnergy);
        residual.data.assign(model.dtype === 'float32' ? Float32Array.from(data) : data);
        const { grad } = solver.gradient(residual, { ...base, u });
        for (let i = 0; i < size; i++) shotRaw[i]! += grad[i]!;
        return result;
      }
      // No forward history here: the illumination comes from its own forward run with an Inc.
      if (shotEnergy) illuminationModelling().accumulate(shot.geometry, { ...base, ...src, into: shotEnergy });
      const forward = solver.forwardWithCheckpoints({ ...base, ...src, checkpointing });
      try {
        if (options.subtractModelled) {
          const predicted = forward.rec.data.toArray();
          for (let i = 0; i < data.length; i++) data[i]! -= predicted[i]!;
        }
        residual.data.assign(model.dtype === 'float32' ? Float32Array.from(data) : data);
        const { grad } = forward.gradient(residual);
        for (let i = 0; i < size; i++) shotRaw[i]! += grad[i]!;
        return result;
      } finally {
        forward.release();
      }
    }, (_, result) => {
      for (let i = 0; i < size; i++) raw[i]! += result[i]!;
      if (energy) for (let i = 0; i < size; i++) energy[i]! += result[size + i]!;
    });
  } finally {
    solvers.release();
  }
  let image: Float64Array = raw.slice();
  if (options.laplacianFilter) image = laplacianFilter(image, model);
  if (energy) {
    const stabilise = typeof options.illumination === 'object' ? options.illumination : {};
    image = compensateIllumination(image, energy, stabilise);
  }
  if (options.mute !== undefined) image = waterMute(image, model, options.mute);
  if (image.some((v) => !Number.isFinite(v))) throw new InvalidArgumentError('rtm: the image has non-finite values (an unstable migration velocity?)');
  return { image, raw, ...(energy ? { illumination: energy } : {}) };
}
