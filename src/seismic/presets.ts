/**
 * Generated velocity models (never downloaded): flat layers, a circle (sphere in 3D) in a
 * constant background, and a layered sediment model with a salt body — the command line's
 * built-in "true" model. Each preset returns `SeismicModelOptions` (plain data a user may still
 * edit) or, with `build: true`, a ready `SeismicModel`.
 *
 * Beyond vp, `physics` fills the parameters other solvers need, from vp by simple rules (each a
 * common rule of thumb, stated where it is coded):
 * - `'elastic'`: vs = vp/√3 (a Poisson solid, ν = 0.25) and Gardner's density
 *   ρ = 0.31·(1000·vp)^0.25 g/cm³ (vp in km/s; Gardner, Gardner & Gregory 1974, Geophysics 39(6));
 * - `'viscoacoustic'`: qp = 3.516·(1000·vp)^2.2·10⁻⁶ (Li's empirical Q–velocity relation, the one
 *   Devito's visco-acoustic examples use) and the density above;
 * - `'tti'`: Thomsen ε = 0.3·(vp − 1.5), δ = 0.2·(vp − 1.5), tilt θ = 0.5·(vp − 1.5) rad and, in
 *   3D, azimuth φ = 0.25·(vp − 1.5) rad (Devito's layered-TTI demo rule), none below 0.
 * Water — a point with vp ≤ `waterVelocity` (default 1.5 km/s) — is isotropic, has vs = 0,
 * ρ = 1 g/cm³ and qp = WATER_QP (no loss worth modelling): Gardner's law is for rock, and would
 * give water 1.93 g/cm³.
 *
 * Axes are Devito's: the last one is depth, increasing downwards from the origin; values are
 * row-major with the last axis fastest, like `SeismicModelOptions.vp`.
 */
import type { Dtype } from '../dsl/dtype.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { InvalidArgumentError } from '../errors.ts';
import { checkVelocityKms, SeismicModel, type SeismicModelOptions } from './model.ts';

/** Physics whose parameters a preset fills from vp (acoustic needs vp alone). */
export type PresetPhysics = 'tti' | 'viscoacoustic' | 'elastic';

/** Options every preset takes. */
export interface PresetOptions {
  /** Physical points per axis (2 or 3 axes; the last is depth). */
  readonly shape: readonly number[];
  /** Grid spacing per axis, in metres. */
  readonly spacing: readonly number[];
  /** Coordinate of the first point (default zeros): passed on to the model. */
  readonly origin?: readonly number[];
  /** Passed on to the model (see SeismicModelOptions). */
  readonly nbl?: number;
  readonly spaceOrder?: number;
  readonly dtype?: Dtype;
  /** Physics whose parameters to fill from vp by the rules above (default none: vp alone). */
  readonly physics?: readonly PresetPhysics[];
  /** Points with vp at or below this (km/s) are water (default 1.5). */
  readonly waterVelocity?: number;
  /** Return a `SeismicModel` instead of its options. */
  readonly build?: boolean;
}

/** Layer velocities from `top` to `bottom` (km/s) in `count` equal steps. */
export interface VelocityRamp {
  readonly top: number;
  readonly bottom: number;
  readonly count: number;
}

export interface LayersOptions extends PresetOptions {
  /** Velocity of each layer, top to bottom (km/s), or a ramp from top to bottom. */
  readonly vp: readonly number[] | VelocityRamp;
  /**
   * Depth of each interface below the origin (metres, increasing; one fewer than the layers): a
   * point at or below an interface belongs to the layer under it. Default: the layers split the
   * depth points evenly, interface i at point round(i·nz/layers).
   */
  readonly depths?: readonly number[];
}

export interface CircleOptions extends PresetOptions {
  /** Background velocity (km/s). */
  readonly vp: number;
  /** Velocity inside the circle (sphere in 3D), km/s. */
  readonly vpCircle: number;
  /** Radius in metres: a point at distance ≤ radius from the centre is inside. */
  readonly radius: number;
  /** Centre in metres (physical coordinates, origin included); default the domain's centre. */
  readonly center?: readonly number[];
}

