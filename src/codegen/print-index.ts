import { assertNever } from '../support/assert-never.ts';
import type { IndexCondition, IndexExpr } from '../ir/index-expr.ts';
import { printExpr, type ExprContext } from './c-expr.ts';
import type { CNames } from './names.ts';

/** What printing an index needs: where to note that it used MAX, and the kernel's C names. */
export interface IndexPrinting {
  readonly uses: { max: boolean };
  readonly names: CNames;
  /** How real values print, for the comparisons of values in conditional equations' guards. */
  readonly expr?: ExprContext;
}

// Precedence levels: higher binds tighter.
const ADD = 1;
const MUL = 2;
const ATOM = 3;

const wrap = (text: string, precedence: number, needed: number): string => (precedence < needed ? `(${text})` : text);

/** A product whose leading factor is a negative integer: printed as a subtraction inside a sum. */
function negativeProduct(expr: IndexExpr): IndexExpr | undefined {
  if (expr.kind === 'int' && expr.value < 0) return { kind: 'int', value: -expr.value };
  if (expr.kind !== 'mul' || expr.factors[0]!.kind !== 'int' || expr.factors[0].value >= 0) return undefined;
  const magnitude = -expr.factors[0].value;
  const rest = expr.factors.slice(1);
  return magnitude === 1 && rest.length > 0 ? (rest.length === 1 ? rest[0]! : { kind: 'mul', factors: rest }) : { kind: 'mul', factors: [{ kind: 'int', value: magnitude }, ...rest] };
}

function print(expr: IndexExpr, at: IndexPrinting): [string, number] {
  switch (expr.kind) {
    case 'int': return [String(expr.value), expr.value < 0 ? MUL : ATOM];
    case 'var': return [at.names.c(expr.name), ATOM];
    case 'add': {
      const text = expr.terms.map((term, i) => {
        const subtracted = i > 0 ? negativeProduct(term) : undefined;
        const [body, precedence] = print(subtracted ?? term, at);
        if (i === 0) return wrap(body, precedence, ADD);
        return `${subtracted ? ' - ' : ' + '}${wrap(body, precedence, subtracted ? MUL : ADD)}`;
      }).join('');
      return [text, ADD];
    }
    case 'mul': return [expr.factors.map((f, i) => { const [t, p] = print(f, at); return wrap(t, p, i === 0 ? MUL : ATOM); }).join('*'), MUL];
    case 'mod': case 'div': {
      const [a, pa] = print(expr.a, at);
      const [b, pb] = print(expr.b, at);
      return [`${wrap(a, pa, MUL)} ${expr.kind === 'mod' ? '%' : '/'} ${wrap(b, pb, ATOM)}`, MUL];
    }
    case 'min': case 'max': {
      if (expr.kind === 'max') at.uses.max = true;
      return [`${at.names.c(expr.kind.toUpperCase())}(${print(expr.a, at)[0]}, ${print(expr.b, at)[0]})`, ATOM];
    }
    case 'select':
      return [`(${printCondition(expr.condition, at)} ? ${print(expr.a, at)[0]} : ${print(expr.b, at)[0]})`, ATOM];
    default: return assertNever(expr);
  }
}

/** C text of an integer index expression; `at.uses.max` is set when it needs the MAX macro. */
export function printIndex(expr: IndexExpr, at: IndexPrinting): string {
  return print(expr, at)[0];
}

/** C text of an index condition. */
export function printCondition(condition: IndexCondition, at: IndexPrinting): string {
  switch (condition.kind) {
    case 'or': return condition.args.map((c) => printCondition(c, at)).join(' || ');
    // Parenthesised: an `and` may sit inside an `or`.
    case 'and': return condition.args.map((c) => `(${printCondition(c, at)})`).join(' && ');
    case 'values': {
      if (!at.expr) throw new Error('internal: a comparison of values printed outside a loop nest');
      return `${printExpr(condition.a, at.expr)} ${condition.op} ${printExpr(condition.b, at.expr)}`;
    }
    case 'compare': break;
    default: assertNever(condition);
  }
  return `${printIndex(condition.a, at)} ${condition.op} ${printIndex(condition.b, at)}`;
}
