/**
 * Isotropic elastic forward modelling, velocity–stress on a staggered grid (Devito's
 * examples/seismic/elastic in our DSL; the equations are in elastic-equations.ts).
 *
 * Time stepping: samples k = 0 … nt−1, the medium at rest (v, τ zero at k = 0, 1). One operator
 * runs t = 1 … nt−1: it samples rec1[t] = −tr τ[t]/ndim and rec2[t] = v_z[t] (the velocity at
 * t − ½, averaged onto the nodes), then writes v[t+1] and τ[t+1], injecting src[t]. The last step
 * writes index nt, beyond the record, so that one operator fills every sample (rec[0] = 0 and
 * src[0] never acts, as in the acoustic solver).
 *
 * Medium: λ = ρ(vp² − 2vs²), μ = ρ·vs², b = 1/ρ, with ρ = 1 g/cm³ when the model has no rho.
 * Damping: a multiplicative mask exp(−σ·dt/2) on every update, σ the acoustic layer's rate
 * (damping.ts), so a wave decays across the layer at the rate σ/2 of `m·u_tt + σm·u_t`. With
 * `freeSurface` the top face (the physical domain's first vertical row) is traction-free and has
 * no damping; the model's top padding is the air above it.
 */
import { checkSpaceOrder, Function } from '../dsl/functions.ts';
import { finiteDifferenceWeights, stencilPoints } from '../dsl/fd-weights.ts';
import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import { SparseTimeFunction } from '../dsl/sparse.ts';
import { TensorTimeFunction, VectorTimeFunction } from '../dsl/tensor.ts';
import { allocate, type FloatArray } from '../dsl/dtype.ts';
import { GridMismatchError, InvalidArgumentError, ShapeError } from '../errors.ts';
import { Operator } from '../operator.ts';
import { dampingRate } from './damping.ts';
import { elasticForwardEquations, forceAxisOf, shearKey, type ElasticMedium, type ElasticSource } from './elastic-equations.ts';
import { AcquisitionGeometry } from './geometry.ts';
import { SeismicModel } from './model.ts';
import { CFL_SAFETY } from './stability.ts';
import { applyLabelled, type ModellingSummary } from './summary.ts';

export type { ElasticSource } from './elastic-equations.ts';

/** Options of `ElasticWaveSolver`. */
export interface ElasticWaveSolverOptions {
  /** Accuracy order of the staggered first derivatives (default: the model's spaceOrder). */
  readonly spaceOrder?: number;
  /** Explosive (default: on the diagonal stresses, raising the pressure) or a body force. */
  readonly source?: ElasticSource;
  /** Traction-free top face at the physical domain's top (default false: absorbing on every side). */
  readonly freeSurface?: boolean;
}

/** Options of `forward`. */
export interface ElasticForwardOptions {
  /** Source (default `geometry.src`); same point count and nt as the geometry's. */
  readonly src?: SparseTimeFunction;
  readonly nthreads?: number;
  readonly autotune?: boolean;
}

/** What `forward` returns: two shot records (fresh copies) and the solver's own wavefields. */
export interface ElasticForwardResult {
  /** Pressure −tr τ / ndim at the receivers (Devito's rec1), data [nt, nrec]. */
  readonly rec1: SparseTimeFunction;
  /** Vertical particle velocity at the receivers (Devito's rec2 / rec_vz), data [nt, nrec]. */
  readonly rec2: SparseTimeFunction;
  /** Particle velocity (time indices nt − 1 and nt, in slots `slotOf`). */
  readonly v: VectorTimeFunction;
  /** Stress (time indices nt − 1 and nt). */
  readonly tau: TensorTimeFunction;
  readonly summary: ModellingSummary;
}

const SOLVER_KEYS = optionKeys<ElasticWaveSolverOptions>({ spaceOrder: true, source: true, freeSurface: true });
const FORWARD_KEYS = optionKeys<ElasticForwardOptions>({ src: true, nthreads: true, autotune: true });
const SOURCES: readonly ElasticSource[] = ['explosive', 'force-x', 'force-y', 'force-z'];

