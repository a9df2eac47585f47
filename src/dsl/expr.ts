import type { Distributor } from './distributor.ts';
import { GridMismatchError, InvalidArgumentError, InvalidNameError } from '../errors.ts';
import { assertNever } from '../support/assert-never.ts';
import { checkOptionKeys, optionKeys } from './options.ts';
import type { Dtype } from './dtype.ts';
import type { SparseInterpolation } from './interpolation.ts';

// Dimension (dimension.ts) and Grid (grid.ts) build on this module (a dimension's spacing is a
// ScalarExpr), so expressions see them through these interfaces, which the classes implement.

/** A loop dimension as expressions see it: the public shape of `Dimension`. */
export interface DimensionRef {
  readonly name: 'x' | 'y' | 'z' | 'time';
  readonly isTime: boolean;
  /** Axis index among the grid's space dimensions (-1 for time). */
  readonly axis: number;
  /** Name of the C scalar holding this dimension's spacing (`h_x`, …, or `dt`). */
  readonly spacingName: string;
  /** The symbolic spacing (`h_x`, or `dt` for time). */
  readonly spacing: ScalarExpr;
}

/** A grid as expressions see it: the public shape of `Grid`. */
export interface GridRef {
  readonly shape: readonly number[];
  readonly extent: readonly number[];
  readonly origin: readonly number[];
  readonly spacing: readonly number[];
  readonly dimensions: readonly DimensionRef[];
  readonly time: DimensionRef;
  readonly dtype: Dtype;
  readonly ndim: number;
  /** Number of domain points (product of the shape). */
  readonly size: number;
  /** Points this process holds along each axis (the shape, unless the grid is split over MPI ranks). */
  readonly localShape: readonly number[];
  /** The split over MPI ranks, if any. */
  readonly distributor?: Distributor | undefined;
}

/** What an expression needs to know of the field it reads. */
export interface FieldRef {
  readonly name: string;
  readonly grid: GridRef;
  readonly dimensions: readonly DimensionRef[];
  readonly isTimeFunction: boolean;
  readonly timeOrder: number;
  readonly spaceOrder: number;
  readonly dtype: Dtype;
  readonly halo: readonly number[];
  /** Points appended to the innermost axis of each row of the allocation (alignment padding). */
  readonly padding: number;
  /** Per space axis, the offset of point `i` from node `i` in spacings: 0, or ½ when staggered (absent: 0). */
  readonly stagger?: readonly number[];
}

/** What an expression needs to know of a sparse point set (sources, receivers). */
export interface SparseRef {
  readonly name: string;
  readonly grid: GridRef;
  readonly npoint: number;
  /** Time samples (data `[nt, npoint]`); undefined for a SparseFunction (data `[npoint]`, no time axis). */
  readonly nt: number | undefined;
  readonly dtype: Dtype;
  /** The weights of its inject and interpolate. */
  readonly interpolation: SparseInterpolation;
}

/** A user constant whose value may change between calls (read at `apply` time). */
export interface ConstantRef {
  readonly name: string;
  readonly value: number | undefined;
  readonly dtype: Dtype;
}

/** What a scalar argument refers to: a grid spacing, the time step, or a user Constant. */
export type ScalarRole = 'spacing' | 'dt' | 'constant';
export type MathFunction = 'sqrt' | 'sin' | 'cos' | 'exp' | 'fabs';

/** Anything usable as an operand: numbers, expressions and fields/constants (via `toExpr`). */
export type ExprLike = number | Expr | Symbolic;

export interface DiffOptions {
  /**
   * Evaluate the derivative at `dim + x0·h` from the node at the loop index (0, ±½ or ±1). Default:
   * where the operand's points sit, or in an `Eq` where its left-hand side sits (Devito's rule).
   */
  x0?: number;
  /** The same as `x0` (its earlier name). */
  shift?: number;
  /** Accuracy order of the stencil; defaults to the fields' space order (time order for time). */
  fdOrder?: number;
}

/**
 * Operators shared by expressions and by fields: arithmetic and lazy derivatives. A subclass
 * supplies `toExpr()`; every method returns a new immutable expression.
 */
export abstract class Symbolic {
  abstract toExpr(): Expr;

