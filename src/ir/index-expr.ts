import { accessesOf, type Expr } from '../dsl/expr.ts';

/**
 * Integer index arithmetic of the loop tree: loop bounds, steps, tile and wave limits, ring-buffer
 * slots. Immutable plain data; `codegen/print-index.ts` prints it as C `int` arithmetic.
 */
export type IndexExpr =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'var'; readonly name: string }
  /** A sum; a term that is a negative integer or a product with a negative leading integer prints as a subtraction. */
  | { readonly kind: 'add'; readonly terms: readonly IndexExpr[] }
  | { readonly kind: 'mul'; readonly factors: readonly IndexExpr[] }
  /** C integer remainder (operands are non-negative where the tree uses them). */
  | { readonly kind: 'mod'; readonly a: IndexExpr; readonly b: IndexExpr }
  /** C integer division (operands are non-negative where the tree uses them: `time / factor`). */
  | { readonly kind: 'div'; readonly a: IndexExpr; readonly b: IndexExpr }
  | { readonly kind: 'min'; readonly a: IndexExpr; readonly b: IndexExpr }
  | { readonly kind: 'max'; readonly a: IndexExpr; readonly b: IndexExpr }
  | { readonly kind: 'select'; readonly condition: IndexCondition; readonly a: IndexExpr; readonly b: IndexExpr };

export type IndexCondition =
  | { readonly kind: 'compare'; readonly op: '<' | '<=' | '>' | '>=' | '==' | '!='; readonly a: IndexExpr; readonly b: IndexExpr }
  | { readonly kind: 'or'; readonly args: readonly IndexCondition[] }
  | { readonly kind: 'and'; readonly args: readonly IndexCondition[] }
  /** A comparison of real values at the point of the enclosing loops (fields, scalars, numbers): a guard of a conditional equation. */
  | { readonly kind: 'values'; readonly op: '<' | '<=' | '>' | '>=' | '=='; readonly a: Expr; readonly b: Expr };

export const int = (value: number): IndexExpr => ({ kind: 'int', value });
export const ivar = (name: string): IndexExpr => ({ kind: 'var', name });

/** `a + b + …`, with plain integers given as numbers and strings as variables; zero terms dropped. */
export function iadd(...terms: readonly (IndexExpr | number | string)[]): IndexExpr {
  const kept = terms.map(lift).filter((t) => !(t.kind === 'int' && t.value === 0));
  if (kept.length === 0) return int(0);
  return kept.length === 1 ? kept[0]! : { kind: 'add', terms: kept };
}

/** `a*b*…`; a factor of 1 is dropped, a factor of 0 makes 0. */
export function imul(...factors: readonly (IndexExpr | number | string)[]): IndexExpr {
  const lifted = factors.map(lift);
  if (lifted.some((f) => f.kind === 'int' && f.value === 0)) return int(0);
  const kept = lifted.filter((f) => !(f.kind === 'int' && f.value === 1));
  if (kept.length === 0) return int(1);
  return kept.length === 1 ? kept[0]! : { kind: 'mul', factors: kept };
}

/** `a - b` as a sum: `b` negated (a product with −1 prints as a subtraction). */
export function isub(a: IndexExpr | number | string, b: IndexExpr | number | string): IndexExpr {
  const right = lift(b);
  return iadd(a, right.kind === 'int' ? int(-right.value) : { kind: 'mul', factors: [int(-1), right] });
}

export const imin = (a: IndexExpr | string, b: IndexExpr | string): IndexExpr => ({ kind: 'min', a: lift(a), b: lift(b) });
export const imax = (a: IndexExpr | string, b: IndexExpr | string): IndexExpr => ({ kind: 'max', a: lift(a), b: lift(b) });
export const imod = (a: IndexExpr, b: IndexExpr | number): IndexExpr => ({ kind: 'mod', a, b: lift(b) });
export const idiv = (a: IndexExpr | string, b: IndexExpr | number): IndexExpr => ({ kind: 'div', a: lift(a), b: lift(b) });

export function compare(op: Extract<IndexCondition, { kind: 'compare' }>['op'], a: IndexExpr | string | number, b: IndexExpr | string | number): IndexCondition {
  return { kind: 'compare', op, a: lift(a), b: lift(b) };
}

function lift(value: IndexExpr | number | string): IndexExpr {
  if (typeof value === 'number') return int(value);
  if (typeof value === 'string') return ivar(value);
  return value;
}

/** The variables an index expression reads. */
export function indexVariables(expr: IndexExpr, into = new Set<string>()): Set<string> {
  switch (expr.kind) {
    case 'int': break;
    case 'var': into.add(expr.name); break;
    case 'add': expr.terms.forEach((t) => indexVariables(t, into)); break;
    case 'mul': expr.factors.forEach((f) => indexVariables(f, into)); break;
    case 'select': conditionVariables(expr.condition, into); indexVariables(expr.a, into); indexVariables(expr.b, into); break;
    default: indexVariables(expr.a, into); indexVariables(expr.b, into);
  }
  return into;
}

/** The variables a condition reads; a comparison of values reads the indices of the fields it accesses. */
export function conditionVariables(condition: IndexCondition, into = new Set<string>()): Set<string> {
  switch (condition.kind) {
    case 'or': case 'and': condition.args.forEach((c) => conditionVariables(c, into)); break;
    case 'values':
      for (const access of accessesOf(condition.b, accessesOf(condition.a))) access.field.dimensions.forEach((d) => into.add(d.name));
      break;
    default: indexVariables(condition.a, into); indexVariables(condition.b, into);
  }
  return into;
}

/** Replaces variables by name (`x_M` → `x_wave_M` when a loop moves into a wave). */
export function substituteIndex(expr: IndexExpr, map: ReadonlyMap<string, IndexExpr>): IndexExpr {
  switch (expr.kind) {
    case 'int': return expr;
    case 'var': return map.get(expr.name) ?? expr;
    case 'add': return { kind: 'add', terms: expr.terms.map((t) => substituteIndex(t, map)) };
    case 'mul': return { kind: 'mul', factors: expr.factors.map((f) => substituteIndex(f, map)) };
    case 'select': return { ...expr, condition: substituteCondition(expr.condition, map), a: substituteIndex(expr.a, map), b: substituteIndex(expr.b, map) };
    default: return { ...expr, a: substituteIndex(expr.a, map), b: substituteIndex(expr.b, map) };
  }
}

export function substituteCondition(condition: IndexCondition, map: ReadonlyMap<string, IndexExpr>): IndexCondition {
  if (condition.kind === 'or' || condition.kind === 'and') return { kind: condition.kind, args: condition.args.map((c) => substituteCondition(c, map)) };
  if (condition.kind === 'values') return condition;
  return { ...condition, a: substituteIndex(condition.a, map), b: substituteIndex(condition.b, map) };
}
