import { GridMismatchError, InvalidArgumentError, ShapeError } from '../errors.ts';
import { FieldData } from './data.ts';
import { checkDtype, type Dtype } from './dtype.ts';
import { AccessExpr, SparseAccessExpr, Symbolic, accessesOf, children, toExpr, type Expr, type ExprLike, type SparseRef } from './expr.ts';
import { Grid } from './grid.ts';
import { validateName } from './names.ts';
import { checkOptionKeys, optionKeys } from './options.ts';
import { firstOutside, flattenPoints, type PointsLike } from './points.ts';

/** The grid's domain as per-axis lower and upper bounds (physical coordinates). */
export function domainOf(grid: Grid): [number[], number[]] {
  return [[...grid.origin], grid.origin.map((o, d) => o + grid.extent[d]!)];
}

export interface SparseTimeFunctionOptions {
  name: string;
  grid: Grid;
  npoint: number;
  /** Number of time samples (first axis of `data`). */
  nt: number;
  /** Physical coordinates, `npoint × ndim` (nested arrays or a flat row-major array). */
  coordinates?: PointsLike;
  dtype?: Dtype;
}

const SPARSE_KEYS = optionKeys<SparseTimeFunctionOptions>({ name: true, grid: true, npoint: true, nt: true, coordinates: true, dtype: true });
const INJECT_KEYS = ['field', 'expr'];
const INTERPOLATE_KEYS = ['expr'];

/**
 * Values at arbitrary physical points (sources, receivers) for each time sample: `data` has
 * shape `[nt, npoint]`. `inject` scatters into a grid field, `interpolate` gathers from one,
 * both with multilinear weights (so each is the other's adjoint).
 */
export class SparseTimeFunction extends Symbolic implements SparseRef {
  readonly name: string;
  readonly grid: Grid;
  readonly npoint: number;
  readonly nt: number;
  readonly dtype: Dtype;
  readonly data: FieldData;
  /** Row-major `npoint × ndim` physical coordinates (float64). */
  readonly coordinates: Float64Array;

  constructor(options: SparseTimeFunctionOptions) {
    super();
    checkOptionKeys('SparseTimeFunction', options, SPARSE_KEYS);
    this.name = validateName(options.name, 'SparseTimeFunction');
    if (!(options.grid instanceof Grid)) throw new InvalidArgumentError(`${this.name}: grid must be a Grid`);
    this.grid = options.grid;
    for (const [key, value] of [['npoint', options.npoint], ['nt', options.nt]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`${this.name}: ${key} must be a positive integer, got ${value}`);
    }
    this.npoint = options.npoint;
    this.nt = options.nt;
    this.dtype = checkDtype(options.dtype ?? this.grid.dtype, this.name);
    this.data = new FieldData(this.name, this.dtype, { leading: [this.nt], domain: [this.npoint], halo: [0], padding: 0 });
    this.coordinates = new Float64Array(this.npoint * this.grid.ndim);
    if (options.coordinates !== undefined) this.setCoordinates(options.coordinates);
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

  /** The point's value at the current time index, for use in an `inject` expression. */
  override toExpr(): Expr {
    return new SparseAccessExpr(this);
  }

  /** `field[corners] += weight · expr` at every point: adds a source term to a field update. */
  inject(options: { field: AccessExpr | Symbolic; expr: ExprLike }): Injection {
    checkOptionKeys(`${this.name}.inject`, options, INJECT_KEYS);
    const field = options.field instanceof Symbolic ? options.field.toExpr() : options.field;
    if (!(field instanceof AccessExpr)) throw new InvalidArgumentError(`${this.name}.inject: field must be a field or a field access such as u.forward`);
    return new Injection(this, field, toExpr(options.expr));
  }

  /** `this[time, p] = Σ weight · expr[corners]`: samples an expression of fields at the points. */
  interpolate(options: { expr: ExprLike }): Interpolation {
    checkOptionKeys(`${this.name}.interpolate`, options, INTERPOLATE_KEYS);
    return new Interpolation(this, toExpr(options.expr));
  }
}

function sparsesIn(expr: Expr, into: SparseAccessExpr[] = []): SparseAccessExpr[] {
  if (expr.kind === 'sparse') into.push(expr);
  for (const child of children(expr)) sparsesIn(child, into);
  return into;
}

function checkGrid(sparse: SparseTimeFunction, expr: Expr, what: string): void {
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

/** Scatter of `expr` into `field` around each point of `sparse` (an Operator equation). */
export class Injection {
  readonly kind = 'inject';
  constructor(readonly sparse: SparseTimeFunction, readonly field: AccessExpr, readonly expr: Expr) {
    if (!(field instanceof AccessExpr) || field.offsets.some((o) => o !== 0)) {
      throw new InvalidArgumentError(`${sparse.name}.inject: field must be a field access such as u.forward`);
    }
    checkGrid(sparse, expr, `${sparse.name}.inject`);
    checkGrid(sparse, field, `${sparse.name}.inject`);
    Object.freeze(this);
  }
}

/** Gather of `expr` at each point of `sparse` into its data at the current time (an Operator equation). */
export class Interpolation {
  readonly kind = 'interpolate';
  constructor(readonly sparse: SparseTimeFunction, readonly expr: Expr) {
    checkGrid(sparse, expr, `${sparse.name}.interpolate`);
    if (sparsesIn(expr).length > 0) throw new InvalidArgumentError(`${sparse.name}.interpolate: expr must be made of grid fields, not sparse values`);
    if (accessesOf(expr).length === 0) throw new InvalidArgumentError(`${sparse.name}.interpolate: expr must read a field, e.g. { expr: u }`);
    Object.freeze(this);
  }
}

export type SparseOperation = Injection | Interpolation;