  add(other: ExprLike): Expr { return add(this.toExpr(), toExpr(other)); }
  sub(other: ExprLike): Expr { return add(this.toExpr(), mul(-1, toExpr(other))); }
  mul(other: ExprLike): Expr { return mul(this.toExpr(), toExpr(other)); }
  div(other: ExprLike): Expr { return mul(this.toExpr(), pow(toExpr(other), -1)); }
  neg(): Expr { return mul(-1, this.toExpr()); }
  pow(exponent: ExprLike): Expr { return pow(this.toExpr(), toExpr(exponent)); }

  /** Derivative of order `order` along `dim` (a space dimension of the grid, or `grid.time`). */
  diff(dim: DimensionRef, order = 1, options: DiffOptions = {}): Expr {
    return derivative(this.toExpr(), dim, order, options);
  }

  /**
   * This derivative with other options, as Devito's `u.dx(x0=…)`: `u.dx.with({ x0: 0.5 })`
   * evaluates at x + h/2. Throws for an expression that is not a derivative.
   */
  with(options: DiffOptions): Expr {
    const expr = this.toExpr();
    if (expr.kind !== 'derivative') throw new InvalidArgumentError(`${expr.key} is not a derivative; only derivatives (u.dx, u.diff(…)) take x0 or fdOrder`);
    // A new point given by either name replaces the old one (which `shift` would contradict).
    const x0 = options.x0 === undefined && options.shift === undefined ? { x0: expr.x0 } : {};
    return derivative(expr.expr, expr.dim, expr.order, { ...x0, fdOrder: expr.fdOrder, ...options });
  }
  // The shortcuts of an expression that reads no field (a constant, or one that cancelled to a
  // number) are 0, as `diff` along any dimension is: it has no grid to name the axis, and needs none.
  get dx(): Expr { return this.shortcut((expr) => this.diff(spaceDimension(expr, 0), 1)); }
  get dy(): Expr { return this.shortcut((expr) => this.diff(spaceDimension(expr, 1), 1)); }
  get dz(): Expr { return this.shortcut((expr) => this.diff(spaceDimension(expr, 2), 1)); }
  get dx2(): Expr { return this.shortcut((expr) => this.diff(spaceDimension(expr, 0), 2)); }
  get dy2(): Expr { return this.shortcut((expr) => this.diff(spaceDimension(expr, 1), 2)); }
  get dz2(): Expr { return this.shortcut((expr) => this.diff(spaceDimension(expr, 2), 2)); }
  get dt(): Expr { return this.shortcut((expr) => this.diff(gridOf(expr).time, 1)); }
  get dt2(): Expr { return this.shortcut((expr) => this.diff(gridOf(expr).time, 2)); }
  /** Sum of the second derivatives along every space dimension. */
  get laplace(): Expr {
    return this.shortcut((expr) => add(...gridOf(expr).dimensions.map((dim) => derivative(expr, dim, 2, {}))));
  }

  private shortcut(fn: (expr: Expr) => Expr): Expr {
    const expr = this.toExpr();
    return accessesOf(expr).length === 0 ? new NumberExpr(0) : fn(expr);
  }
}

abstract class ExprNode extends Symbolic {
  abstract readonly key: string;
  toExpr(): Expr { return this as unknown as Expr; }
  override toString(): string { return this.key; }
}

export class NumberExpr extends ExprNode {
  readonly kind = 'number';
  readonly key: string;
  constructor(readonly value: number) { super(); this.key = `#${value}`; Object.freeze(this); }
}

export class ScalarExpr extends ExprNode {
  readonly kind = 'scalar';
  readonly key: string;
  constructor(readonly name: string, readonly role: ScalarRole, readonly constant?: ConstantRef) {
    super(); this.key = `$${name}`; Object.freeze(this);
  }
}

/** A field read or written at integer offsets from the current loop point (and time index). */
export class AccessExpr extends ExprNode {
  readonly kind = 'access';
  readonly key: string;
  constructor(readonly field: FieldRef, readonly timeOffset: number, readonly offsets: readonly number[]) {
    super();
    const time = field.isTimeFunction ? `t${timeOffset >= 0 ? '+' : ''}${timeOffset}|` : '';
    this.key = `${field.name}[${time}${offsets.join(',')}]`;
    Object.freeze(offsets);
    Object.freeze(this);
  }
}

export class AddExpr extends ExprNode {
  readonly kind = 'add';
  readonly key: string;
  constructor(readonly args: readonly Expr[]) { super(); this.key = `(+ ${args.map((a) => a.key).join(' ')})`; Object.freeze(this); }
}

