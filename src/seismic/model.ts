import { firstOutside, flattenPoints, type PointsLike } from '../dsl/points.ts';
import { allocate, checkDtype, type Dtype, type FloatArray } from '../dsl/dtype.ts';
import { checkSpaceOrder, Function } from '../dsl/functions.ts';
import { Grid } from '../dsl/grid.ts';
import type { Communicator } from '../dsl/parallel.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { GridMismatchError, InvalidArgumentError, MissingParameterError, ShapeError } from '../errors.ts';
import { dampingRate } from './damping.ts';
import { CFL_SAFETY, stabilityLimit } from './stability.ts';

/** Options of `SeismicModel` (Devito's units: m, km/s). */
export interface SeismicModelOptions {
  /** P-wave velocity in km/s: one value, or one per physical point (row-major, last axis fastest). */
  readonly vp: number | ArrayLike<number>;
  /** Physical points per axis (2 or 3 axes), without the absorbing layer. */
  readonly shape: readonly number[];
  /** Grid spacing per axis, in metres. */
  readonly spacing: readonly number[];
  /** Physical coordinate of the first physical point, in metres (default zeros). */
  readonly origin?: readonly number[];
  /** Absorbing-layer thickness in points on every side (default 40; 0 for none). */
  readonly nbl?: number;
  /** Space order the critical time step is computed for (default 8). */
  readonly spaceOrder?: number;
  /** Precision of the fields (default float32). */
  readonly dtype?: Dtype;
  /** Thomsen ε (dimensionless, > −0.5): TTI. */
  readonly epsilon?: number | ArrayLike<number>;
  /** Thomsen δ (dimensionless, > −0.5): TTI. */
  readonly delta?: number | ArrayLike<number>;
  /** Tilt of the symmetry axis from the vertical, in radians: TTI. */
  readonly theta?: number | ArrayLike<number>;
  /** Azimuth of the symmetry axis, in radians (3D only): TTI. */
  readonly phi?: number | ArrayLike<number>;
  /** P-wave quality factor (> 0): visco-acoustic. */
  readonly qp?: number | ArrayLike<number>;
  /** S-wave velocity in km/s (0 ≤ vs < vp): elastic. */
  readonly vs?: number | ArrayLike<number>;
  /** Density in g/cm³ (> 0): elastic (default 1 where a solver needs it and it is not given). */
  readonly rho?: number | ArrayLike<number>;
  /** Under mpirun: ranks along each axis the padded grid is split over (see `Grid` topology). */
  readonly topology?: readonly number[];
  /** Under mpirun: the ranks the padded grid is split over (default all; see `Grid` comm). */
  readonly comm?: Communicator;
}

/** Velocities (km/s) a model accepts, from slow sediments to the fastest rock, with margin. */
export const VP_RANGE_KMS: readonly [number, number] = Object.freeze([0.1, 20]);

/** The physical parameters beyond vp a model may hold, each for the physics named in its option. */
export type ModelParameter = 'epsilon' | 'delta' | 'theta' | 'phi' | 'qp' | 'vs' | 'rho';

/** Per parameter: the rule its values obey (checked at construction) and the words for the error. */
const PARAMETER_RULES: Readonly<Record<ModelParameter, { readonly ok: (v: number) => boolean; readonly rule: string }>> = Object.freeze({
  epsilon: { ok: (v) => v > -0.5 && v < 10, rule: 'a Thomsen ε in (−0.5, 10)' },
  delta: { ok: (v) => v > -0.5 && v < 10, rule: 'a Thomsen δ in (−0.5, 10)' },
  theta: { ok: (v) => Math.abs(v) <= 2 * Math.PI, rule: 'an angle in radians within ±2π' },
  phi: { ok: (v) => Math.abs(v) <= 2 * Math.PI, rule: 'an angle in radians within ±2π' },
  qp: { ok: (v) => v > 0, rule: 'a quality factor > 0' },
  vs: { ok: (v) => v >= 0 && v <= VP_RANGE_KMS[1], rule: `an S velocity in km/s, 0 ≤ vs ≤ ${VP_RANGE_KMS[1]}` },
  rho: { ok: (v) => v > 0 && v < 100, rule: 'a density in g/cm³ in (0, 100)' },
});

const PARAMETERS = Object.keys(PARAMETER_RULES) as ModelParameter[];

/** A model-space override: a velocity (km/s) or a squared slowness m = 1/vp² (s²/km²). */
export type ModelOverride = { readonly vp: number | ArrayLike<number> } | { readonly m: ArrayLike<number> };

const MODEL_KEYS = optionKeys<SeismicModelOptions>({
  vp: true, shape: true, spacing: true, origin: true, nbl: true, spaceOrder: true, dtype: true,
  epsilon: true, delta: true, theta: true, phi: true, qp: true, vs: true, rho: true, topology: true, comm: true,
});


