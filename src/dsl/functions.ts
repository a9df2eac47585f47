import { GridMismatchError, InvalidArgumentError } from '../errors.ts';
import { ConditionalDimension } from './conditional.ts';
import { FieldData } from './data.ts';
import type { Dimension } from './dimension.ts';
import { checkDtype, type Dtype } from './dtype.ts';
import { AccessExpr, ScalarExpr, Symbolic, type ConstantRef, type Expr, type FieldRef } from './expr.ts';
import { Grid } from './grid.ts';
import { rowPadding } from './memory.ts';
import { validateName } from './names.ts';
import { staggerOf, type Staggering } from './staggered.ts';
import { checkOptionKeys, optionKeys } from './options.ts';

export interface FunctionOptions {
  name: string;
  grid: Grid;
  /** Even accuracy order of space derivatives (default 2). */
  spaceOrder?: number;
  dtype?: Dtype;
  /**
   * Halo points per side; defaults to spaceOrder / 2, enough for centred derivatives and staggered
   * first derivatives (nested or even-order staggered derivatives need more: lowering says how much).
   */
  halo?: number;
  /**
   * Pad each innermost row to a whole number of 64-byte vectors, with the first interior point of
   * every row on a 64-byte boundary (default true). Only the speed changes: kernels read the same
   * values either way. `false` gives the dense layout (domain + halo, nothing more).
   */
  padding?: boolean;
  /**
   * Where the points sit (Devito's `staggered`): a space dimension or a list of them (point `i` at
   * `x_i + h/2` along each), `'cell'` (all) or `'node'` (none, the default). Space derivatives are
   * then evaluated at the half points their equation needs (see README, Staggered grids).
   */
  staggered?: Staggering;
  /**
   * The grid dimensions the field spans, in grid order (default all): a field over fewer, e.g.
   * `[grid.dimensions[1]]`, holds one value per y and is the target of reductions such as
   * `new Inc(f, u)` (a sum over x), or a coefficient constant along the others.
   */
  dimensions?: readonly Dimension[];
}

export interface TimeFunctionOptions extends FunctionOptions {
  /**
   * Any integer >= 1 (default 1): accuracy order of time derivatives and number of past slots
   * kept. Time derivatives use the `timeOrder + 1` levels `t + 1 − timeOrder … t + 1`.
   */
  timeOrder?: number;
  /** Keep the full history of `save` time indices instead of a `timeOrder + 1` slot ring. */
  save?: number;
  /**
   * Slots of the ring (default `timeOrder + 1`): more, for multi-step schemes that read further
   * back in time (`u.shift(time, -3)`) than the derivatives' order needs. Not with `save`.
   */
  buffer?: number;
  /**
   * Store one time level every `factor` steps: a ConditionalDimension of `grid.time` with a factor
   * (needs `save`, the number of levels kept). `new Eq(usave, u)` in a time loop writes level
   * `time / factor` when `time % factor == 0`.
   */
  timeDim?: ConditionalDimension;
}

const FUNCTION_KEYS = optionKeys<FunctionOptions>({ name: true, grid: true, spaceOrder: true, dtype: true, halo: true, padding: true, staggered: true, dimensions: true });
const TIME_FUNCTION_KEYS = optionKeys<TimeFunctionOptions>({ name: true, grid: true, spaceOrder: true, dtype: true, halo: true, padding: true, staggered: true, dimensions: true, timeOrder: true, save: true, buffer: true, timeDim: true });
const CONSTANT_KEYS = optionKeys<ConstantOptions>({ name: true, value: true, dtype: true });

/**
 * Highest space order a field takes: the orders whose stencils the tests check (fd-weights to
 * 16). Above it the gain in accuracy is below float32 round-off on any grid a stencil of that
 * width fits, and an order such as 40 is far more often a typo than a wish.
 */
export const MAX_SPACE_ORDER = 16;

/** The even accuracy order of space derivatives, checked (`name` prefixes the error). */
export function checkSpaceOrder(name: string, spaceOrder: number): number {
  if (!Number.isInteger(spaceOrder) || spaceOrder < 2 || spaceOrder > MAX_SPACE_ORDER || spaceOrder % 2 !== 0) {
    throw new InvalidArgumentError(`${name}: spaceOrder must be an even integer from 2 to ${MAX_SPACE_ORDER} (2, 4, …, ${MAX_SPACE_ORDER}), got ${spaceOrder}`);
  }
  return spaceOrder;
}