export class MulExpr extends ExprNode {
  readonly kind = 'mul';
  readonly key: string;
  constructor(readonly args: readonly Expr[]) { super(); this.key = `(* ${args.map((a) => a.key).join(' ')})`; Object.freeze(this); }
}

/** Integer powers up to this are printed (and counted) as repeated products, not `pow` calls. */
export const MAX_PRODUCT_POWER = 4;

/** Whether `|exponent|` prints as a product of the base (a negative one then as a division). */
export function isProductPower(exponent: number): boolean {
  return Number.isInteger(exponent) && Math.abs(exponent) <= MAX_PRODUCT_POWER;
}

export class PowExpr extends ExprNode {
  readonly kind = 'pow';
  readonly key: string;
  constructor(readonly base: Expr, readonly exponent: Expr) { super(); this.key = `(^ ${base.key} ${exponent.key})`; Object.freeze(this); }
}

export class CallExpr extends ExprNode {
  readonly kind = 'call';
  readonly key: string;
  constructor(readonly fn: MathFunction, readonly arg: Expr) { super(); this.key = `(${fn} ${arg.key})`; Object.freeze(this); }
}

/**
 * A lazy derivative; lowering expands it with finite-difference weights. `x0` is the evaluation
 * point (spacings from the node at the loop index), undefined for "where the operand's points sit".
 */
export class DerivativeExpr extends ExprNode {
  readonly kind = 'derivative';
  readonly key: string;
  constructor(
    readonly expr: Expr,
    readonly dim: DimensionRef,
    readonly order: number,
    readonly fdOrder: number,
    readonly x0: number | undefined,
  ) {
    super();
    this.key = `(D ${expr.key} ${dim.name} ${order} ${fdOrder} ${x0 === undefined ? 0 : `${x0}!`})`;
    Object.freeze(this);
  }
}

/** The value of a sparse point set at the current point and time index (inside inject). */
export class SparseAccessExpr extends ExprNode {
  readonly kind = 'sparse';
  readonly key: string;
  constructor(readonly sparse: SparseRef) { super(); this.key = `${sparse.name}{p}`; Object.freeze(this); }
}

/** A named intermediate value the compiler introduced (common subexpression, hoisted invariant). */
export class TempExpr extends ExprNode {
  readonly kind = 'temp';
  readonly key: string;
  constructor(readonly name: string) { super(); this.key = `%${name}`; Object.freeze(this); }
}

export type Expr =
  | NumberExpr | ScalarExpr | AccessExpr | SparseAccessExpr | AddExpr | MulExpr | PowExpr | CallExpr | DerivativeExpr | TempExpr;
export type ExprKind = Expr['kind'];


export function isSymbolic(value: unknown): value is Symbolic {
  return value instanceof Symbolic;
}

/** Converts an operand (number, expression, field, constant) into an expression. */
export function toExpr(value: ExprLike): Expr {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`expressions take finite numbers, got ${value}`);
    return new NumberExpr(value);
  }
  if (value instanceof Symbolic) return value.toExpr();
  throw new InvalidArgumentError(`expected a number, an expression or a field, got ${String(value)}`);
}

const byKey = (a: Expr, b: Expr): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Sum with flattening, folding of numbers and collection of like terms; canonical order. */
export function add(...operands: ExprLike[]): Expr {
  let constant = 0;
  const terms = new Map<string, { rest: Expr; coefficient: number }>();
  const visit = (expr: Expr): void => {
    if (expr.kind === 'add') { expr.args.forEach(visit); return; }
    if (expr.kind === 'number') { constant += expr.value; return; }
    let coefficient = 1;
    let rest: Expr = expr;
    if (expr.kind === 'mul' && expr.args[0]!.kind === 'number') {
      coefficient = expr.args[0].value;
      rest = expr.args.length === 2 ? expr.args[1]! : new MulExpr(expr.args.slice(1));
    }
    const entry = terms.get(rest.key);
    if (entry) {
      checkSameObjects(entry.rest, rest);
      entry.coefficient += coefficient;
    } else {
      terms.set(rest.key, { rest, coefficient });
    }
  };
  operands.map(toExpr).forEach(visit);
  const args: Expr[] = [];
  for (const { rest, coefficient } of terms.values()) {
    if (coefficient !== 0) args.push(coefficient === 1 ? rest : mul(coefficient, rest));
  }
  args.sort(byKey);
  if (constant !== 0 || args.length === 0) args.push(new NumberExpr(constant));
  return args.length === 1 ? args[0]! : new AddExpr(args);
}