/**
 * Throws unless `v` is a P-wave velocity in km/s within VP_RANGE_KMS (the API and the command
 * line share this rule): a value in m/s (1500) would otherwise plan a thousand times more steps.
 */
export function checkVelocityKms(v: number, what: string): void {
  const [lo, hi] = VP_RANGE_KMS;
  if (v >= lo && v <= hi) return;
  const hint = v / 1000 >= lo && v / 1000 <= hi ? ` (${v} looks like m/s: give ${v / 1000} km/s)` : '';
  throw new InvalidArgumentError(`${what}: vp must be in km/s between ${lo} and ${hi}, got ${v}${hint}`);
}

const positiveNumbers = (values: readonly number[] | undefined, n: number): boolean =>
  Array.isArray(values) && values.length === n && values.every((v) => Number.isFinite(v) && v > 0);

/**
 * A velocity model on a grid padded by an absorbing layer: `vp` (km/s, physical shape) → the
 * squared slowness `m = 1/vp²` and the damping `damp` as Functions on the padded grid, and the
 * critical time step (ms). Padding copies the nearest physical value (edge extension), so the
 * map from physical to padded m is E, and model-space gradients are Eᵀ of the padded ones.
 */
export class SeismicModel {
  readonly ndim: number;
  /** Physical points per axis. */
  readonly shape: readonly number[];
  readonly spacing: readonly number[];
  readonly origin: readonly number[];
  readonly nbl: number;
  readonly spaceOrder: number;
  readonly dtype: Dtype;
  /** Points per axis of the padded grid (`shape + 2·nbl`). */
  readonly paddedShape: readonly number[];
  /** The padded computational grid; its origin is `origin − nbl·spacing`. */
  readonly grid: Grid;
  /** Squared slowness 1/vp² on the padded grid. */
  readonly m: Function;
  /**
   * Damping η of `m·u_tt − Δu + η·u_t = 0` on the padded grid: σ·m with σ the layer's decay rate
   * (1/ms), zero in the physical domain. Fixed at construction: `update` changes m but not η, so a
   * forward model is exactly the function `born` and `gradient` linearise.
   */
  readonly damp: Function;
  private velocity: Float64Array;
  /** Physical values of the parameters given beyond vp. */
  private readonly parameters = new Map<ModelParameter, Float64Array>();
  /** Padded Functions of those parameters, made on first use. */
  private readonly parameterFields = new Map<ModelParameter, Function>();

