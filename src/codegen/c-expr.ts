import type { Dtype } from '../dsl/dtype.ts';
import { NumberExpr, isProductPower, mul, type AccessExpr, type Expr, type FieldRef, type MulExpr } from '../dsl/expr.ts';
import { assertNever } from '../support/assert-never.ts';
import { sparseLoopNames } from '../dsl/names.ts';
import { pointShifts } from '../ir/tree.ts';
import type { CNames } from './names.ts';

/** How the printer names things that depend on the loop structure. */
export interface ExprContext {
  readonly dtype: Dtype;
  /** The kernel's C names: generated names (dimensions, temporaries, spacings) print through it. */
  readonly names: CNames;
  /** C index expression of the time axis for an access to a TimeFunction. */
  readonly timeIndex: (access: AccessExpr) => string;
  /** The statement's shifts along named dimensions (the copies of an unrolled-and-jammed body). */
  readonly shifts: Readonly<Record<string, number>>;
  /** Replaces the text of a field access (`shifts` are its `pointShifts`): vector loads and windows. */
  readonly accessText?: (access: AccessExpr, shifts: readonly number[]) => string;
}

/**
 * `u[t0][x + 4][y - 1]`: the field indexed by `time` (TimeFunctions only) and by its first
 * `shifts.length` space dimensions (their C names), each shifted by the given constant.
 */
export function printIndexed(field: FieldRef, time: string | undefined, shifts: readonly number[], names: CNames): string {
  const indices = time === undefined ? [] : [time];
  shifts.forEach((shift, axis) => {
    const dim = names.c(field.dimensions[axis]!.name);
    indices.push(shift === 0 ? dim : `${dim} ${shift > 0 ? '+' : '-'} ${Math.abs(shift)}`);
  });
  return `${field.name}${indices.map((i) => `[${i}]`).join('')}`;
}

// Precedence levels: higher binds tighter.
const ADD = 1;
const MUL = 2;
const UNARY = 3;
const ATOM = 4;

/** A C literal of `dtype` that round-trips the value (shortest such text, `F` suffix for float). */
export function formatNumber(value: number, dtype: Dtype): string {
  let text: string;
  if (dtype === 'float32') {
    const target = Math.fround(value);
    text = String(target);
    for (let digits = 1; digits <= 9; digits++) {
      const candidate = Number(target.toPrecision(digits));
      if (Math.fround(candidate) === target) { text = String(candidate); break; }
    }
  } else {
    text = String(value);
  }
  if (!/[.eE]/.test(text)) text += '.0';
  else if (/^-?\d+[eE]/.test(text)) text = text.replace(/[eE]/, '.0e');
  return dtype === 'float32' ? `${text}F` : text;
}

function mathName(fn: string, dtype: Dtype): string {
  return dtype === 'float32' ? `${fn}f` : fn;
}

function wrap(text: string, precedence: number, needed: number): string {
  return precedence < needed ? `(${text})` : text;
}