/** Product with flattening, folding of numbers and merging of powers of one base. */
export function mul(...operands: ExprLike[]): Expr {
  let coefficient = 1;
  const powers = new Map<string, { base: Expr; exponent: number; symbolic?: Expr }>();
  const other: Expr[] = [];
  const visit = (expr: Expr): void => {
    if (expr.kind === 'mul') { expr.args.forEach(visit); return; }
    if (expr.kind === 'number') { coefficient *= expr.value; return; }
    const base = expr.kind === 'pow' && expr.exponent.kind === 'number' ? expr.base : expr;
    const exponent = expr.kind === 'pow' && expr.exponent.kind === 'number' ? expr.exponent.value : 1;
    if (expr.kind === 'pow' && expr.exponent.kind !== 'number') { other.push(expr); return; }
    const entry = powers.get(base.key);
    if (entry) {
      checkSameObjects(entry.base, base);
      entry.exponent += exponent;
    } else {
      powers.set(base.key, { base, exponent });
    }
  };
  operands.map(toExpr).forEach(visit);
  if (coefficient === 0) return new NumberExpr(0);
  // Negation distributes over a lone sum (exact, and keeps `-(a - b)` printing as `b - a`).
  if (coefficient === -1 && other.length === 0 && powers.size === 1) {
    const [only] = powers.values();
    if (only!.exponent === 1 && only!.base.kind === 'add') return add(...only!.base.args.map((arg) => mul(-1, arg)));
  }
  const args: Expr[] = [...other];
  for (const { base, exponent } of powers.values()) {
    if (exponent !== 0) args.push(exponent === 1 ? base : new PowExpr(base, new NumberExpr(exponent)));
  }
  args.sort(byKey);
  if (coefficient !== 1 || args.length === 0) args.unshift(new NumberExpr(coefficient));
  return args.length === 1 ? args[0]! : new MulExpr(args);
}

/** Power with numeric folding; integer powers distribute over products. */
export function pow(baseLike: ExprLike, exponentLike: ExprLike): Expr {
  const base = toExpr(baseLike);
  const exponent = toExpr(exponentLike);
  if (exponent.kind === 'number') {
    const e = exponent.value;
    if (e === 0) return new NumberExpr(1);
    if (e === 1) return base;
    if (base.kind === 'number') return toExpr(Math.pow(base.value, e));
    if (Number.isInteger(e)) {
      if (base.kind === 'mul') return mul(...base.args.map((arg) => pow(arg, e)));
      if (base.kind === 'pow' && base.exponent.kind === 'number') return pow(base.base, base.exponent.value * e);
    }
    return mul(new PowExpr(base, exponent));
  }
  return new PowExpr(base, exponent);
}

export function call(fn: MathFunction, argLike: ExprLike): Expr {
  const arg = toExpr(argLike);
  if (arg.kind === 'number') {
    const value = { sqrt: Math.sqrt, sin: Math.sin, cos: Math.cos, exp: Math.exp, fabs: Math.abs }[fn](arg.value);
    if (Number.isFinite(value)) return new NumberExpr(value);
  }
  return new CallExpr(fn, arg);
}

export const sqrt = (x: ExprLike): Expr => call('sqrt', x);
export const sin = (x: ExprLike): Expr => call('sin', x);
export const cos = (x: ExprLike): Expr => call('cos', x);
export const exp = (x: ExprLike): Expr => call('exp', x);
export const abs = (x: ExprLike): Expr => call('fabs', x);

/** What a leaf stands for: a field, a sparse point set or a Constant. */
export type NamedObject = FieldRef | SparseRef | ConstantRef;

/** The user object a leaf reads (undefined for numbers, spacings, dt and compiler temporaries). */
function objectOf(expr: Expr): NamedObject | undefined {
  switch (expr.kind) {
    case 'access': return expr.field;
    case 'sparse': return expr.sparse;
    case 'scalar': return expr.constant;
    default: return undefined;
  }
}

