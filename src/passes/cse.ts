import { TempExpr, accessesOf, children, withChildren, type AccessExpr, type Expr } from '../dsl/expr.ts';
import type { Expression } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { mapStatements, tempCount } from '../ir/visit.ts';

const isComposite = (expr: Expr): boolean =>
  expr.kind === 'add' || expr.kind === 'mul' || expr.kind === 'pow' || expr.kind === 'call';

/** Replaces every occurrence of the sub-expression with key `key` (outermost match wins). */
function replace(expr: Expr, key: string, by: Expr): Expr {
  if (expr.key === key) return by;
  const kids = children(expr);
  if (kids.length === 0) return expr;
  return withChildren(expr, kids.map((child) => replace(child, key, by)));
}

function countOccurrences(expr: Expr, statement: number, into: Map<string, { node: Expr; count: number; statements: Set<number> }>): void {
  if (isComposite(expr)) {
    const entry = into.get(expr.key);
    if (entry) {
      entry.count++;
      entry.statements.add(statement);
    } else {
      into.set(expr.key, { node: expr, count: 1, statements: new Set([statement]) });
    }
  }
  for (const child of children(expr)) countOccurrences(child, statement, into);
}

/** Temps a value reads, directly or through other temps. */
function tempsRead(expr: Expr, into = new Set<string>()): Set<string> {
  if (expr.kind === 'temp') into.add(expr.name);
  for (const child of children(expr)) tempsRead(child, into);
  return into;
}

/**
 * Common-subexpression elimination inside one loop nest, across its equations: every
 * composite sub-expression computed twice becomes a `const` temporary, largest first.
 * NOTE: a sub-expression that reads a slot the nest writes is shared only within one
 * equation, so no equation ever sees a value read before an earlier equation updated it.
 */
function eliminateInNest(statements: readonly Expression[], firstIndex: number): { statements: readonly Expression[]; created: number } {
  const assigns = statements.filter((s) => s.op !== 'define');
  const written = new Set(assigns.map((a) => { const target = a.target as AccessExpr; return `${target.field.name}@${target.timeOffset}`; }));
  const readsWritten = (expr: Expr): boolean =>
    accessesOf(expr).some((a) => written.has(`${a.field.name}@${a.timeOffset}`));
  let values = assigns.map((a) => a.value);
  const defines: { name: string; value: Expr; statement: number }[] = [];
  const rejected = new Set<string>();
  let counter = firstIndex;
  for (;;) {
    const counts = new Map<string, { node: Expr; count: number; statements: Set<number> }>();
    values.forEach((value, i) => countOccurrences(value, i, counts));
    defines.forEach((d) => countOccurrences(d.value, d.statement, counts));
    let best: { node: Expr; statements: Set<number> } | undefined;
    for (const [key, entry] of counts) {
      if (entry.count < 2 || rejected.has(key)) continue;
      if (entry.statements.size > 1 && readsWritten(entry.node)) { rejected.add(key); continue; }
      if (!best || key.length > best.node.key.length || (key.length === best.node.key.length && key < best.node.key)) best = entry;
    }
    if (!best) break;
    const ref = new TempExpr(`r${counter++}`);
    const key = best.node.key;
    values = values.map((v) => replace(v, key, ref));
    for (const d of defines) d.value = replace(d.value, key, ref);
    defines.push({ name: ref.name, value: best.node, statement: Math.min(...best.statements) });
  }
  if (defines.length === 0) return { statements, created: 0 };

  // Place each temporary just before the first equation that needs it, dependencies first.
  const byName = new Map(defines.map((d) => [d.name, d]));
  const emitted = new Set<string>();
  const body: Expression[] = [];
  const emit = (name: string): void => {
    if (emitted.has(name)) return;
    const define = byName.get(name);
    if (!define) return;
    for (const dep of [...tempsRead(define.value)].sort()) emit(dep);
    emitted.add(name);
    body.push({ kind: 'expression', op: 'define', target: new TempExpr(name), value: define.value, shifts: {} });
  };
  assigns.forEach((assign, i) => {
    for (const name of [...tempsRead(values[i]!)].sort()) emit(name);
    body.push({ ...assign, value: values[i]! });
  });
  // Renumber in emission order so names read top to bottom.
  const renames = new Map(body.filter((s) => s.op === 'define').map((s, i) => [(s.target as TempExpr).name, new TempExpr(`r${firstIndex + i}`)]));
  const rename = (expr: Expr): Expr => {
    if (expr.kind === 'temp') return renames.get(expr.name) ?? expr;
    const kids = children(expr);
    return kids.length === 0 ? expr : withChildren(expr, kids.map(rename));
  };
  const renamed: Expression[] = body.map((s) =>
    s.op === 'define' ? { ...s, target: renames.get((s.target as TempExpr).name)!, value: rename(s.value) } : { ...s, value: rename(s.value) },
  );
  return { statements: renamed, created: defines.length };
}

/** Applies common-subexpression elimination to every loop nest of the kernel. */
export function eliminateCommonSubexpressions(kernel: Kernel): Kernel {
  let counter = tempCount(kernel);
  return mapStatements(kernel, (statements) => {
    const { statements: next, created } = eliminateInNest(statements, counter);
    counter += created;
    return next;
  });
}
