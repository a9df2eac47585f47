import { checkOptionKeys, optionKeys } from '../dsl/options.ts';
import type { PointsLike } from '../dsl/points.ts';
import { SparseTimeFunction } from '../dsl/sparse.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { SeismicModel } from './model.ts';
import { gabor, ricker } from './wavelets.ts';

/** Source wavelets `AcquisitionGeometry` can write into `src`. */
export type SourceType = 'Ricker' | 'Gabor';

/** Options of `AcquisitionGeometry` (Devito's units: m, ms, kHz). */
export interface AcquisitionGeometryOptions {
  /** Source positions (m, physical), `[[x, z], …]` or flat. */
  readonly srcCoordinates: PointsLike;
  /** Receiver positions (m, physical), `[[x, z], …]` or flat. */
  readonly recCoordinates: PointsLike;
  /** Start time in ms (default 0). */
  readonly t0?: number;
  /** End time in ms: the last sample is exactly at tn. */
  readonly tn: number;
  /** Peak frequency in kHz (0.010 = 10 Hz). */
  readonly f0: number;
  /** Source wavelet (default 'Ricker'). */
  readonly srcType?: SourceType;
  /** Largest time step wanted (ms); default and upper bound: the model's critical dt. */
  readonly dt?: number;
}

const GEOMETRY_KEYS = optionKeys<AcquisitionGeometryOptions>({ srcCoordinates: true, recCoordinates: true, t0: true, tn: true, f0: true, srcType: true, dt: true });

/**
 * Model + positions + time window → the acquisition: a source `src` (a SparseTimeFunction holding
 * the wavelet, data shape [nt, nsrc]) and receiver positions, on a time axis of `nt` samples
 * t0, t0 + dt, …, tn. `dt` is the largest step ≤ the requested one (default `model.criticalDt`)
 * that divides tn − t0 evenly.
 */
export class AcquisitionGeometry {
  readonly model: SeismicModel;
  readonly t0: number;
  readonly tn: number;
  readonly f0: number;
  readonly srcType: SourceType;
  readonly dt: number;
  readonly nt: number;
  /** Flat `nsrc × ndim` and `nrec × ndim` physical coordinates (m). */
  readonly srcCoordinates: Float64Array;
  readonly recCoordinates: Float64Array;
  readonly nsrc: number;
  readonly nrec: number;
  /** The source, wavelet already written to every point; edit `src.data` to change it. */
  readonly src: SparseTimeFunction;

  constructor(model: SeismicModel, options: AcquisitionGeometryOptions) {
    checkOptionKeys('AcquisitionGeometry', options, GEOMETRY_KEYS);
    this.model = model;
    const t0 = options.t0 ?? 0;
    const { tn, f0 } = options;
    if (!Number.isFinite(t0) || !Number.isFinite(tn) || !(tn > t0)) {
      throw new InvalidArgumentError(`AcquisitionGeometry: need finite t0 < tn (ms), got t0 = ${t0}, tn = ${tn}`);
    }
    if (!(Number.isFinite(f0) && f0 > 0)) throw new InvalidArgumentError(`AcquisitionGeometry: f0 must be a positive peak frequency in kHz (e.g. 0.010), got ${f0}`);
    const srcType = options.srcType ?? 'Ricker';
    if (srcType !== 'Ricker' && srcType !== 'Gabor') throw new InvalidArgumentError(`AcquisitionGeometry: srcType must be 'Ricker' or 'Gabor', got ${JSON.stringify(srcType)}`);
    const critical = model.criticalDt;
    const wanted = options.dt ?? critical;
    if (!(Number.isFinite(wanted) && wanted > 0)) throw new InvalidArgumentError(`AcquisitionGeometry: dt must be a positive number of ms, got ${wanted}`);
    if (wanted > critical * (1 + 1e-12)) {
      throw new InvalidArgumentError(
        `AcquisitionGeometry: dt = ${wanted} ms is above the critical dt ${critical.toPrecision(6)} ms of this model (CFL, spaceOrder ${model.spaceOrder}, vmax ${model.vmax} km/s); use dt <= ${critical.toPrecision(6)} or omit dt`,
      );
    }
    this.nt = Math.ceil((tn - t0) / wanted - 1e-9) + 1;
    if (this.nt < 3) throw new InvalidArgumentError(`AcquisitionGeometry: the window ${t0}…${tn} ms holds fewer than 3 time samples at dt = ${wanted} ms; lengthen it`);
    this.dt = (tn - t0) / (this.nt - 1);
    this.t0 = t0;
    this.tn = tn;
    this.f0 = f0;
    this.srcType = srcType;
    this.srcCoordinates = model.checkPoints(options.srcCoordinates, 'AcquisitionGeometry: srcCoordinates');
    this.recCoordinates = model.checkPoints(options.recCoordinates, 'AcquisitionGeometry: recCoordinates');
    this.nsrc = this.srcCoordinates.length / model.ndim;
    this.nrec = this.recCoordinates.length / model.ndim;
    this.src = this.newSrc();
  }

  /** Sample times t0 + k·dt (ms), k = 0 … nt−1. */
  get timeValues(): Float64Array {
    return Float64Array.from({ length: this.nt }, (_, k) => this.t0 + k * this.dt);
  }

  /** The source wavelet sampled on the time axis. */
  get wavelet(): Float64Array {
    return (this.srcType === 'Ricker' ? ricker : gabor)(this.timeValues, this.f0);
  }

  /** A new source at the geometry's positions, holding the wavelet. */
  newSrc(name = 'src'): SparseTimeFunction {
    const src = new SparseTimeFunction({ name, grid: this.model.grid, npoint: this.nsrc, nt: this.nt, coordinates: this.srcCoordinates });
    const wavelet = this.wavelet;
    const values = new Float64Array(this.nt * this.nsrc);
    for (let k = 0; k < this.nt; k++) values.fill(wavelet[k]!, k * this.nsrc, (k + 1) * this.nsrc);
    src.data.assign(this.model.dtype === 'float32' ? Float32Array.from(values) : values);
    return src;
  }

  /** New, zeroed receivers named `rec` at each access (as Devito's `geometry.rec`). */
  get rec(): SparseTimeFunction {
    return this.newRec();
  }

  /** New, zeroed receivers at the geometry's positions (data shape [nt, nrec]). */
  newRec(name = 'rec'): SparseTimeFunction {
    return new SparseTimeFunction({ name, grid: this.model.grid, npoint: this.nrec, nt: this.nt, coordinates: this.recCoordinates });
  }
}