function kindName(object: NamedObject): string {
  if ('npoint' in object) return object.nt === undefined ? 'SparseFunction' : 'SparseTimeFunction';
  if ('isTimeFunction' in object) return object.isTimeFunction ? 'TimeFunction' : 'Function';
  return 'Constant';
}

/** The error for two different objects of one name meeting in one expression or Operator. */
function sameNameError(first: NamedObject, second: NamedObject): InvalidNameError {
  const [a, b] = [kindName(first), kindName(second)];
  const which = a === b ? `two different ${a}s are` : `a ${a} and a ${b} are both`;
  return new InvalidNameError(
    `${which} named "${first.name}"; expressions and the generated C know an object by its name alone, so the two would be merged ` +
      `(a + a would read one of them twice): give each ${a === b ? a : 'object'} its own name`,
  );
}

/**
 * Throws unless `a` and `b`, which share a key (so a shape), read the same objects: expressions
 * merge like terms by key, and a key names fields and Constants by name, so two objects of one
 * name would otherwise merge silently (Devito likewise refuses two symbols of one name).
 */
function checkSameObjects(a: Expr, b: Expr): void {
  if (a === b) return;
  const [first, second] = [objectOf(a), objectOf(b)];
  if (first !== second) {
    if (first && second) throw sameNameError(first, second);
    // A Constant named like the grid spacing or the time step (both scalars, keyed `$name`).
    const name = (a as ScalarExpr).name;
    throw new InvalidNameError(`a Constant is named "${name}" like the ${name === 'dt' ? 'time step' : 'grid spacing'}, and an expression cannot tell the two apart; rename the Constant`);
  }
  const others = children(b);
  children(a).forEach((child, i) => checkSameObjects(child, others[i]!));
}

/**
 * Throws when `exprs` (and `objects`) hold two different objects of one name: what an Operator
 * (and `solve`) checks before any rewrite, whose memo is keyed by name, could merge them.
 */
export function checkDistinctNames(exprs: readonly Expr[], objects: readonly NamedObject[] = []): void {
  const byName = new Map<string, NamedObject>();
  const note = (object: NamedObject): void => {
    const known = byName.get(object.name);
    if (known !== undefined && known !== object) throw sameNameError(known, object);
    byName.set(object.name, object);
  };
  objects.forEach(note);
  const seen = new Set<Expr>();
  const visit = (expr: Expr): void => {
    if (seen.has(expr)) return;
    seen.add(expr);
    const object = objectOf(expr);
    if (object) note(object);
    children(expr).forEach(visit);
  };
  exprs.forEach(visit);
}

/** Direct children of a node (empty for leaves). */
export function children(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'number': case 'scalar': case 'access': case 'sparse': case 'temp': return [];
    case 'add': case 'mul': return expr.args;
    case 'pow': return [expr.base, expr.exponent];
    case 'call': return [expr.arg];
    case 'derivative': return [expr.expr];
    default: return assertNever(expr);
  }
}

/** Rebuilds `expr` with new children through the canonicalising factories. */
export function withChildren(expr: Expr, next: readonly Expr[]): Expr {
  const old = children(expr);
  if (old.length === next.length && old.every((child, i) => child === next[i])) return expr;
  switch (expr.kind) {
    case 'add': return add(...next);
    case 'mul': return mul(...next);
    case 'pow': return pow(next[0]!, next[1]!);
    case 'call': return call(expr.fn, next[0]!);
    case 'derivative': return new DerivativeExpr(next[0]!, expr.dim, expr.order, expr.fdOrder, expr.x0);
    default: return expr;
  }
}

/** Bottom-up rewrite: `fn` sees each node after its children were rewritten. */
export function rewrite(expr: Expr, fn: (node: Expr) => Expr): Expr {
  const memo = new Map<string, Expr>();
  const go = (node: Expr): Expr => {
    const cached = memo.get(node.key);
    if (cached) return cached;
    const result = fn(withChildren(node, children(node).map(go)));
    memo.set(node.key, result);
    return result;
  };
  return go(expr);
}

/** Every field access in `expr` (through derivatives too), in visiting order, with repeats. */
export function accessesOf(expr: Expr, into: AccessExpr[] = []): AccessExpr[] {
  if (expr.kind === 'access') into.push(expr);
  for (const child of children(expr)) accessesOf(child, into);
  return into;
}

