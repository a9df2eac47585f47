import { InvalidArgumentError } from '../errors.ts';
import { Dimension } from './dimension.ts';
import { NumberExpr, Symbolic, toExpr, type Expr, type ExprLike, type FieldRef } from './expr.ts';
import { validateName } from './names.ts';
import { checkOptionKeys, optionKeys } from './options.ts';

export type ComparisonOp = '>' | '<' | '>=' | '<=' | '==';

/** One side of a comparison: the index of a dimension (`x`, `time`) or a real value (fields, numbers, Constants). */
export type ConditionOperand = { readonly kind: 'index'; readonly dim: Dimension } | { readonly kind: 'value'; readonly expr: Expr };

/** What a comparison takes: a dimension (its index), or anything an expression takes. */
export type ConditionOperandLike = Dimension | ExprLike;

/**
 * A boolean expression (Devito's `Gt`, `Lt`, `Ge`, `Le`, `CondEq`, `And`, `Or`), built with
 * {@link gt}, {@link lt}, {@link ge}, {@link le}, {@link eq}, {@link and}, {@link or}; the
 * compiler prints it as a C comparison in a guard. A dimension compares with an integer
 * (its index, e.g. `ge(x, 4)`), values compare with values (`gt(m, 0.5)`).
 */
export class Condition {
  private constructor(
    readonly kind: 'compare' | 'and' | 'or',
    readonly op: ComparisonOp | undefined,
    readonly operands: readonly ConditionOperand[],
    readonly args: readonly Condition[],
  ) {
    Object.freeze(this);
  }

  /** `a op b`. */
  static compare(op: ComparisonOp, a: ConditionOperandLike, b: ConditionOperandLike): Condition {
    const left = operandOf(a, op);
    const right = operandOf(b, op);
    const index = [left, right].find((o) => o.kind === 'index');
    const other = index === left ? right : left;
    if (index && other.kind === 'value' && !(other.expr instanceof NumberExpr && Number.isInteger(other.expr.value))) {
      throw new InvalidArgumentError(`condition ${op}: a dimension compares with an integer or another dimension, not with ${other.expr.key}`);
    }
    return new Condition('compare', op, [left, right], []);
  }

  /** All (`and`) or any (`or`) of `args`. */
  static combine(kind: 'and' | 'or', args: readonly Condition[]): Condition {
    if (args.length === 0 || args.some((c) => !(c instanceof Condition))) {
      throw new InvalidArgumentError(`${kind}: give one or more conditions (built with gt, lt, ge, le, eq, and, or)`);
    }
    return new Condition(kind, undefined, [], [...args]);
  }

  toString(): string {
    if (this.kind !== 'compare') return `(${this.args.map(String).join(this.kind === 'and' ? ' && ' : ' || ')})`;
    const text = (o: ConditionOperand): string => (o.kind === 'index' ? o.dim.name : o.expr.key);
    return `${text(this.operands[0]!)} ${this.op} ${text(this.operands[1]!)}`;
  }
}

function operandOf(value: ConditionOperandLike, op: ComparisonOp): ConditionOperand {
  if (value instanceof Dimension) return { kind: 'index', dim: value };
  if (typeof value !== 'number' && !(value instanceof Symbolic)) {
    throw new InvalidArgumentError(`condition ${op}: compare dimensions, numbers, fields or expressions, got ${String(value)}`);
  }
  return { kind: 'value', expr: toExpr(value) };
}

export const gt = (a: ConditionOperandLike, b: ConditionOperandLike): Condition => Condition.compare('>', a, b);
export const lt = (a: ConditionOperandLike, b: ConditionOperandLike): Condition => Condition.compare('<', a, b);
export const ge = (a: ConditionOperandLike, b: ConditionOperandLike): Condition => Condition.compare('>=', a, b);
export const le = (a: ConditionOperandLike, b: ConditionOperandLike): Condition => Condition.compare('<=', a, b);
export const eq = (a: ConditionOperandLike, b: ConditionOperandLike): Condition => Condition.compare('==', a, b);
export const and = (...args: Condition[]): Condition => Condition.combine('and', args);
export const or = (...args: Condition[]): Condition => Condition.combine('or', args);

export interface ConditionalDimensionOptions {
  name: string;
  /** The dimension it subsamples or guards (`grid.time` for snapshots). */
  parent: Dimension;
  /** Keep every `factor`-th index of the parent (`parent % factor == 0`); index `parent / factor`. */
  factor?: number;
  /** Or: run only where this holds. */
  condition?: Condition;
}

const CONDITIONAL_KEYS = optionKeys<ConditionalDimensionOptions>({ name: true, parent: true, factor: true, condition: true });

/**
 * A dimension that runs only on some indices of its parent (Devito's ConditionalDimension): every
 * `factor`-th (a TimeFunction with `timeDim` stores index `time / factor` there), or where a
 * `condition` holds (equations given it in `implicitDims` run under that guard).
 */
export class ConditionalDimension {
  readonly name: string;
  readonly parent: Dimension;
  readonly factor: number | undefined;
  readonly condition: Condition | undefined;

  constructor(options: ConditionalDimensionOptions) {
    checkOptionKeys('ConditionalDimension', options, CONDITIONAL_KEYS);
    this.name = validateName(options.name, 'ConditionalDimension');
    if (!(options.parent instanceof Dimension)) {
      throw new InvalidArgumentError(`ConditionalDimension ${this.name}: parent must be a grid dimension (grid.time, grid.dimensions[i]), got ${String(options.parent)}`);
    }
    this.parent = options.parent;
    const { factor, condition } = options;
    if ((factor === undefined) === (condition === undefined)) {
      throw new InvalidArgumentError(`ConditionalDimension ${this.name}: give either factor or condition, not ${factor === undefined ? 'neither' : 'both'}`);
    }
    if (factor !== undefined && (typeof factor !== 'number' || !Number.isInteger(factor) || factor < 1)) {
      throw new InvalidArgumentError(`ConditionalDimension ${this.name}: factor must be a positive integer (keep every factor-th index), got ${String(factor)}`);
    }
    if (condition !== undefined && !(condition instanceof Condition)) {
      throw new InvalidArgumentError(`ConditionalDimension ${this.name}: condition must be a boolean expression built with gt, lt, ge, le, eq, and, or; got ${String(condition)}`);
    }
    this.factor = factor;
    this.condition = condition;
    Object.freeze(this);
  }
}

/** The subsampled time dimension of a TimeFunction created with `timeDim` (what expressions see of a field lacks it). */
export function timeDimOf(field: FieldRef): ConditionalDimension | undefined {
  return (field as FieldRef & { readonly timeDim?: ConditionalDimension }).timeDim;
}
