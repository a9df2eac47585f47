/**
 * Preconditioning of FWI gradients and RTM images, on the physical grid (row-major, the last
 * axis is depth, as everywhere in the seismic layer):
 *
 * - a water-layer mute: zero above a depth (or above the sea floor), then a smooth cosine taper,
 *   so updates do not go into the water, where the velocity is known and the source and
 *   receiver footprints are strongest;
 * - source-illumination compensation: divide by the source wavefield energy Σ_t u² plus a
 *   stabilising ε, which balances the strong shallow gradient against the weak deep one.
 *
 * The energy is accumulated during a forward run by an `Inc` into a Function (illumination.ts:
 * the solver's forward equations plus the Inc, as the solver's public API has no hook for an
 * extra equation), so it needs no forward history; `wavefieldEnergy` computes the same sum from
 * a saved forward wavefield when one is at hand anyway.
 */
import { InvalidArgumentError, ShapeError } from '../../errors.ts';
import type { TimeFunction } from '../../dsl/functions.ts';
import type { SeismicModel } from '../model.ts';
import { checkShots, forEachShot, type ShotGroupSharing, type Shot } from './shots.ts';
import { IlluminationModelling } from './illumination.ts';
import type { AcousticWaveSolverOptions } from '../acoustic-solver.ts';

/** Where the mute ends: a depth, a sea floor per lateral position, or the sea floor found in vp. */
export interface MuteOptions {
  /** Depth (m, same axis as the model's origin) above which everything is zeroed. */
  readonly depth?: number;
  /**
   * Sea-floor depth (m) per lateral position: one per physical point of the lateral axes
   * (row-major over them; nx values in 2D).
   */
  readonly seaFloor?: ArrayLike<number>;
  /**
   * Find the sea floor in the model's velocity: the first point down each column where vp
   * exceeds this (km/s), e.g. 1.51 for water at 1.5 km/s.
   */
  readonly waterVelocity?: number;
  /** Length (m) of the cosine ramp from 0 to 1 below the mute depth (default 0: a hard mute). */
  readonly taper?: number;
}

/**
 * Mute weights (physical shape, in [0, 1]): exactly 0 where z < mute depth, the ramp
 * ½(1 − cos(π (z − depth)/taper)) for depth ≤ z < depth + taper, exactly 1 below.
 */
export function muteWeights(model: SeismicModel, options: MuteOptions): Float64Array {
  const given = [options.depth, options.seaFloor, options.waterVelocity].filter((o) => o !== undefined).length;
  if (given !== 1) throw new InvalidArgumentError('waterMute: give exactly one of depth, seaFloor or waterVelocity');
  const taper = options.taper ?? 0;
  if (!(taper >= 0 && Number.isFinite(taper))) throw new InvalidArgumentError(`waterMute: taper must be a length in metres >= 0, got ${taper}`);
  const nz = model.shape[model.ndim - 1]!;
  const dz = model.spacing[model.ndim - 1]!;
  const z0 = model.origin[model.ndim - 1]!;
  const columns = model.size / nz;
  let floor: Float64Array;
  if (options.depth !== undefined) {
    if (!Number.isFinite(options.depth)) throw new InvalidArgumentError(`waterMute: depth must be finite metres, got ${options.depth}`);
    floor = new Float64Array(columns).fill(options.depth);
  } else if (options.seaFloor !== undefined) {
    if (options.seaFloor.length !== columns) throw new ShapeError(`waterMute: seaFloor has ${options.seaFloor.length} values; the model has ${columns} lateral positions`);
    floor = Float64Array.from(options.seaFloor);
  } else {
    floor = seaFloorDepth(model, options.waterVelocity!);
  }
  const weights = new Float64Array(model.size);
  for (let c = 0; c < columns; c++) {
    for (let j = 0; j < nz; j++) {
      const below = z0 + j * dz - floor[c]!;
      weights[c * nz + j] = below < 0 ? 0 : below >= taper ? 1 : 0.5 * (1 - Math.cos((Math.PI * below) / taper));
    }
  }
  return weights;
}

/** Depth (m) of the first point down each column where vp exceeds `waterVelocity` (the bottom when none does). */
export function seaFloorDepth(model: SeismicModel, waterVelocity: number): Float64Array {
  const vp = model.vp;
  const nz = model.shape[model.ndim - 1]!;
  const dz = model.spacing[model.ndim - 1]!;
  const z0 = model.origin[model.ndim - 1]!;
  const columns = model.size / nz;
  return Float64Array.from({ length: columns }, (_, c) => {
    let j = 0;
    while (j < nz - 1 && vp[c * nz + j]! <= waterVelocity) j++;
    return z0 + j * dz;
  });
}

/** `values` (physical shape) times the mute weights: a new array. */
export function waterMute(values: ArrayLike<number>, model: SeismicModel, options: MuteOptions): Float64Array {
  if (values.length !== model.size) throw new ShapeError(`waterMute: got ${values.length} values for a model of ${model.size} physical points`);
  const w = muteWeights(model, options);
  // An exact +0 above the mute (v·0 would give −0 for negative v).
  return Float64Array.from(values, (v, k) => (w[k] === 0 ? 0 : v * w[k]!));
}