/**
 * Largest stable leapfrog step (ms) of the staggered velocity–stress scheme, for spacing (m),
 * spaceOrder and the fastest P velocity (km/s). The staggered first derivative has symbol
 * 2i·Σ c_k·sin((k − ½)θ)/h, largest at the Nyquist wavenumber, where it is 2·Σ|c_k|/h; the
 * system's frequencies are vp·|k̃| (P) and vs·|k̃| (S), and leapfrog is stable while
 * dt·vp·|k̃|max ≤ 2, i.e. dt ≤ 1 / (vp·Σ|c_k|·√(Σ_d 1/h_d²)). For spaceOrder 2 this is the
 * acoustic limit h/(vp√2) in 2D; for 4 it is 1% below the second-order acoustic one, for 8 it is
 * 40% above.
 */
export function elasticStabilityLimit(spacing: readonly number[], spaceOrder: number, vpmax: number): number {
  const weights = finiteDifferenceWeights(1, stencilPoints(1, spaceOrder, 0.5), 0.5);
  const sumAbs = weights.reduce((sum, w) => sum + Math.abs(w), 0) / 2;
  const inverse = Math.sqrt(spacing.reduce((sum, h) => sum + 1 / (h * h), 0));
  return 1 / (vpmax * sumAbs * inverse);
}

/**
 * Model (with vs; rho optional) + geometry → the elastic forward operator, built once on first use.
 * The solver owns its wavefields: `v` and `tau` returned by `forward` are overwritten by the next
 * call; the records are fresh copies.
 */
export class ElasticWaveSolver {
  readonly model: SeismicModel;
  readonly geometry: AcquisitionGeometry;
  readonly spaceOrder: number;
  readonly source: ElasticSource;
  readonly freeSurface: boolean;
  /** The stability limit of this scheme at the model's largest vp (ms). */
  readonly stabilityLimit: number;
  readonly v: VectorTimeFunction;
  readonly tau: TensorTimeFunction;
  private readonly medium: ElasticMedium;
  private readonly src: SparseTimeFunction;
  private readonly rec1: SparseTimeFunction;
  private readonly rec2: SparseTimeFunction;
  private readonly vzNode: Function;
  private readonly force: Function | undefined;
  private readonly surfaceCopies: readonly Function[];
  private op: Operator | undefined;

  constructor(model: SeismicModel, geometry: AcquisitionGeometry, options: ElasticWaveSolverOptions = {}) {
    if (!(model instanceof SeismicModel)) throw new InvalidArgumentError('ElasticWaveSolver: model must be a SeismicModel');
    if (!(geometry instanceof AcquisitionGeometry)) throw new InvalidArgumentError('ElasticWaveSolver: geometry must be an AcquisitionGeometry');
    if (geometry.model !== model) throw new GridMismatchError('ElasticWaveSolver: the geometry was built for another SeismicModel; build it with this model');
    checkOptionKeys('ElasticWaveSolver', options, SOLVER_KEYS);
    model.require(['vs'], 'ElasticWaveSolver');
    const spaceOrder = checkSpaceOrder('ElasticWaveSolver', options.spaceOrder ?? model.spaceOrder);
    const source = options.source ?? 'explosive';
    if (!SOURCES.includes(source)) throw new InvalidArgumentError(`ElasticWaveSolver: source must be one of ${SOURCES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(source)}`);
    if (source === 'force-y' && model.ndim !== 3) throw new InvalidArgumentError("ElasticWaveSolver: 'force-y' needs a 3D model; in 2D the vertical force is 'force-z'");
    const freeSurface = options.freeSurface ?? false;
    if (typeof freeSurface !== 'boolean') throw new InvalidArgumentError(`ElasticWaveSolver: freeSurface must be true or false, got ${String(freeSurface)}`);
    const rows = spaceOrder / 2;
    if (freeSurface && model.nbl < rows) {
      throw new InvalidArgumentError(`ElasticWaveSolver: a free surface needs at least spaceOrder/2 = ${rows} rows of air above it (the model's top padding); build the model with nbl >= ${rows}`);
    }
    this.stabilityLimit = elasticStabilityLimit(model.spacing, spaceOrder, model.vmax);
    if (geometry.dt > this.stabilityLimit) {
      throw new InvalidArgumentError(
        `ElasticWaveSolver: the geometry's dt = ${geometry.dt.toPrecision(6)} ms is above the stability limit ${this.stabilityLimit.toPrecision(6)} ms of the staggered scheme at spaceOrder ${spaceOrder} and vp ${model.vmax} km/s; build the geometry with { dt: ${this.criticalDtOf(this.stabilityLimit).toPrecision(6)} } or lower`,
      );
    }
    this.model = model;
    this.geometry = geometry;
    this.spaceOrder = spaceOrder;
    this.source = source;
    this.freeSurface = freeSurface;
    const { grid } = model;
    this.v = new VectorTimeFunction({ name: 'v', grid, spaceOrder });
    this.tau = new TensorTimeFunction({ name: 'tau', grid, spaceOrder });
    // Images read up to spaceOrder points below the row they write: copies with a halo that deep.
    const vertical = grid.dimensions[model.ndim - 1]!.name;
    this.surfaceCopies = freeSurface
      ? [vertical, ...grid.dimensions.slice(0, -1).map((d) => d.name)].map((h) => new Function({ name: `fs_t${h}${vertical}`, grid, spaceOrder, halo: spaceOrder }))
      : [];
    this.medium = this.mediumFields();
    this.vzNode = new Function({ name: 'vz_node', grid, spaceOrder });
    this.force = forceAxisOf(source, model.ndim) === undefined ? undefined : new Function({ name: 'force', grid, spaceOrder });
    this.src = this.points('src', geometry.srcCoordinates);
    this.rec1 = this.points('rec1', geometry.recCoordinates);
    this.rec2 = this.points('rec2', geometry.recCoordinates);
  }