export type SaltBodyOptions = PresetOptions;

/** Velocities of the salt-body model, top to bottom (km/s), and of the salt. */
export const SALT_MODEL = Object.freeze({ water: 1.5, layers: Object.freeze([2.0, 2.5, 3.0]), salt: 4.5 });

/** Quality factor given to water: large enough that attenuation is negligible over any survey. */
export const WATER_QP = 10000;

/** Gardner's density (g/cm³) of rock with P velocity `vp` (km/s). */
export function gardnerDensity(vp: number): number {
  return 0.31 * (1000 * vp) ** 0.25;
}

/** Li's empirical quality factor of rock with P velocity `vp` (km/s). */
export function empiricalQp(vp: number): number {
  return 3.516 * (1000 * vp) ** 2.2 * 1e-6;
}

/**
 * The layered sediment model with a salt body (km/s, row-major, depth fastest): water on top
 * (the first 13% of the depth), three sediment layers (2.0, 2.5, 3.0 km/s) whose second
 * interface dips 5% along x, and an elliptic salt body (4.5 km/s) centred at half the width and
 * 47% of the depth, 15% of the width and 13% of the depth in semi-axes (an ellipsoid in 3D, as
 * wide along y as along x). Enough structure for a gradient with something to show. The command
 * line's built-in model (`fwi-gradient`) is this at 10 m spacing.
 */
export function saltBodyVelocity(shape: readonly number[], spacing: readonly number[]): Float64Array {
  checkShape('saltBody', shape, spacing);
  const ndim = shape.length;
  const nz = shape[ndim - 1]!;
  const dz = spacing[ndim - 1]!;
  const depth = (nz - 1) * dz;
  const width = (shape[0]! - 1) * spacing[0]!;
  const breadth = ndim === 3 ? (shape[1]! - 1) * spacing[1]! : 0;
  const ny = ndim === 3 ? shape[1]! : 1;
  const vp = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const [water, [v1, v2, v3]] = [SALT_MODEL.water, SALT_MODEL.layers as [number, number, number]];
  for (let i = 0; i < shape[0]!; i++) {
    const x = i * spacing[0]!;
    // Evaluated in this order so the 2D model stays bit for bit what the command line always drew.
    const dip = 0.05 * (x - width / 2);
    const ex = (x - 0.5 * width) / (0.15 * width);
    for (let k = 0; k < ny; k++) {
      const ey = ndim === 3 ? (k * spacing[1]! - 0.5 * breadth) / (0.15 * breadth) : 0;
      for (let j = 0; j < nz; j++) {
        const z = j * dz;
        let v = z < 0.13 * depth ? water : z < 0.33 * depth + dip ? v1 : z < 0.6 * depth ? v2 : v3;
        const ez = (z - 0.47 * depth) / (0.13 * depth);
        if (ex * ex + ey * ey + ez * ez < 1) v = SALT_MODEL.salt;
        vp[(i * ny + k) * nz + j] = v;
      }
    }
  }
  return vp;
}

const COMMON_KEYS = { shape: true, spacing: true, origin: true, nbl: true, spaceOrder: true, dtype: true, physics: true, waterVelocity: true, build: true } as const;
const LAYERS_KEYS = optionKeys<LayersOptions>({ ...COMMON_KEYS, vp: true, depths: true });
const CIRCLE_KEYS = optionKeys<CircleOptions>({ ...COMMON_KEYS, vp: true, vpCircle: true, radius: true, center: true });
const SALT_KEYS = optionKeys<SaltBodyOptions>(COMMON_KEYS);
const PHYSICS: readonly PresetPhysics[] = ['tti', 'viscoacoustic', 'elastic'];

