import { add, mul, pow, rewrite, type Expr } from '../dsl/expr.ts';
import type { Expression } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { mapStatements } from '../ir/visit.ts';

/** Splits a term into its numeric coefficient and the rest (`−0.08·u[x+2]` → −0.08, `u[x+2]`). */
function split(term: Expr): [number, Expr] {
  if (term.kind === 'number') return [term.value, mul(1)];
  if (term.kind === 'mul' && term.args[0]!.kind === 'number') return [term.args[0].value, mul(...term.args.slice(1))];
  return [1, term];
}

/** Non-numeric factors of a product term, by key. */
function factorsOf(term: Expr): Map<string, Expr> {
  const factors = new Map<string, Expr>();
  const args = term.kind === 'mul' ? term.args : [term];
  for (const arg of args) if (arg.kind !== 'number') factors.set(arg.key, arg);
  return factors;
}

/**
 * Pulls a factor shared by several terms of a sum out of them: a·b·x + a·c·y → a·(b·x + c·y),
 * choosing the factor shared by most terms (ties: smallest key), then recursing into both parts.
 */
function collectCommonFactors(expr: Expr): Expr {
  if (expr.kind !== 'add') return expr;
  const counts = new Map<string, { factor: Expr; count: number }>();
  for (const term of expr.args) {
    for (const [key, factor] of factorsOf(term)) {
      const entry = counts.get(key) ?? { factor, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  }
  let best: { factor: Expr; count: number } | undefined;
  for (const [, entry] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (entry.count >= 2 && (!best || entry.count > best.count)) best = entry;
  }
  if (!best) return expr;
  const factor = best.factor;
  const inner: Expr[] = [];
  const outer: Expr[] = [];
  for (const term of expr.args) {
    if (factorsOf(term).has(factor.key)) inner.push(mul(term, pow(factor, -1)));
    else outer.push(term);
  }
  const grouped = mul(factor, collectCommonFactors(add(...inner)));
  return outer.length === 0 ? grouped : add(collectCommonFactors(add(...outer)), grouped);
}

/**
 * In every sum, terms whose coefficients share a magnitude are grouped: Σ wₖ·u[±k] becomes
 * Σ |wₖ|·(u[−k] ± u[+k]), one multiply per weight instead of one per stencil point. A common
 * sign moves outside the bracket. This reorders floating-point additions, so results change at
 * round-off level.
 */
export function factorizeSum(expr: Expr): Expr {
  if (expr.kind !== 'add') return expr;
  const groups = new Map<number, { coefficients: number[]; rests: Expr[] }>();
  const untouched: Expr[] = [];
  for (const term of expr.args) {
    const [coefficient, rest] = split(term);
    const magnitude = Math.abs(coefficient);
    if (magnitude === 1 || term.kind === 'number') {
      untouched.push(term);
      continue;
    }
    const group = groups.get(magnitude) ?? { coefficients: [], rests: [] };
    group.coefficients.push(coefficient);
    group.rests.push(rest);
    groups.set(magnitude, group);
  }
  if ([...groups.values()].every((g) => g.rests.length < 2)) return expr;
  const grouped = [...groups].map(([magnitude, { coefficients, rests }]) => {
    const sign = coefficients.every((c) => c < 0) ? -1 : 1;
    return mul(sign * magnitude, add(...rests.map((rest, i) => (coefficients[i]! * sign > 0 ? rest : mul(-1, rest)))));
  });
  return add(...untouched, ...grouped);
}

/** Applies weight grouping and common-factor collection to every sum of every loop nest. */
export function factorize(kernel: Kernel): Kernel {
  return mapStatements(kernel, (statements) => {
    const body: Expression[] = statements.map((s) => ({ ...s, value: rewrite(s.value, (node) => collectCommonFactors(factorizeSum(node))) }));
    return body.every((s, i) => s.value === statements[i]!.value) ? statements : body;
  });
}
