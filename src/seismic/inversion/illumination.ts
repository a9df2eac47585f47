/**
 * Source illumination Σ_t u[t]² accumulated during the forward run by an `Inc` into a Function,
 * so it needs no forward history: memory is one ring of u plus one grid, as for the forward run.
 *
 * The solver's public API has no hook to add an equation to its forward operator, so this builds
 * its own: the solver's forward equations (acoustic-equations.ts, with the free surface when
 * asked) plus `Inc(energy, u·u)`. The Inc reads u[t] at step t (t = 1 … nt−2), and a one-step
 * operator adds u[nt−1]² after the loop; u[0] = 0. The sum is therefore over every sample of the
 * wavefield the solver's `forward({ save: true })` returns (`wavefieldEnergy` of that: same
 * values up to the order of additions).
 */
import { Function, TimeFunction } from '../../dsl/functions.ts';
import { Inc } from '../../dsl/inc.ts';
import { SparseTimeFunction } from '../../dsl/sparse.ts';
import { InvalidArgumentError, GridMismatchError } from '../../errors.ts';
import { Operator } from '../../operator.ts';
import { forwardEquations, freeSurface } from '../acoustic-equations.ts';
import type { AcousticWaveSolverOptions } from '../acoustic-solver.ts';
import type { AcquisitionGeometry } from '../geometry.ts';
import type { SeismicModel } from '../model.ts';

/**
 * Forward modelling that only accumulates Σ_t u² (physical shape). Operators are built on first
 * use and shared by every geometry with the same point counts and nt.
 */
export class IlluminationModelling {
  readonly model: SeismicModel;
  readonly spaceOrder: number;
  private readonly freeSurface: boolean;
  private readonly u: TimeFunction;
  private readonly energy: Function;
  private readonly kernels = new Map<string, { src: SparseTimeFunction; step: Operator; last: Operator }>();

  constructor(model: SeismicModel, options: AcousticWaveSolverOptions = {}) {
    this.model = model;
    this.spaceOrder = options.spaceOrder ?? model.spaceOrder;
    this.freeSurface = options.freeSurface ?? false;
    this.u = new TimeFunction({ name: 'u', grid: model.grid, timeOrder: 2, spaceOrder: this.spaceOrder });
    // The model's dtype: an Operator does not mix dtypes. In float32 a sum of nt squares keeps
    // about 6 digits, plenty for a preconditioner.
    this.energy = new Function({ name: 'energy', grid: model.grid, spaceOrder: this.spaceOrder, halo: 0 });
  }

  /**
   * Σ_t u[t]² of one shot in velocity `vp` (default the model's), added onto `into` (physical
   * shape) when given. `src` defaults to `geometry.src`.
   */
  accumulate(geometry: AcquisitionGeometry, options: { vp?: ArrayLike<number>; src?: SparseTimeFunction; nthreads?: number; into?: Float64Array } = {}): Float64Array {
    const { model } = this;
    if (geometry.model !== model) throw new GridMismatchError('sourceIllumination: the geometry was built for another SeismicModel');
    const velocity = options.vp === undefined ? model.vp : model.checkPhysical(options.vp, 'sourceIllumination: vp');
    const vmax = velocity.reduce((a, b) => Math.max(a, b), 0);
    const limit = model.stabilityLimit(this.spaceOrder, vmax);
    if (geometry.dt > limit) throw new InvalidArgumentError(`sourceIllumination: dt = ${geometry.dt} ms is unstable for vmax = ${vmax} km/s (limit ${limit.toPrecision(6)} ms)`);
    const kernel = this.kernel(geometry);
    const given = options.src ?? geometry.src;
    if (given.npoint !== kernel.src.npoint || given.nt !== kernel.src.nt) throw new InvalidArgumentError(`sourceIllumination: src has ${given.npoint} points × ${given.nt} samples; the geometry has ${geometry.nsrc} × ${geometry.nt}`);
    kernel.src.coordinates.set(model.checkPoints(given.coordinates, 'sourceIllumination: src'));
    kernel.src.data.raw.set(given.data.raw);
    this.u.data.raw.fill(0);
    this.energy.data.raw.fill(0);
    // Model with the trial velocity (as the solver's override does), restoring m afterwards (this
    // rank's part of it: `raw` is the rank's box of a split model).
    const raw = model.m.data.raw;
    const kept = raw.slice();
    model.m.data.global.assign(model.paddedSlowness(velocity));
    const args = { dt: geometry.dt, ...(options.nthreads === undefined ? {} : { nthreads: options.nthreads }) };
    try {
      kernel.step.apply({ timeMin: 1, timeMax: geometry.nt - 2, ...args });
      kernel.last.apply({ timeMin: geometry.nt - 1, timeMax: geometry.nt - 1, ...args });
    } finally {
      raw.set(kept);
    }
    // The whole field on every rank of a split model (this rank's box alone would be `data`).
    const padded = this.energy.data.global.toArray();
    // Physical block of the padded grid (not Eᵀ: energy is a value per point, not a gradient).
    const into = options.into ?? new Float64Array(model.size);
    const { shape, paddedShape, nbl, ndim } = model;
    const index = new Array<number>(ndim).fill(0);
    for (let k = 0; k < model.size; k++) {
      let rest = k;
      for (let d = ndim - 1; d >= 0; d--) { index[d] = rest % shape[d]!; rest = Math.floor(rest / shape[d]!); }
      let p = 0;
      for (let d = 0; d < ndim; d++) p = p * paddedShape[d]! + index[d]! + nbl;
      into[k]! += padded[p]!;
    }
    return into;
  }

  private kernel(geometry: AcquisitionGeometry): { src: SparseTimeFunction; step: Operator; last: Operator } {
    const key = `${geometry.nsrc}:${geometry.nrec}:${geometry.nt}`;
    const known = this.kernels.get(key);
    if (known) return known;
    const { model, u, energy } = this;
    const src = new SparseTimeFunction({ name: 'src', grid: model.grid, npoint: geometry.nsrc, nt: geometry.nt, coordinates: geometry.srcCoordinates });
    const rec = new SparseTimeFunction({ name: 'rec', grid: model.grid, npoint: geometry.nrec, nt: geometry.nt, coordinates: geometry.recCoordinates });
    const surface = this.freeSurface ? freeSurface(model.grid, model.nbl, this.spaceOrder) : undefined;
    const step = new Operator([...forwardEquations(u, { m: model.m, damp: model.damp }, src, rec, surface), new Inc(energy, u.mul(u))], { name: 'acoustic_illumination' });
    const last = new Operator([new Inc(energy, u.mul(u))], { name: 'acoustic_illumination_last' });
    const made = { src, step, last };
    this.kernels.set(key, made);
    return made;
  }
}
