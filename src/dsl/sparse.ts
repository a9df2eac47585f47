import { GridMismatchError, InvalidArgumentError, ShapeError } from '../errors.ts';
import { FieldData } from './data.ts';
import { checkDtype, type Dtype } from './dtype.ts';
import { AccessExpr, SparseAccessExpr, Symbolic, accessesOf, children, toExpr, type Expr, type ExprLike, type SparseRef } from './expr.ts';
import { Grid } from './grid.ts';
import { validateName } from './names.ts';
import { interpolationOf, type InterpolationKind, type SparseInterpolation } from './interpolation.ts';
import { checkOptionKeys, optionKeys } from './options.ts';
import { firstOutside, flattenPoints, type PointsLike } from './points.ts';

/** The grid's domain as per-axis lower and upper bounds (physical coordinates). */
export function domainOf(grid: Grid): [number[], number[]] {
  return [[...grid.origin], grid.origin.map((o, d) => o + grid.extent[d]!)];
}

/** Options shared by SparseFunction and SparseTimeFunction. */
export interface SparseFunctionOptions {
  name: string;
  grid: Grid;
  npoint: number;
  /** Physical coordinates, `npoint × ndim` (nested arrays or a flat row-major list). */
  coordinates?: PointsLike;
  dtype?: Dtype;
  /** Weights of inject and interpolate: `'linear'` (default, multilinear), `'nearest'` or `'sinc'` (Kaiser-windowed, Hicks 2002). */
  interpolation?: InterpolationKind;
  /** Sinc only: grid points used on each side of a point along each axis, 2…10 (default 4). */
  radius?: number;
}

export interface SparseTimeFunctionOptions extends SparseFunctionOptions {
  /** Number of time samples (first axis of `data`). */
  nt: number;
}

const SPARSE_KEYS = optionKeys<SparseFunctionOptions>({ name: true, grid: true, npoint: true, coordinates: true, dtype: true, interpolation: true, radius: true });
const SPARSE_TIME_KEYS = optionKeys<SparseTimeFunctionOptions>({ name: true, grid: true, npoint: true, nt: true, coordinates: true, dtype: true, interpolation: true, radius: true });
const INJECT_KEYS = optionKeys<{ field: unknown; expr: unknown }>({ field: true, expr: true });
const INTERPOLATE_KEYS = optionKeys<{ expr: unknown }>({ expr: true });

/**
 * Values at arbitrary physical points: what SparseFunction and SparseTimeFunction share.
 * `inject` scatters into a grid field, `interpolate` gathers from one, both with the weights of
 * `interpolation` (so each is the other's adjoint). Stencil points outside the domain get no
 * weight in either direction; the points themselves must lie inside it.
 */
abstract class SparsePointSet extends Symbolic implements SparseRef {
  readonly name: string;
  readonly grid: Grid;
  readonly npoint: number;
  abstract readonly nt: number | undefined;
  readonly dtype: Dtype;
  readonly interpolation: SparseInterpolation;
  abstract readonly data: FieldData;
  /** Row-major `npoint × ndim` physical coordinates (float64). */
  readonly coordinates: Float64Array;

  protected constructor(options: SparseFunctionOptions, kind: string) {
    super();
    if (kind === 'SparseFunction' && options !== null && typeof options === 'object' && 'nt' in options) {
      throw new InvalidArgumentError(`${String(options.name)}: a SparseFunction has no time axis; drop nt, or use a SparseTimeFunction`);
    }
    checkOptionKeys(kind, options, kind === 'SparseTimeFunction' ? SPARSE_TIME_KEYS : SPARSE_KEYS);
    this.name = validateName(options.name, kind);
    if (!(options.grid instanceof Grid)) throw new InvalidArgumentError(`${this.name}: grid must be a Grid`);
    this.grid = options.grid;
    this.npoint = positiveInteger(this.name, 'npoint', options.npoint);
    this.dtype = checkDtype(options.dtype ?? this.grid.dtype, this.name);
    this.interpolation = interpolationOf(options, this.grid, this.name);
    this.coordinates = new Float64Array(this.npoint * this.grid.ndim);
  }

  /** Replaces the coordinates after checking the shape and that every point lies in the domain. */
  setCoordinates(coordinates: PointsLike): void {
    const ndim = this.grid.ndim;
    const flat = flattenPoints(coordinates, ndim, this.name, 'the grid');
    if (flat.length !== this.npoint * ndim) {
      throw new ShapeError(`${this.name}: expected ${this.npoint} points × ${ndim} coordinates = ${this.npoint * ndim} numbers, got ${flat.length}`);
    }
    const outside = firstOutside(flat, ...domainOf(this.grid));
    if (outside) {
      throw new GridMismatchError(
        `${this.name}: point ${outside.point} has ${outside.axis} = ${outside.value}, outside the domain [${outside.lo}, ${outside.hi}]; move it inside the grid`,
      );
    }
    this.coordinates.set(flat);
  }

  /** The point's value (at the current time index for a SparseTimeFunction), for use in an `inject` expression. */
  override toExpr(): Expr {
    return new SparseAccessExpr(this);
  }