export function scalarsOf(expr: Expr, into = new Map<string, ScalarExpr>()): Map<string, ScalarExpr> {
  if (expr.kind === 'scalar') into.set(expr.name, expr);
  for (const child of children(expr)) scalarsOf(child, into);
  return into;
}

/**
 * The one grid all fields of `expr` (or of every expression of a list, which unlike their sum
 * cannot cancel) live on; throws for none or several.
 */
export function gridOf(expr: Expr | readonly Expr[]): GridRef {
  const exprs: readonly Expr[] = Array.isArray(expr) ? expr : [expr as Expr];
  const accesses = exprs.flatMap((e) => accessesOf(e));
  const grids = new Set(accesses.map((access) => access.field.grid));
  if (grids.size === 0) throw new InvalidArgumentError(`${exprs.map((e) => e.key).join(', ')} reads no field, so it has no grid to differentiate on`);
  if (grids.size > 1) {
    const names = [...new Set(accesses.map((a) => a.field.name))].join(', ');
    throw new GridMismatchError(`fields ${names} live on different Grid objects; build all fields of one equation on the same Grid`);
  }
  return [...grids][0]!;
}

function spaceDimension(expr: Expr, axis: number): DimensionRef {
  const grid = gridOf(expr);
  const dim = grid.dimensions[axis];
  if (!dim) {
    const fields = [...new Set(accessesOf(expr).map((a) => a.field.name))].join(', ');
    throw new GridMismatchError(
      `${fields} ${grid.ndim === 1 ? 'has' : 'have'} dimensions (${grid.dimensions.join(', ')}) only; there is no ${'xyz'[axis]} to differentiate along`,
    );
  }
  return dim;
}

const DIFF_KEYS = optionKeys<DiffOptions>({ x0: true, shift: true, fdOrder: true });

/** Builds a lazy derivative node after checking that `dim` belongs to the fields of `expr`. */
export function derivative(expr: Expr, dim: DimensionRef, order: number, options: DiffOptions): Expr {
  checkOptionKeys('diff', options, DIFF_KEYS);
  if (!Number.isInteger(order) || order < 1) {
    throw new InvalidArgumentError(`derivative order must be a positive integer, got ${order}`);
  }
  if (options.x0 !== undefined && options.shift !== undefined && options.x0 !== options.shift) {
    throw new InvalidArgumentError(`derivative: x0 (${options.x0}) and shift (${options.shift}) name the same point; give one of them`);
  }
  const x0 = options.x0 ?? options.shift;
  if (x0 !== undefined && (typeof x0 !== 'number' || !Number.isFinite(x0) || x0 * 2 !== Math.round(x0 * 2) || Math.abs(x0) > 1 || (dim.isTime && x0 !== 0))) {
    throw new InvalidArgumentError(`derivative x0 must be a half or integer offset: 0, ±0.5 or ±1 grid spacings (0 for time derivatives), got ${x0}`);
  }
  const accesses = accessesOf(expr);
  if (accesses.length === 0) return new NumberExpr(0);
  gridOf(expr);
  const relevant = accesses.filter((access) =>
    dim.isTime ? access.field.isTimeFunction && access.field.grid.time === dim : access.field.dimensions.includes(dim),
  );
  if (relevant.length === 0) {
    const names = [...new Set(accesses.map((a) => a.field.name))].join(', ');
    const have = dim.isTime ? 'is not a TimeFunction (use TimeFunction for fields that vary in time)' : `has no dimension ${dim.name} of this grid`;
    throw new GridMismatchError(`cannot differentiate along ${dim.name}: ${names} ${have}`);
  }
  const orders = relevant.map((access) => (dim.isTime ? access.field.timeOrder : access.field.spaceOrder));
  const fdOrder = options.fdOrder ?? Math.min(...orders);
  if (dim.isTime && order > fdOrder) {
    throw new InvalidArgumentError(`${relevant[0]!.field.name} has timeOrder ${fdOrder}; a time derivative of order ${order} needs timeOrder >= ${order}`);
  }
  if (!dim.isTime && (!Number.isInteger(fdOrder) || fdOrder < 2 || fdOrder % 2 !== 0)) {
    throw new InvalidArgumentError(`fdOrder of a space derivative must be an even integer >= 2, got ${fdOrder}`);
  }
  return new DerivativeExpr(expr, dim, order, fdOrder, dim.isTime ? undefined : x0);
}