  get dt(): number {
    return this.geometry.dt;
  }

  get nt(): number {
    return this.geometry.nt;
  }

  /** CFL_SAFETY (0.8) of the stability limit: the step to build a geometry with. */
  get criticalDt(): number {
    return this.criticalDtOf(this.stabilityLimit);
  }

  /** Source → pressure and vertical-velocity records, the final wavefields and the kernel summary. */
  forward(options: ElasticForwardOptions = {}): ElasticForwardResult {
    checkOptionKeys('forward', options, FORWARD_KEYS);
    this.load(options.src ?? this.geometry.src);
    for (const f of [...this.v.components, ...this.tau.components.flat(), this.vzNode, ...(this.force ? [this.force] : [])]) f.data.raw.fill(0);
    this.rec1.data.raw.fill(0);
    this.rec2.data.raw.fill(0);
    const summary = applyLabelled(this.operator(), {
      timeMin: 1,
      timeMax: this.nt - 1,
      dt: this.dt,
      ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }),
      ...(options.autotune === undefined ? {} : { autotune: options.autotune }),
    });
    return { rec1: this.copy(this.rec1, 'rec1'), rec2: this.copy(this.rec2, 'rec2'), v: this.v, tau: this.tau, summary };
  }

  /** The forward operator (built on first use, bound to this solver's fields). */
  operator(): Operator {
    this.op ??= new Operator(
      elasticForwardEquations(
        { v: this.v, tau: this.tau, src: this.src, rec1: this.rec1, rec2: this.rec2, vzNode: this.vzNode, ...(this.force ? { force: this.force } : {}) },
        this.medium,
        this.source,
        this.freeSurface ? { surface: this.model.nbl, rows: this.spaceOrder / 2, copies: this.surfaceCopies } : undefined,
      ),
      { name: 'elastic_forward' },
    );
    return this.op;
  }

  private criticalDtOf(limit: number): number {
    return CFL_SAFETY * limit;
  }

  /** λ, μ, buoyancy and shear modulus averaged onto the staggered points, the damping mask. */
  private mediumFields(): ElasticMedium {
    const { model } = this;
    const { grid } = model;
    const shape = model.paddedShape;
    const vp = Float64Array.from(model.pad(model.vp));
    const vs = Float64Array.from(model.pad(model.values('vs', 'ElasticWaveSolver')));
    // Density defaults to 1 g/cm³ (then λ = vp² − 2vs², μ = vs², b = 1).
    const rho = model.has('rho') ? Float64Array.from(model.pad(model.values('rho', 'ElasticWaveSolver'))) : new Float64Array(vp.length).fill(1);
    const mu = rho.map((r, k) => r * vs[k]! ** 2);
    const lam = rho.map((r, k) => r * (vp[k]! ** 2 - 2 * vs[k]! ** 2));
    const b = rho.map((r) => 1 / r);
    const make = (name: string, values: Float64Array): Function => {
      const f = new Function({ name, grid, spaceOrder: this.spaceOrder, halo: 0 });
      f.data.global.assign(this.cast(values));
      return f;
    };
    const dims = grid.dimensions;
    const shear = new Map<string, Function>();
    for (let i = 0; i < dims.length; i++) {
      for (let j = i + 1; j < dims.length; j++) shear.set(shearKey(i, j), make(`mu_${dims[i]!.name}${dims[j]!.name}`, meanAround(mu, shape, [i, j], 'harmonic')));
    }
    return {
      lam: make('lam', lam),
      mu: make('mu', mu),
      buoyancy: dims.map((d, i) => make(`b_${d.name}`, meanAround(b, shape, [i], 'arithmetic'))),
      shear,
      mask: make('mask', this.dampingMask()),
      ...(this.freeSurface ? { surfaceLam: make('lam_fs', lam.map((l, k) => (2 * mu[k]! * l) / (l + 2 * mu[k]!))) } : {}),
    };
  }

  /** exp(−σ·dt/2) on the padded grid; σ per axis from damping.ts, the top face left out under a free surface. */
  private dampingMask(): Float64Array {
    const { model } = this;
    const shape = model.paddedShape;
    const ndim = shape.length;
    const profiles = model.shape.map((n, axis) => {
      const sigma = dampingRate({ shape: [n], spacing: [model.spacing[axis]!], nbl: model.nbl, velocity: model.vmax });
      if (this.freeSurface && axis === ndim - 1) sigma.fill(0, 0, model.nbl);
      return sigma;
    });
    const size = shape.reduce((a, b) => a * b, 1);
    const mask = new Float64Array(size);
    const index = new Array<number>(ndim).fill(0);
    for (let k = 0; k < size; k++) {
      let sigma = 0;
      for (let axis = 0; axis < ndim; axis++) sigma += profiles[axis]![index[axis]!]!;
      mask[k] = Math.exp(-0.5 * sigma * this.geometry.dt);
      for (let axis = ndim - 1; axis >= 0; axis--) {
        if (++index[axis]! < shape[axis]!) break;
        index[axis] = 0;
      }
    }
    return mask;
  }

  private cast(values: Float64Array): FloatArray {
    const out = allocate(this.model.dtype, values.length);
    out.set(values);
    return out;
  }

  private points(name: string, coordinates: Float64Array): SparseTimeFunction {
    return new SparseTimeFunction({ name, grid: this.model.grid, npoint: coordinates.length / this.model.ndim, nt: this.nt, coordinates });
  }

  private load(given: SparseTimeFunction): void {
    const target = this.src;
    if (!(given instanceof SparseTimeFunction)) throw new InvalidArgumentError('forward: src must be a SparseTimeFunction (e.g. geometry.newSrc())');
    if (given.npoint !== target.npoint || given.nt !== target.nt || given.grid.ndim !== this.model.ndim) {
      throw new ShapeError(`forward: src has ${given.npoint} points × ${given.nt} samples; this solver's geometry has ${target.npoint} points × ${target.nt} samples`);
    }
    target.coordinates.set(this.model.checkPoints(given.coordinates, 'forward: src'));
    target.data.raw.set(given.data.raw);
  }

  private copy(from: SparseTimeFunction, name: string): SparseTimeFunction {
    const out = new SparseTimeFunction({ name, grid: from.grid, npoint: from.npoint, nt: from.nt, coordinates: from.coordinates, dtype: from.dtype });
    out.data.raw.set(from.data.raw);
    return out;
  }
}

/**
 * Values on the nodes → their mean over the 2^axes.length nodes around the point half a cell
 * further along each of `axes` (index clamped at the grid's end). Harmonic means (for μ, Moczo et
 * al. 2002) are zero where any node is zero: a fluid point keeps its neighbours shear-free.
 */
function meanAround(values: Float64Array, shape: readonly number[], axes: readonly number[], kind: 'arithmetic' | 'harmonic'): Float64Array {
  const ndim = shape.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, n) => p * n, 1));
  const out = new Float64Array(values.length);
  const index = new Array<number>(ndim).fill(0);
  const corners = 1 << axes.length;
  for (let k = 0; k < values.length; k++) {
    let sum = 0;
    let zero = false;
    for (let c = 0; c < corners; c++) {
      let at = k;
      axes.forEach((axis, bit) => {
        if ((c >> bit) & 1 && index[axis]! + 1 < shape[axis]!) at += strides[axis]!;
      });
      const value = values[at]!;
      if (kind === 'harmonic') {
        if (value === 0) zero = true;
        else sum += 1 / value;
      } else sum += value;
    }
    out[k] = kind === 'arithmetic' ? sum / corners : zero ? 0 : corners / sum;
    for (let axis = ndim - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}