/** C text of an expression at the given precedence. */
function print(expr: Expr, ctx: ExprContext): [string, number] {
  switch (expr.kind) {
    case 'number':
      return expr.value < 0 ? [`-${formatNumber(-expr.value, ctx.dtype)}`, UNARY] : [formatNumber(expr.value, ctx.dtype), ATOM];
    case 'scalar':
      // A Constant is the user's name; spacings and dt are the kernel's.
      return [expr.role === 'constant' ? expr.name : ctx.names.c(expr.name), ATOM];
    case 'temp':
      return [ctx.names.c(expr.name), ATOM];
    case 'sparse': {
      // A SparseTimeFunction's sample at the current time; a SparseFunction has no time axis.
      const point = `[${ctx.names.c(sparseLoopNames(expr.sparse.name).point)}]`;
      return [`${expr.sparse.name}${expr.sparse.nt === undefined ? '' : `[${ctx.names.c('time')}]`}${point}`, ATOM];
    }
    case 'access': {
      const shifts = pointShifts(expr, ctx.shifts);
      if (ctx.accessText) return [ctx.accessText(expr, shifts), ATOM];
      return [printIndexed(expr.field, expr.field.isTimeFunction ? ctx.timeIndex(expr) : undefined, shifts, ctx.names), ATOM];
    }
    case 'add': {
      let text = '';
      expr.args.forEach((term, i) => {
        const negative = coefficientOf(term) < 0;
        const [body, precedence] = print(negative ? negate(term) : term, ctx);
        const operand = wrap(body, precedence, i === 0 && !negative ? ADD : MUL);
        text += i === 0 ? (negative ? `-${wrap(body, precedence, MUL)}` : operand) : ` ${negative ? '-' : '+'} ${wrap(body, precedence, MUL)}`;
      });
      return [text, ADD];
    }
    case 'mul':
      return printMul(expr, ctx);
    case 'pow': {
      const e = expr.exponent.kind === 'number' ? expr.exponent.value : undefined;
      if (e !== undefined && e < 0) {
        const [denominator, precedence] = printPower(expr.base, -e, ctx);
        return [`${formatNumber(1, ctx.dtype)}/${wrap(denominator, precedence, UNARY)}`, MUL];
      }
      return e !== undefined ? printPower(expr.base, e, ctx) : [`${mathName('pow', ctx.dtype)}(${print(expr.base, ctx)[0]}, ${print(expr.exponent, ctx)[0]})`, ATOM];
    }
    case 'call':
      return [`${mathName(expr.fn, ctx.dtype)}(${print(expr.arg, ctx)[0]})`, ATOM];
    case 'derivative':
      throw new Error(`internal: derivative ${expr.key} reached the C printer unexpanded`);
    default:
      return assertNever(expr);
  }
}

/** `base^exponent` for a positive exponent: small integers as products, halves as square roots. */
function printPower(base: Expr, exponent: number, ctx: ExprContext): [string, number] {
  const [text, precedence] = print(base, ctx);
  if (exponent === 1) return [text, precedence];
  if (isProductPower(exponent)) {
    return [new Array<string>(exponent).fill(wrap(text, precedence, ATOM)).join('*'), MUL];
  }
  if (exponent === 0.5) return [`${mathName('sqrt', ctx.dtype)}(${text})`, ATOM];
  return [`${mathName('pow', ctx.dtype)}(${text}, ${formatNumber(exponent, ctx.dtype)})`, ATOM];
}

function coefficientOf(expr: Expr): number {
  if (expr.kind === 'number') return expr.value;
  if (expr.kind === 'mul' && expr.args[0]!.kind === 'number') return expr.args[0].value;
  return 1;
}

function negate(expr: Expr): Expr {
  if (expr.kind === 'number') return new NumberExpr(-expr.value);
  if (expr.kind === 'mul' && expr.args[0]!.kind === 'number') {
    return mul(-expr.args[0].value, ...expr.args.slice(1));
  }
  return expr;
}

/** Products print as `c*a*b/(d*e)`: factors with negative exponents go to the denominator. */
function printMul(expr: MulExpr, ctx: ExprContext): [string, number] {
  let coefficient = 1;
  const numerator: string[] = [];
  const denominator: [string, number][] = [];
  for (const arg of expr.args) {
    if (arg.kind === 'number') { coefficient *= arg.value; continue; }
    if (arg.kind === 'pow' && arg.exponent.kind === 'number' && arg.exponent.value < 0) {
      denominator.push(printPower(arg.base, -arg.exponent.value, ctx));
      continue;
    }
    const [text, precedence] = print(arg, ctx);
    numerator.push(wrap(text, precedence, MUL + 0.5));
  }
  if (Math.abs(coefficient) !== 1 || numerator.length === 0) numerator.unshift(formatNumber(Math.abs(coefficient), ctx.dtype));
  let text = numerator.join('*');
  if (denominator.length === 1) text += `/${wrap(denominator[0]![0], denominator[0]![1], ATOM)}`;
  else if (denominator.length > 1) text += `/(${denominator.map(([t, p]) => wrap(t, p, MUL + 0.5)).join('*')})`;
  return coefficient < 0 ? [`-${text}`, UNARY] : [text, MUL];
}

/** The C text of an expression (no derivatives may remain). */
export function printExpr(expr: Expr, ctx: ExprContext): string {
  return print(expr, ctx)[0];
}