  constructor(options: SeismicModelOptions) {
    const { shape, spacing } = checkOptionKeys('SeismicModel', options, MODEL_KEYS);
    if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 3) || shape.some((n) => !Number.isInteger(n) || n < 2)) {
      throw new InvalidArgumentError(`SeismicModel: shape must list 2 or 3 integer point counts >= 2, got ${JSON.stringify(shape)}`);
    }
    const ndim = shape.length;
    if (!positiveNumbers(spacing as number[], ndim)) {
      throw new InvalidArgumentError(`SeismicModel: spacing must have ${ndim} positive entries in metres, got ${JSON.stringify(spacing)}`);
    }
    const origin = options.origin ?? shape.map(() => 0);
    if (!Array.isArray(origin) || origin.length !== ndim || origin.some((o) => !Number.isFinite(o))) {
      throw new InvalidArgumentError(`SeismicModel: origin must have ${ndim} finite entries in metres, got ${JSON.stringify(origin)}`);
    }
    const nbl = options.nbl ?? 40;
    if (!Number.isInteger(nbl) || nbl < 0) throw new InvalidArgumentError(`SeismicModel: nbl must be an integer >= 0 (points of absorbing layer), got ${nbl}`);
    const spaceOrder = checkSpaceOrder('SeismicModel', options.spaceOrder ?? 8);
    this.ndim = ndim;
    this.shape = Object.freeze([...shape]);
    this.spacing = Object.freeze([...spacing]);
    this.origin = Object.freeze([...origin]);
    this.nbl = nbl;
    this.spaceOrder = spaceOrder;
    this.dtype = checkDtype(options.dtype ?? 'float32', 'SeismicModel');
    this.paddedShape = Object.freeze(shape.map((n) => n + 2 * nbl));
    this.grid = new Grid({
      shape: this.paddedShape,
      extent: this.paddedShape.map((n, d) => (n - 1) * spacing[d]!),
      origin: origin.map((o, d) => o - nbl * spacing[d]!),
      dtype: this.dtype,
      ...(options.topology === undefined ? {} : { topology: options.topology }),
      ...(options.comm === undefined ? {} : { comm: options.comm }),
    });
    // Both are read only at the point being updated (or a sparse point's corners): no halo.
    this.m = new Function({ name: 'm', grid: this.grid, spaceOrder, halo: 0 });
    this.damp = new Function({ name: 'damp', grid: this.grid, spaceOrder, halo: 0 });
    this.velocity = this.checkVelocity(options.vp, 'SeismicModel');
    const padded = this.paddedSlowness(this.velocity);
    this.m.data.global.assign(padded);
    const sigma = dampingRate({ shape, spacing, nbl, velocity: this.vmax });
    this.damp.data.global.assign(padded.map((m, k) => m * sigma[k]!));
    for (const name of PARAMETERS) {
      const given = options[name];
      if (given === undefined) continue;
      if (name === 'phi' && ndim !== 3) throw new InvalidArgumentError('SeismicModel: phi (azimuth) needs a 3D model; leave it out in 2D');
      this.parameters.set(name, this.checkParameter(name, given));
    }
    const vs = this.parameters.get('vs');
    const slow = vs?.findIndex((v, k) => v >= this.velocity[k]!);
    if (vs && slow !== undefined && slow >= 0) {
      throw new InvalidArgumentError(`SeismicModel: vs must be below vp, got vs = ${vs[slow]} ≥ vp = ${this.velocity[slow]} km/s at point ${slow}`);
    }
  }

  /** Whether the model holds `name`. */
  has(name: ModelParameter): boolean {
    return this.parameters.has(name);
  }

  /** A copy of the physical values of `name`; a MissingParameterError naming `solver` when the model lacks it. */
  values(name: ModelParameter, solver = 'this solver'): Float64Array {
    return this.physicalOf(name, solver).slice();
  }

  /**
   * `name` on the padded grid as a Function (edge-extended into the absorbing layer like m), made
   * on first use and shared by every solver of this model; a MissingParameterError naming `solver`
   * when the model was built without it. Its halo is the space order's, so staggered equations may
   * read neighbours (e.g. a density averaged onto a staggered point).
   */
  field(name: ModelParameter, solver = 'this solver'): Function {
    const existing = this.parameterFields.get(name);
    if (existing) return existing;
    const values = this.physicalOf(name, solver);
    const f = new Function({ name, grid: this.grid, spaceOrder: this.spaceOrder });
    f.data.global.assign(this.pad(values));
    this.parameterFields.set(name, f);
    return f;
  }

  /** Throws a MissingParameterError listing every one of `names` the model lacks, for `solver`. */
  require(names: readonly ModelParameter[], solver: string): void {
    const missing = names.filter((n) => !this.parameters.has(n));
    if (missing.length > 0) {
      throw new MissingParameterError(
        `${solver} needs ${missing.join(', ')} of the model, which was built without ${missing.length === 1 ? 'it' : 'them'}: ` +
          `pass ${missing.map((n) => `${n}: …`).join(', ')} to new SeismicModel({ … }) (a number, or one value per physical point)`,
      );
    }
  }

  private physicalOf(name: ModelParameter, solver: string): Float64Array {
    this.require([name], solver);
    return this.parameters.get(name)!;
  }

  private checkParameter(name: ModelParameter, given: number | ArrayLike<number>): Float64Array {
    const values = typeof given === 'number' ? new Float64Array(this.size).fill(given) : this.checkPhysical(given, `SeismicModel: ${name}`);
    const { ok, rule } = PARAMETER_RULES[name];
    const bad = values.findIndex((v) => !(Number.isFinite(v) && ok(v)));
    if (bad >= 0) throw new InvalidArgumentError(`SeismicModel: ${name} must be ${rule}, got ${values[bad]}${typeof given === 'number' ? '' : ` at point ${bad}`}`);
    return values;
  }

  /** Number of physical points. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** A copy of the physical velocity (km/s). */
  get vp(): Float64Array {
    return this.velocity.slice();
  }

  get vmax(): number {
    return this.velocity.reduce((a, b) => Math.max(a, b), 0);
  }

  /** Largest stable leapfrog step (ms) for `spaceOrder` (default the model's) and velocity `vmax`. */
  stabilityLimit(spaceOrder = this.spaceOrder, vmax = this.vmax): number {
    return stabilityLimit(this.spacing, spaceOrder, vmax);
  }

  /** The critical time step (ms): CFL_SAFETY (0.8) of the stability limit at the model's spaceOrder. */
  get criticalDt(): number {
    return this.criticalDtFor(this.spaceOrder);
  }

  criticalDtFor(spaceOrder: number): number {
    return CFL_SAFETY * this.stabilityLimit(spaceOrder);
  }

  /** Replaces the velocity (or m); `damp` stays as built (see there). */
  update(override: ModelOverride): void {
    this.velocity = this.velocityOf(override, 'SeismicModel.update');
    this.m.data.global.assign(this.paddedSlowness(this.velocity));
  }

  /** A velocity or m override → validated physical velocity (km/s). */
  velocityOf(override: ModelOverride, what: string): Float64Array {
    if ('vp' in override) return this.checkVelocity(override.vp, what);
    const m = this.checkPhysical(override.m, `${what}: m`);
    m.forEach((value, k) => {
      if (!(Number.isFinite(value) && value > 0)) throw new InvalidArgumentError(`${what}: m must be positive and finite (m = 1/vp²), got ${value} at point ${k}`);
    });
    const vp = m.map((value) => 1 / Math.sqrt(value));
    vp.forEach((v, k) => checkVelocityKms(v, `${what}: m = 1/vp² at point ${k}`));
    return vp;
  }

  /** Physical velocity → padded m = 1/vp², in the model's dtype. */
  paddedSlowness(vp: Float64Array): FloatArray {
    return this.pad(vp.map((v) => 1 / (v * v)));
  }

  /** Physical values (row-major) → padded values, each layer point copying the nearest physical one (E). */
  pad(values: ArrayLike<number>): FloatArray {
    const out = allocate(this.dtype, this.grid.size);
    this.forEachPadded((padded, physical) => { out[padded] = values[physical]!; });
    return out;
  }

  /** Padded values → physical ones, each layer point added onto the physical point it copies (Eᵀ). */
  restrictAdjoint(padded: ArrayLike<number>): FloatArray {
    const sum = new Float64Array(this.size);
    this.forEachPadded((p, physical) => { sum[physical]! += padded[p]!; });
    return this.dtype === 'float32' ? Float32Array.from(sum) : sum;
  }

  /** Checks `values` has one finite entry per physical point; returns a float64 copy. */
  checkPhysical(values: ArrayLike<number>, what: string): Float64Array {
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new ShapeError(`${what}: expected an array of ${this.size} values (shape [${this.shape.join(', ')}]), got ${String(values)}`);
    }
    if (values.length !== this.size) {
      throw new ShapeError(`${what}: got ${values.length} values but the model has shape [${this.shape.join(', ')}] = ${this.size} points (without the absorbing layer)`);
    }
    const out = Float64Array.from(values);
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InvalidArgumentError(`${what}: value ${out[bad]} at point ${bad} is not finite`);
    return out;
  }

  /**
   * Physical point coordinates (`npoint × ndim`, nested or flat) → a flat float64 copy, after
   * checking each lies in the physical domain (sources and receivers must not sit in the layer).
   */
  checkPoints(points: PointsLike, what: string): Float64Array {
    const rows = points as ArrayLike<unknown>;
    if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number' || rows.length === 0) {
      throw new ShapeError(`${what}: give at least one point as [[x, z], …] (metres)`);
    }
    const flat = flattenPoints(points, this.ndim, what, 'the model');
    if (flat.length % this.ndim !== 0) throw new ShapeError(`${what}: ${flat.length} numbers are not whole ${this.ndim}-D points`);
    const hi = this.origin.map((o, d) => o + (this.shape[d]! - 1) * this.spacing[d]!);
    const outside = firstOutside(flat, this.origin, hi);
    if (outside) {
      throw new GridMismatchError(
        `${what}: point ${outside.point} has ${outside.axis} = ${outside.value} m, outside the physical domain [${outside.lo}, ${outside.hi}] m; move it inside (the absorbing layer is not part of the model)`,
      );
    }
    return Float64Array.from(flat);
  }

  private checkVelocity(vp: number | ArrayLike<number>, what: string): Float64Array {
    const values = typeof vp === 'number' ? new Float64Array(this.size).fill(vp) : this.checkPhysical(vp, `${what}: vp`);
    values.forEach((v, k) => checkVelocityKms(v, typeof vp === 'number' ? what : `${what} at point ${k}`));
    return values;
  }

  /** Visits every padded point (row-major) with the physical point it copies. */
  private forEachPadded(visit: (padded: number, physical: number) => void): void {
    const { paddedShape, shape, nbl } = this;
    const ndim = shape.length;
    const index = new Array<number>(ndim).fill(0);
    const size = this.grid.size;
    for (let k = 0; k < size; k++) {
      let physical = 0;
      for (let d = 0; d < ndim; d++) {
        const i = Math.min(Math.max(index[d]! - nbl, 0), shape[d]! - 1);
        physical = physical * shape[d]! + i;
      }
      visit(k, physical);
      for (let d = ndim - 1; d >= 0; d--) {
        if (++index[d]! < paddedShape[d]!) break;
        index[d] = 0;
      }
    }
  }
}