/** The dimensions a field spans: all of the grid's, or the given non-empty subset in grid order. */
function fieldDimensions(name: string, grid: Grid, dimensions: readonly Dimension[] | undefined): readonly Dimension[] {
  if (dimensions === undefined) return grid.dimensions;
  const axes = Array.isArray(dimensions) ? dimensions.map((dim) => grid.dimensions.indexOf(dim)) : [];
  if (axes.length === 0 || axes.some((axis, i) => axis < 0 || (i > 0 && axis <= axes[i - 1]!))) {
    throw new GridMismatchError(
      `${name}: dimensions must be a non-empty list of the grid's own space dimensions (${grid.dimensions.join(', ')}) in that order, got [${Array.isArray(dimensions) ? dimensions.map(String).join(', ') : String(dimensions)}]`,
    );
  }
  return Object.freeze([...dimensions]);
}

/** A field on a grid with no time dimension (e.g. a velocity model). */
export class Function extends Symbolic implements FieldRef {
  readonly name: string;
  readonly grid: Grid;
  readonly spaceOrder: number;
  readonly dtype: Dtype;
  readonly halo: readonly number[];
  /** Points appended to each innermost row (0 without padding). */
  readonly padding: number;
  readonly dimensions: readonly Dimension[];
  readonly data: FieldData;
  readonly isTimeFunction: boolean = false;
  readonly timeOrder: number = 0;
  /** Per space axis, the offset of point `i` from node `i` in spacings (0, or ½ where staggered). */
  readonly stagger: readonly number[];

  constructor(options: FunctionOptions, leading: readonly number[] = []) {
    super();
    // A TimeFunction checked its (longer) list before calling this constructor.
    if (new.target === Function) checkOptionKeys('Function', options, FUNCTION_KEYS);
    const { grid } = options;
    this.name = validateName(options.name, 'Function');
    if (!(grid instanceof Grid)) throw new InvalidArgumentError(`${this.name}: grid must be a Grid, got ${String(grid)}`);
    this.grid = grid;
    this.spaceOrder = checkSpaceOrder(this.name, options.spaceOrder ?? 2);
    this.dtype = checkDtype(options.dtype ?? grid.dtype, this.name);
    const halo = options.halo ?? this.spaceOrder / 2;
    if (!Number.isInteger(halo) || halo < 0) throw new InvalidArgumentError(`${this.name}: halo must be a non-negative integer, got ${halo}`);
    this.dimensions = fieldDimensions(this.name, grid, options.dimensions);
    this.halo = Object.freeze(this.dimensions.map(() => halo));
    this.stagger = staggerOf(this.name, grid, options.staggered, this.dimensions);
    if (options.padding !== undefined && typeof options.padding !== 'boolean') {
      throw new InvalidArgumentError(`${this.name}: padding must be true or false, got ${String(options.padding)}`);
    }
    // Under MPI a rank allocates its own box of the grid, plus halos.
    const domain = this.dimensions.map((dim) => grid.localShape[dim.axis]!);
    const innermost = domain[domain.length - 1]! + 2 * halo;
    this.padding = options.padding === false ? 0 : rowPadding(innermost, this.dtype);
    const distribution = grid.distributor && { distributor: grid.distributor, gridAxes: this.dimensions.map((dim) => dim.axis) };
    this.data = new FieldData(this.name, this.dtype, { leading, domain, halo: this.halo, padding: this.padding }, distribution);
  }

  /** The dimensions this field is staggered along (empty for a field on the nodes). */
  get staggered(): readonly Dimension[] {
    return this.dimensions.filter((_, axis) => this.stagger[axis] !== 0);
  }

  /** The field at the current point (and, for a TimeFunction, the current time index). */
  override toExpr(): Expr {
    return new AccessExpr(this, 0, this.dimensions.map(() => 0));
  }

  /** The field shifted by integer offsets along its space dimensions. */
  at(...offsets: number[]): AccessExpr {
    if (offsets.length !== this.dimensions.length || offsets.some((o) => !Number.isInteger(o))) {
      throw new InvalidArgumentError(`${this.name}.at: give ${this.dimensions.length} integer offsets, got [${offsets.join(', ')}]`);
    }
    return new AccessExpr(this, 0, offsets);
  }

