import { InvalidArgumentError } from '../errors.ts';
import type { AccessExpr } from './expr.ts';
import { Function, TimeFunction, type FunctionOptions, type TimeFunctionOptions } from './functions.ts';
import { Grid } from './grid.ts';
import { validateName } from './names.ts';
import type { Staggering } from './staggered.ts';
import { TensorExpr, VectorExpr } from './vector-expr.ts';

// Vector and tensor fields on a staggered grid, as Devito's: vector component i sits half a cell
// along dimension i; a tensor's diagonal sits on the nodes and component (i, j) half a cell along
// i and j. Each component is an ordinary Function / TimeFunction named `v_x`, `tau_xy`, ….

export type VectorFunctionOptions = Omit<FunctionOptions, 'staggered'>;
export type VectorTimeFunctionOptions = Omit<TimeFunctionOptions, 'staggered'>;
export interface TensorFunctionOptions extends VectorFunctionOptions {
  /** One field for components (i, j) and (j, i) (default true, as Devito). */
  symmetric?: boolean;
}
export interface TensorTimeFunctionOptions extends VectorTimeFunctionOptions {
  /** One field for components (i, j) and (j, i) (default true, as Devito). */
  symmetric?: boolean;
}

function checkedGrid(options: { name: string; grid: Grid }, kind: string): Grid {
  validateName(options.name, kind);
  if (!(options.grid instanceof Grid)) throw new InvalidArgumentError(`${options.name}: grid must be a Grid, got ${String(options.grid)}`);
  return options.grid;
}

/** Builds a component field from the field's options, renamed and staggered. */
type Make<O, F> = (options: O & { name: string; staggered: Staggering }) => F;

/** What a vector field of any component kind shares: name, grid, staggered components. */
abstract class VectorField<F extends Function, O extends VectorFunctionOptions> extends VectorExpr<F> {
  readonly name: string;
  readonly grid: Grid;
  protected constructor(options: O, kind: string, make: Make<O, F>) {
    const grid = checkedGrid(options, kind);
    super(grid.dimensions.map((d) => make({ ...options, name: `${options.name}_${d.name}`, staggered: d })));
    this.name = options.name;
    this.grid = grid;
  }
}

/** What a tensor field of any component kind shares: name, grid, symmetry, staggered components. */
abstract class TensorField<F extends Function, O extends TensorFunctionOptions> extends TensorExpr<F> {
  readonly name: string;
  readonly grid: Grid;
  readonly symmetric: boolean;
  protected constructor(options: O, kind: string, make: Make<Omit<O, 'symmetric'>, F>) {
    const grid = checkedGrid(options, kind);
    const { symmetric: given, ...rest } = options;
    const symmetric = given ?? true;
    if (typeof symmetric !== 'boolean') throw new InvalidArgumentError(`${options.name}: symmetric must be true or false, got ${String(symmetric)}`);
    const dims = grid.dimensions;
    const rows: F[][] = dims.map(() => []);
    dims.forEach((di, i) => dims.forEach((dj, j) => {
      rows[i]![j] = symmetric && j < i
        ? rows[j]![i]!
        : make({ ...rest, name: `${options.name}_${di.name}${dj.name}`, staggered: i === j ? 'node' : [di, dj] });
    }));
    super(rows);
    this.name = options.name;
    this.grid = grid;
    this.symmetric = symmetric;
  }
}

/** A vector of Functions, component i staggered along dimension i (`v.components[i]`). */
export class VectorFunction extends VectorField<Function, VectorFunctionOptions> {
  constructor(options: VectorFunctionOptions) {
    super(options, 'VectorFunction', (component) => new Function(component));
  }
}

/** A vector of TimeFunctions, component i staggered along dimension i; `.forward`, `.backward`, `.dt` componentwise. */
export class VectorTimeFunction extends VectorField<TimeFunction, VectorTimeFunctionOptions> {
  constructor(options: VectorTimeFunctionOptions) {
    super(options, 'VectorTimeFunction', (component) => new TimeFunction(component));
  }
  get forward(): VectorExpr<AccessExpr> { return new VectorExpr(this.components.map((c) => c.forward)); }
  get backward(): VectorExpr<AccessExpr> { return new VectorExpr(this.components.map((c) => c.backward)); }
}

/**
 * A square tensor of Functions: the diagonal on the nodes, component (i, j) staggered along i and j;
 * `symmetric` (default) shares one field between (i, j) and (j, i).
 */
export class TensorFunction extends TensorField<Function, TensorFunctionOptions> {
  constructor(options: TensorFunctionOptions) {
    super(options, 'TensorFunction', (component) => new Function(component));
  }
}

/** A square tensor of TimeFunctions (see TensorFunction); `.forward`, `.backward`, `.dt` componentwise. */
export class TensorTimeFunction extends TensorField<TimeFunction, TensorTimeFunctionOptions> {
  constructor(options: TensorTimeFunctionOptions) {
    super(options, 'TensorTimeFunction', (component) => new TimeFunction(component));
  }
  get forward(): TensorExpr<AccessExpr> { return new TensorExpr(this.components.map((row) => row.map((c) => c.forward))); }
  get backward(): TensorExpr<AccessExpr> { return new TensorExpr(this.components.map((row) => row.map((c) => c.backward))); }
}
