import { InvalidArgumentError } from '../errors.ts';
import type { AccessExpr } from './expr.ts';
import { Function, TimeFunction, type FunctionOptions, type TimeFunctionOptions } from './functions.ts';
import { Grid } from './grid.ts';
import { validateName } from './names.ts';
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

function vectorComponents<F>(options: VectorFunctionOptions, kind: string, make: Make<F>): F[] {
  const grid = checkedGrid(options, kind);
  return grid.dimensions.map((d) => make(`${options.name}_${d.name}`, d));
}

function tensorComponents<F>(options: TensorFunctionOptions, kind: string, make: Make<F>): F[][] {
  const grid = checkedGrid(options, kind);
  const symmetric = options.symmetric ?? true;
  if (typeof symmetric !== 'boolean') throw new InvalidArgumentError(`${options.name}: symmetric must be true or false, got ${String(symmetric)}`);
  const dims = grid.dimensions;
  const rows: F[][] = dims.map(() => []);
  dims.forEach((di, i) => dims.forEach((dj, j) => {
    rows[i]![j] = symmetric && j < i
      ? rows[j]![i]!
      : make(`${options.name}_${di.name}${dj.name}`, i === j ? 'node' : [di, dj]);
  }));
  return rows;
}

const componentOptions = <O extends object>(options: O, name: string, staggered: FunctionOptions['staggered']): O & { name: string; staggered: FunctionOptions['staggered'] } =>
  ({ ...options, name, staggered });

type Make<F> = (name: string, staggered: FunctionOptions['staggered']) => F;

/** What a vector field of any component kind shares: name, grid, staggered components. */
abstract class VectorField<F extends Function> extends VectorExpr<F> {
  readonly name: string;
  readonly grid: Grid;
  protected constructor(options: VectorFunctionOptions, kind: string, make: Make<F>) {
    super(vectorComponents(options, kind, make));
    this.name = options.name;
    this.grid = options.grid;
  }
}

/** What a tensor field of any component kind shares: name, grid, symmetry, staggered components. */
abstract class TensorField<F extends Function> extends TensorExpr<F> {
  readonly name: string;
  readonly grid: Grid;
  readonly symmetric: boolean;
  protected constructor(options: TensorFunctionOptions, kind: string, make: Make<F>) {
    super(tensorComponents(options, kind, make));
    this.name = options.name;
    this.grid = options.grid;
    this.symmetric = options.symmetric ?? true;
  }
}

/** A vector of Functions, component i staggered along dimension i (`v.components[i]`). */
export class VectorFunction extends VectorField<Function> {
  constructor(options: VectorFunctionOptions) {
    super(options, 'VectorFunction', (name, staggered) => new Function(componentOptions(options, name, staggered)));
  }
}

/** A vector of TimeFunctions, component i staggered along dimension i; `.forward`, `.backward`, `.dt` componentwise. */
export class VectorTimeFunction extends VectorField<TimeFunction> {
  constructor(options: VectorTimeFunctionOptions) {
    super(options, 'VectorTimeFunction', (name, staggered) => new TimeFunction(componentOptions(options, name, staggered)));
  }
  get forward(): VectorExpr<AccessExpr> { return new VectorExpr(this.components.map((c) => c.forward)); }
  get backward(): VectorExpr<AccessExpr> { return new VectorExpr(this.components.map((c) => c.backward)); }
}

/**
 * A square tensor of Functions: the diagonal on the nodes, component (i, j) staggered along i and j;
 * `symmetric` (default) shares one field between (i, j) and (j, i).
 */
export class TensorFunction extends TensorField<Function> {
  constructor(options: TensorFunctionOptions) {
    const { symmetric: _, ...rest } = options;
    super(options, 'TensorFunction', (name, staggered) => new Function(componentOptions(rest, name, staggered)));
  }
}

/** A square tensor of TimeFunctions (see TensorFunction); `.forward`, `.backward`, `.dt` componentwise. */
export class TensorTimeFunction extends TensorField<TimeFunction> {
  constructor(options: TensorTimeFunctionOptions) {
    const { symmetric: _, ...rest } = options;
    super(options, 'TensorTimeFunction', (name, staggered) => new TimeFunction(componentOptions(rest, name, staggered)));
  }
  get forward(): TensorExpr<AccessExpr> { return new TensorExpr(this.components.map((row) => row.map((c) => c.forward))); }
  get backward(): TensorExpr<AccessExpr> { return new TensorExpr(this.components.map((row) => row.map((c) => c.backward))); }
}