  /**
   * The field `n` points further along `dim`: a space dimension of the field, or (TimeFunction)
   * the grid's time, where `u.shift(grid.time, -2)` is time index t − 2 (`u.forward` is shift 1).
   */
  shift(dim: Dimension, n: number): AccessExpr {
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${this.name}.shift: the shift must be an integer, got ${n}`);
    if (dim === this.grid.time) {
      if (!this.isTimeFunction) throw new GridMismatchError(`${this.name}.shift: ${this.name} is not a TimeFunction, it has no time to shift along`);
      return new AccessExpr(this, n, this.dimensions.map(() => 0));
    }
    const axis = this.dimensions.indexOf(dim);
    if (axis < 0) {
      throw new GridMismatchError(`${this.name}.shift: ${String(dim)} is not a dimension of ${this.name} (${this.dimensions.join(', ')}${this.isTimeFunction ? ', time' : ''})`);
    }
    return new AccessExpr(this, 0, this.dimensions.map((_, i) => (i === axis ? n : 0)));
  }
}

/** A field with a time dimension, stored as a ring of `timeOrder + 1` slots or a full history. */
export class TimeFunction extends Function {
  override readonly isTimeFunction = true;
  override readonly timeOrder: number;
  /** Number of time indices stored when the full history is kept. */
  readonly save: number | undefined;
  /** Number of time slots allocated (first axis of `data`). */
  readonly timeSlots: number;
  /** The subsampled time dimension this field's levels follow, if any. */
  readonly timeDim: ConditionalDimension | undefined;

  constructor(options: TimeFunctionOptions) {
    checkOptionKeys('TimeFunction', options, TIME_FUNCTION_KEYS);
    const timeOrder = options.timeOrder ?? 1;
    const { save, buffer } = options;
    if (!Number.isInteger(timeOrder) || timeOrder < 1) {
      throw new InvalidArgumentError(`${options.name}: timeOrder must be an integer >= 1, got ${timeOrder}`);
    }
    if (save !== undefined && (!Number.isInteger(save) || save < timeOrder + 1)) {
      throw new InvalidArgumentError(`${options.name}: save must be an integer number of time indices >= ${timeOrder + 1}, got ${save}`);
    }
    if (buffer !== undefined && save !== undefined) {
      throw new InvalidArgumentError(`${options.name}: give either save (the full history) or buffer (a ring of slots), not both`);
    }
    if (buffer !== undefined && (!Number.isInteger(buffer) || buffer < timeOrder + 1)) {
      throw new InvalidArgumentError(`${options.name}: buffer must be an integer number of slots >= timeOrder + 1 = ${timeOrder + 1}, got ${buffer}`);
    }
    const { timeDim } = options;
    if (timeDim !== undefined) {
      if (!(timeDim instanceof ConditionalDimension) || timeDim.factor === undefined || !timeDim.parent.isTime) {
        throw new InvalidArgumentError(`${options.name}: timeDim must be a ConditionalDimension of grid.time with a factor (new ConditionalDimension({ name, parent: grid.time, factor }))`);
      }
      if (save === undefined) throw new InvalidArgumentError(`${options.name}: a timeDim needs save, the number of time levels kept (e.g. ceil(nt / factor))`);
    }
    const timeSlots = save ?? buffer ?? timeOrder + 1;
    super(options, [timeSlots]);
    this.timeDim = timeDim;
    this.timeOrder = timeOrder;
    this.save = save;
    this.timeSlots = timeSlots;
  }

  /** The field at time index t + 1. */
  get forward(): AccessExpr {
    return new AccessExpr(this, 1, this.dimensions.map(() => 0));
  }

  /** The field at time index t − 1. */
  get backward(): AccessExpr {
    return new AccessExpr(this, -1, this.dimensions.map(() => 0));
  }

  /**
   * Time levels that make up the state a step starts from: every slot of a ring but the one the
   * step overwrites, or `timeOrder` levels of a saved history (what a `Checkpoint` copies).
   */
  get stateLevels(): number {
    return this.save === undefined ? this.timeSlots - 1 : this.timeOrder;
  }

  /** The slot of `data` that holds time index `t`. */
  slotOf(t: number): number {
    return this.save === undefined ? ((t % this.timeSlots) + this.timeSlots) % this.timeSlots : t;
  }
}

export interface ConstantOptions {
  name: string;
  value?: number;
  dtype?: Dtype;
}

/** A named scalar passed to the kernel at `apply` time; its value can change between calls. */
export class Constant extends Symbolic implements ConstantRef {
  readonly name: string;
  readonly dtype: Dtype;
  value: number | undefined;

  constructor(options: ConstantOptions) {
    super();
    checkOptionKeys('Constant', options, CONSTANT_KEYS);
    this.name = validateName(options.name, 'Constant');
    this.dtype = checkDtype(options.dtype ?? 'float32', this.name);
    if (options.value !== undefined && !Number.isFinite(options.value)) {
      throw new InvalidArgumentError(`${this.name}: value must be a finite number, got ${options.value}`);
    }
    this.value = options.value;
  }

  override toExpr(): Expr {
    return new ScalarExpr(this.name, 'constant', this);
  }
}
