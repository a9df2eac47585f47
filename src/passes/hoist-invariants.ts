import { TempExpr, add, children, mul, withChildren, type Expr } from '../dsl/expr.ts';
import type { Expression } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { mapStatements, tempCount } from '../ir/visit.ts';

function isInvariant(expr: Expr, hoisted: ReadonlySet<string>): boolean {
  if (expr.kind === 'access' || expr.kind === 'sparse') return false;
  if (expr.kind === 'temp') return hoisted.has(expr.name);
  return children(expr).every((child) => isInvariant(child, hoisted));
}

const isLeaf = (expr: Expr): boolean => expr.kind === 'number' || expr.kind === 'scalar' || expr.kind === 'temp';

/**
 * Moves sub-expressions that depend on no field (`1/h_x²`, `dt²`, weight·`h_x⁻²`) out of all
 * loops into the kernel's preamble, computed once per call. In sums and products the
 * invariant operands are grouped first, so `0.08·h_x⁻²·u` hoists `0.08·h_x⁻²`.
 */
export function hoistInvariants(kernel: Kernel): Kernel {
  const defines: Expression[] = [...kernel.preamble];
  const byKey = new Map<string, TempExpr>(kernel.preamble.map((d) => [d.value.key, d.target as TempExpr]));
  const hoisted = new Set(kernel.preamble.map((d) => (d.target as TempExpr).name));
  let counter = tempCount(kernel);

  const temp = (value: Expr): Expr => {
    if (isLeaf(value)) return value;
    const known = byKey.get(value.key);
    if (known) return known;
    const name = `r${counter++}`;
    const ref = new TempExpr(name);
    defines.push({ kind: 'expression', op: 'define', target: ref, value, shifts: {} });
    byKey.set(value.key, ref);
    hoisted.add(name);
    return ref;
  };

  const visit = (expr: Expr): Expr => {
    if (isInvariant(expr, hoisted)) return temp(expr);
    if (expr.kind === 'add' || expr.kind === 'mul') {
      const invariant = expr.args.filter((arg) => isInvariant(arg, hoisted));
      const variant = expr.args.filter((arg) => !isInvariant(arg, hoisted)).map(visit);
      const combine = expr.kind === 'add' ? add : mul;
      // A lone number stays inline: a temporary would not save an operation.
      const grouped = invariant.length > 1 || (invariant.length === 1 && !isLeaf(invariant[0]!)) ? [temp(combine(...invariant))] : invariant;
      return combine(...grouped, ...variant);
    }
    return withChildren(expr, children(expr).map(visit));
  };

  const next = mapStatements(kernel, (statements) => {
    const body: Expression[] = statements.map((s) => ({ ...s, value: visit(s.value) }));
    return body.every((s, i) => s.value === statements[i]!.value) ? statements : body;
  });
  return defines.length === kernel.preamble.length ? next : { ...next, preamble: defines };
}