function checkShape(what: string, shape: readonly number[], spacing: readonly number[]): void {
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 3) || shape.some((n) => !Number.isInteger(n) || n < 2)) {
    throw new InvalidArgumentError(`presets.${what}: shape must list 2 or 3 integer point counts >= 2, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(spacing) || spacing.length !== shape.length || spacing.some((h) => !(Number.isFinite(h) && h > 0))) {
    throw new InvalidArgumentError(`presets.${what}: spacing must have ${shape.length} positive entries in metres, got ${JSON.stringify(spacing)}`);
  }
}

/** The layer velocities a `vp` option lists, checked. */
function layerVelocities(vp: LayersOptions['vp']): number[] {
  let values: number[];
  if (Array.isArray(vp)) {
    values = [...(vp as readonly number[])];
  } else {
    const { top, bottom, count } = (vp ?? {}) as VelocityRamp;
    if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`presets.layers: vp.count must be an integer >= 1 (layers), got ${count}`);
    values = Array.from({ length: count }, (_, i) => (count === 1 ? top : top + ((bottom - top) * i) / (count - 1)));
  }
  if (values.length === 0) throw new InvalidArgumentError('presets.layers: give at least one layer velocity, e.g. vp: [1.5, 2.5, 3.5]');
  values.forEach((v, i) => checkVelocityKms(v, `presets.layers: layer ${i}`));
  return values;
}

/**
 * Flat layers: velocity per layer from top to bottom (`vp`), interfaces at `depths` (metres below
 * the origin) or splitting the depth points evenly.
 */
export function layers(options: LayersOptions & { readonly build: true }): SeismicModel;
export function layers(options: LayersOptions & { readonly build?: false }): SeismicModelOptions;
export function layers(options: LayersOptions): SeismicModel | SeismicModelOptions;
export function layers(options: LayersOptions): SeismicModel | SeismicModelOptions {
  const { shape, spacing } = checkOptionKeys('presets.layers', options, LAYERS_KEYS);
  checkShape('layers', shape, spacing);
  const velocities = layerVelocities(options.vp);
  const n = velocities.length;
  const nz = shape[shape.length - 1]!;
  const dz = spacing[spacing.length - 1]!;
  const depths = options.depths ?? Array.from({ length: n - 1 }, (_, i) => Math.round(((i + 1) * nz) / n) * dz);
  if (!Array.isArray(depths) || depths.length !== n - 1 || depths.some((d, i) => !Number.isFinite(d) || (i > 0 && d <= depths[i - 1]!))) {
    throw new InvalidArgumentError(`presets.layers: depths must list ${n - 1} increasing interface depths in metres (one fewer than the ${n} layers), got ${JSON.stringify(depths)}`);
  }
  // Per depth point, the layer it lies in: the number of interfaces at or above it.
  const column = Float64Array.from({ length: nz }, (_, j) => velocities[depths.filter((d) => d <= j * dz).length]!);
  const vp = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let k = 0; k < vp.length; k += nz) vp.set(column, k);
  return finish('layers', options, vp);
}

/** A circle (sphere in 3D) of velocity `vpCircle` and `radius` metres in a background `vp`. */
export function circle(options: CircleOptions & { readonly build: true }): SeismicModel;
export function circle(options: CircleOptions & { readonly build?: false }): SeismicModelOptions;
export function circle(options: CircleOptions): SeismicModel | SeismicModelOptions;
export function circle(options: CircleOptions): SeismicModel | SeismicModelOptions {
  const { shape, spacing } = checkOptionKeys('presets.circle', options, CIRCLE_KEYS);
  checkShape('circle', shape, spacing);
  const { vp: background, vpCircle, radius } = options;
  checkVelocityKms(background, 'presets.circle: vp (background)');
  checkVelocityKms(vpCircle, 'presets.circle: vpCircle');
  if (!(Number.isFinite(radius) && radius > 0)) throw new InvalidArgumentError(`presets.circle: radius must be a positive number of metres, got ${radius}`);
  const origin = options.origin ?? shape.map(() => 0);
  const center = options.center ?? shape.map((n, d) => (origin[d] ?? 0) + ((n - 1) * spacing[d]!) / 2);
  if (!Array.isArray(center) || center.length !== shape.length || center.some((c) => !Number.isFinite(c))) {
    throw new InvalidArgumentError(`presets.circle: center must have ${shape.length} finite coordinates in metres, got ${JSON.stringify(center)}`);
  }
  const vp = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const index = shape.map(() => 0);
  for (let k = 0; k < vp.length; k++) {
    let r2 = 0;
    for (let d = 0; d < shape.length; d++) r2 += ((origin[d] ?? 0) + index[d]! * spacing[d]! - center[d]!) ** 2;
    vp[k] = r2 <= radius * radius ? vpCircle : background;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return finish('circle', options, vp);
}

/** The layered sediment model with a salt body (see `saltBodyVelocity`). */
export function saltBody(options: SaltBodyOptions & { readonly build: true }): SeismicModel;
export function saltBody(options: SaltBodyOptions & { readonly build?: false }): SeismicModelOptions;
export function saltBody(options: SaltBodyOptions): SeismicModel | SeismicModelOptions;
export function saltBody(options: SaltBodyOptions): SeismicModel | SeismicModelOptions {
  const { shape, spacing } = checkOptionKeys('presets.saltBody', options, SALT_KEYS);
  return finish('saltBody', options, saltBodyVelocity(shape, spacing));
}

/** vp → the model options (with the parameters `physics` asks for), or the model itself. */
function finish(what: string, options: PresetOptions, vp: Float64Array): SeismicModel | SeismicModelOptions {
  const { shape, spacing, origin, nbl, spaceOrder, dtype } = options;
  const physics = options.physics ?? [];
  if (!Array.isArray(physics) || physics.some((p) => !PHYSICS.includes(p))) {
    throw new InvalidArgumentError(`presets.${what}: physics must list some of ${PHYSICS.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(physics)}`);
  }
  const water = options.waterVelocity ?? 1.5;
  if (!(Number.isFinite(water) && water >= 0)) throw new InvalidArgumentError(`presets.${what}: waterVelocity must be a velocity in km/s >= 0, got ${water}`);
  const isWater = (v: number): boolean => v <= water;
  const map = (rule: (v: number) => number): Float64Array => vp.map(rule);
  const extra: { -readonly [K in 'epsilon' | 'delta' | 'theta' | 'phi' | 'qp' | 'vs' | 'rho']?: Float64Array } = {};
  // Anisotropy grows with velocity above water's (1.5 km/s in the rule, whatever waterVelocity is).
  const above = (v: number, factor: number): number => (isWater(v) ? 0 : Math.max(0, factor * (v - 1.5)));
  if (physics.includes('tti')) {
    extra.epsilon = map((v) => above(v, 0.3));
    extra.delta = map((v) => above(v, 0.2));
    extra.theta = map((v) => above(v, 0.5));
    if (shape.length === 3) extra.phi = map((v) => above(v, 0.25));
  }
  if (physics.includes('elastic')) extra.vs = map((v) => (isWater(v) ? 0 : v / Math.sqrt(3)));
  if (physics.includes('viscoacoustic')) extra.qp = map((v) => (isWater(v) ? WATER_QP : empiricalQp(v)));
  if (physics.includes('elastic') || physics.includes('viscoacoustic')) extra.rho = map((v) => (isWater(v) ? 1 : gardnerDensity(v)));
  const model: SeismicModelOptions = {
    vp, shape: [...shape], spacing: [...spacing],
    ...(origin === undefined ? {} : { origin: [...origin] }),
    ...(nbl === undefined ? {} : { nbl }),
    ...(spaceOrder === undefined ? {} : { spaceOrder }),
    ...(dtype === undefined ? {} : { dtype }),
    ...extra,
  };
  return options.build === true ? new SeismicModel(model) : model;
}

/** The presets as one namespace: `presets.layers({ … })`, `presets.circle({ … })`, `presets.saltBody({ … })`. */
export const presets = Object.freeze({ layers, circle, saltBody });