/** Stabilisation of the illumination division. */
export interface IlluminationOptions {
  /** Absolute ε added to the energy. */
  readonly epsilon?: number;
  /** ε as a fraction of the largest energy, when `epsilon` is not given (default 1e-3). */
  readonly relativeEpsilon?: number;
}

/** values / (energy + ε), pointwise: a new array. */
export function compensateIllumination(values: ArrayLike<number>, energy: ArrayLike<number>, options: IlluminationOptions = {}): Float64Array {
  if (values.length !== energy.length) throw new ShapeError(`compensateIllumination: ${values.length} values but ${energy.length} energies`);
  let max = 0;
  for (let i = 0; i < energy.length; i++) max = Math.max(max, energy[i]!);
  const epsilon = options.epsilon ?? (options.relativeEpsilon ?? 1e-3) * max;
  if (!(epsilon > 0)) throw new InvalidArgumentError(`compensateIllumination: ε must be > 0 (got ${epsilon}); give epsilon, or an energy that is not all zero`);
  return Float64Array.from(values, (v, k) => v / (energy[k]! + epsilon));
}

/**
 * Σ_t u[t]² on the physical grid, for a saved forward wavefield (`forward({ save: true }).u`,
 * time indices 0 … nt−1). Added onto `into` when given.
 */
export function wavefieldEnergy(u: TimeFunction, model: SeismicModel, into: Float64Array = new Float64Array(model.size)): Float64Array {
  // The whole wavefield on every rank of a split model.
  const dense = u.data.global.toArray();
  const padded = model.paddedShape;
  const ndim = model.ndim;
  const slab = padded.reduce((a, b) => a * b, 1);
  const nt = dense.length / slab;
  const { shape, nbl } = model;
  const index = new Array<number>(ndim).fill(0);
  for (let k = 0; k < model.size; k++) {
    // Physical point k → its padded offset.
    let rest = k;
    for (let d = ndim - 1; d >= 0; d--) { index[d] = rest % shape[d]!; rest = Math.floor(rest / shape[d]!); }
    let p = 0;
    for (let d = 0; d < ndim; d++) p = p * padded[d]! + index[d]! + nbl;
    let sum = 0;
    for (let t = 0; t < nt; t++) sum += dense[t * slab + p]! ** 2;
    into[k]! += sum;
  }
  return into;
}

/**
 * Source illumination Σ_shots Σ_t u² (physical shape) in velocity `vp` (default the model's),
 * accumulated during one forward run per shot (`IlluminationModelling`: no forward history kept).
 */
export function sourceIllumination(options: {
  readonly model: SeismicModel;
  readonly shots: readonly Pick<Shot, 'geometry' | 'src'>[];
  readonly vp?: ArrayLike<number>;
  readonly solver?: AcousticWaveSolverOptions;
  readonly nthreads?: number;
  /** Shots shared out over groups of processes (see `ModellingOptions.shotGroups`). */
  readonly shotGroups?: ShotGroupSharing;
}): Float64Array {
  const { model, shots } = options;
  checkShots(shots, 'sourceIllumination');
  let modelling: IlluminationModelling | undefined;
  const energy = new Float64Array(model.size);
  // Each shot's energy from zero, added in shot order: the same sums as accumulating in place.
  forEachShot(options.shotGroups, shots.map(() => model.size), (k) => (modelling ??= new IlluminationModelling(model, options.solver)).accumulate(shots[k]!.geometry, {
    ...(options.vp === undefined ? {} : { vp: options.vp }),
    ...(shots[k]!.src === undefined ? {} : { src: shots[k]!.src }),
    ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
  }), (_, shotEnergy) => {
    for (let i = 0; i < energy.length; i++) energy[i]! += shotEnergy[i]!;
  });
  return energy;
}

/**
 * −Δ of an image on the physical grid (second-order differences, each edge mirrored so the
 * boundary adds no spike), scaled by h² of the first axis so it keeps the image's units. RTM uses
 * it to suppress the low-wavenumber backscattering artefacts of the cross-correlation; the sign
 * keeps reflector polarity.
 */
export function laplacianFilter(image: ArrayLike<number>, model: SeismicModel): Float64Array {
  const { shape, spacing, ndim } = model;
  if (image.length !== model.size) throw new ShapeError(`laplacianFilter: got ${image.length} values for ${model.size} points`);
  const out = new Float64Array(model.size);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const h0 = spacing[0]! ** 2;
  const index = new Array<number>(ndim).fill(0);
  for (let k = 0; k < model.size; k++) {
    let rest = k;
    for (let d = ndim - 1; d >= 0; d--) { index[d] = rest % shape[d]!; rest = Math.floor(rest / shape[d]!); }
    let lap = 0;
    for (let d = 0; d < ndim; d++) {
      const i = index[d]!;
      const lo = i > 0 ? k - strides[d]! : k + strides[d]! * (shape[d]! > 1 ? 1 : 0);
      const hi = i < shape[d]! - 1 ? k + strides[d]! : k - strides[d]! * (shape[d]! > 1 ? 1 : 0);
      lap += (image[lo]! - 2 * image[k]! + image[hi]!) / spacing[d]! ** 2;
    }
    out[k] = -lap * h0;
  }
  return out;
}
