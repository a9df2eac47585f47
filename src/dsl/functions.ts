import { InvalidArgumentError } from '../errors.ts';
import { FieldData } from './data.ts';
import type { Dimension } from './dimension.ts';
import { checkDtype, type Dtype } from './dtype.ts';
import { AccessExpr, ScalarExpr, Symbolic, type ConstantRef, type Expr, type FieldRef } from './expr.ts';
import { Grid } from './grid.ts';
import { rowPadding } from './memory.ts';
import { validateName } from './names.ts';
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
}

export interface TimeFunctionOptions extends FunctionOptions {
  /** 1 or 2 (default 1): accuracy order of time derivatives and number of past slots kept. */
  timeOrder?: number;
  /** Keep the full history of `save` time indices instead of a `timeOrder + 1` slot ring. */
  save?: number;
}

const FUNCTION_KEYS = optionKeys<FunctionOptions>({ name: true, grid: true, spaceOrder: true, dtype: true, halo: true, padding: true });
const TIME_FUNCTION_KEYS = optionKeys<TimeFunctionOptions>({ name: true, grid: true, spaceOrder: true, dtype: true, halo: true, padding: true, timeOrder: true, save: true });
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
    this.halo = Object.freeze(grid.dimensions.map(() => halo));
    this.dimensions = grid.dimensions;
    if (options.padding !== undefined && typeof options.padding !== 'boolean') {
      throw new InvalidArgumentError(`${this.name}: padding must be true or false, got ${String(options.padding)}`);
    }
    const innermost = grid.shape[grid.ndim - 1]! + 2 * halo;
    this.padding = options.padding === false ? 0 : rowPadding(innermost, this.dtype);
    this.data = new FieldData(this.name, this.dtype, { leading, domain: grid.shape, halo: this.halo, padding: this.padding });
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
}

/** A field with a time dimension, stored as a ring of `timeOrder + 1` slots or a full history. */
export class TimeFunction extends Function {
  override readonly isTimeFunction = true;
  override readonly timeOrder: number;
  /** Number of time indices stored when the full history is kept. */
  readonly save: number | undefined;
  /** Number of time slots allocated (first axis of `data`). */
  readonly timeSlots: number;

  constructor(options: TimeFunctionOptions) {
    checkOptionKeys('TimeFunction', options, TIME_FUNCTION_KEYS);
    const timeOrder = options.timeOrder ?? 1;
    const save = options.save;
    if (timeOrder !== 1 && timeOrder !== 2) {
      throw new InvalidArgumentError(`${options.name}: timeOrder must be 1 or 2, got ${timeOrder}`);
    }
    if (save !== undefined && (!Number.isInteger(save) || save < timeOrder + 1)) {
      throw new InvalidArgumentError(`${options.name}: save must be an integer number of time indices >= ${timeOrder + 1}, got ${save}`);
    }
    const timeSlots = save ?? timeOrder + 1;
    super(options, [timeSlots]);
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