  /** `field[stencil] += weight · expr` at every point: adds a source term to a field update. */
  inject(options: { field: AccessExpr | Symbolic; expr: ExprLike }): Injection {
    checkOptionKeys(`${this.name}.inject`, options, INJECT_KEYS);
    const field = options.field instanceof Symbolic ? options.field.toExpr() : options.field;
    if (!(field instanceof AccessExpr)) throw new InvalidArgumentError(`${this.name}.inject: field must be a field or a field access such as u.forward`);
    return new Injection(this, field, toExpr(options.expr));
  }

  /** `this[(time,) p] = Σ weight · expr[stencil]`: samples an expression of fields at the points. */
  interpolate(options: { expr: ExprLike }): Interpolation {
    checkOptionKeys(`${this.name}.interpolate`, options, INTERPOLATE_KEYS);
    return new Interpolation(this, toExpr(options.expr));
  }
}

function positiveInteger(owner: string, key: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`${owner}: ${key} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Values at arbitrary physical points (sources, receivers) for each time sample: `data` has
 * shape `[nt, npoint]`; inside a time loop, `inject` and `interpolate` use the sample of the
 * current time index.
 */
export class SparseTimeFunction extends SparsePointSet {
  readonly nt: number;
  readonly data: FieldData;

  constructor(options: SparseTimeFunctionOptions) {
    super(options, 'SparseTimeFunction');
    this.nt = positiveInteger(this.name, 'nt', options.nt);
    this.data = new FieldData(this.name, this.dtype, { leading: [this.nt], domain: [this.npoint], halo: [0], padding: 0 });
    if (options.coordinates !== undefined) this.setCoordinates(options.coordinates);
  }
}

/**
 * One value per point, without a time axis: `data` has shape `[npoint]`. Interpolating a
 * Function needs no time loop; inside one, every step injects the same values, and an
 * interpolation leaves the last step's samples.
 */
export class SparseFunction extends SparsePointSet {
  readonly nt = undefined;
  readonly data: FieldData;

  constructor(options: SparseFunctionOptions) {
    super(options, 'SparseFunction');
    this.data = new FieldData(this.name, this.dtype, { leading: [], domain: [this.npoint], halo: [0], padding: 0 });
    if (options.coordinates !== undefined) this.setCoordinates(options.coordinates);
  }
}

/** A sparse function of either kind, as inject and interpolate see it. */
export type AnySparseFunction = SparseFunction | SparseTimeFunction;

function sparsesIn(expr: Expr, into: SparseAccessExpr[] = []): SparseAccessExpr[] {
  if (expr.kind === 'sparse') into.push(expr);
  for (const child of children(expr)) sparsesIn(child, into);
  return into;
}

function checkGrid(sparse: AnySparseFunction, expr: Expr, what: string): void {
  for (const other of sparsesIn(expr)) {
    if (other.sparse !== sparse) {
      throw new InvalidArgumentError(`${what}: the expression reads ${other.sparse.name}; an injection may use only its own values (${sparse.name})`);
    }
  }
  for (const access of accessesOf(expr)) {
    if (access.field.grid !== sparse.grid) {
      throw new GridMismatchError(`${what}: ${access.field.name} and ${sparse.name} live on different Grid objects; use one Grid`);
    }
  }
}

/**
 * Sparse weights place a field's points on the grid nodes; a staggered field's sit half a cell
 * away, so its samples would be off by h/2. Refuse it rather than return shifted numbers.
 */
function checkNodes(accesses: readonly AccessExpr[], what: string): void {
  const staggered = accesses.find((a) => a.field.stagger?.some((s) => s !== 0));
  if (staggered) {
    throw new InvalidArgumentError(
      `${what}: ${staggered.field.name} is staggered; sparse operations sample fields on the grid nodes. Inject into or interpolate a field on the nodes (e.g. an average of ${staggered.field.name} computed by an Eq)`,
    );
  }
}

/** Scatter of `expr` into `field` around each point of `sparse` (an Operator equation). */
export class Injection {
  readonly kind = 'inject';
  constructor(readonly sparse: AnySparseFunction, readonly field: AccessExpr, readonly expr: Expr) {
    if (!(field instanceof AccessExpr) || field.offsets.some((o) => o !== 0)) {
      throw new InvalidArgumentError(`${sparse.name}.inject: field must be a field access such as u.forward`);
    }
    checkGrid(sparse, expr, `${sparse.name}.inject`);
    checkGrid(sparse, field, `${sparse.name}.inject`);
    checkNodes([field], `${sparse.name}.inject`);
    Object.freeze(this);
  }
}

/** Gather of `expr` at each point of `sparse` into its data at the current time (an Operator equation). */
export class Interpolation {
  readonly kind = 'interpolate';
  constructor(readonly sparse: AnySparseFunction, readonly expr: Expr) {
    checkGrid(sparse, expr, `${sparse.name}.interpolate`);
    if (sparsesIn(expr).length > 0) throw new InvalidArgumentError(`${sparse.name}.interpolate: expr must be made of grid fields, not sparse values`);
    if (accessesOf(expr).length === 0) throw new InvalidArgumentError(`${sparse.name}.interpolate: expr must read a field, e.g. { expr: u }`);
    checkNodes(accessesOf(expr), `${sparse.name}.interpolate`);
    Object.freeze(this);
  }
}

export type SparseOperation = Injection | Interpolation;
