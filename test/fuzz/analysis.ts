/**
 * Static facts about fuzz expressions the generator needs to produce only valid programs: which
 * field slots a statement reads and how far (halo sizes, time slots, dependences).
 */
import { spacePoints, timePoints } from './fornberg.ts';
import type { FieldSpec, Node, Statement } from './program.ts';

/** One field read after derivatives are expanded: time offset and the box of space offsets. */
export interface Reach {
  readonly name: string;
  readonly time: number;
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

export type Specs = ReadonlyMap<string, FieldSpec>;

/** Every field read of `node` with the space offsets and time offsets its stencils reach. */
export function reachOf(node: Node, specs: Specs, ndim: number): Reach[] {
  switch (node.op) {
    case 'num': case 'const': case 'sparse': return [];
    case 'field': return [{ name: node.name, time: node.time, lo: [...node.offsets], hi: [...node.offsets] }];
    case 'add': case 'sub': case 'mul': case 'div': return [...reachOf(node.a, specs, ndim), ...reachOf(node.b, specs, ndim)];
    case 'neg': case 'pow': return reachOf(node.a, specs, ndim);
    case 'laplace': {
      const inner = reachOf(node.a, specs, ndim);
      const r = node.fdOrder / 2;
      return inner.map((x) => ({ ...x, lo: x.lo.map((o) => o - r), hi: x.hi.map((o) => o + r) }));
    }
    case 'deriv': {
      const inner = reachOf(node.a, specs, ndim);
      if (node.dim < 0) {
        return timePoints(node.fdOrder).flatMap((dt) =>
          inner.map((x) => (specs.get(x.name)!.kind === 'time' ? { ...x, time: x.time + dt } : x)));
      }
      const points = spacePoints(node.order, node.fdOrder, node.shift);
      const first = points[0]!;
      const last = points[points.length - 1]!;
      return inner.map((x) => ({
        ...x,
        lo: x.lo.map((o, a) => (a === node.dim ? o + first : o)),
        hi: x.hi.map((o, a) => (a === node.dim ? o + last : o)),
      }));
    }
  }
}

/** Reads of a statement, and the slot it writes (undefined for interpolation). */
export function statementReach(s: Statement, specs: Specs, ndim: number): { reads: Reach[]; write?: { name: string; time: number } } {
  if (s.kind === 'eq') return { reads: reachOf(s.rhs, specs, ndim), write: { name: s.target, time: s.time } };
  if (s.kind === 'inject') return { reads: reachOf(s.expr, specs, ndim), write: { name: s.target, time: s.time } };
  return { reads: reachOf(s.expr, specs, ndim) };
}

const isNeighbour = (r: Reach): boolean => r.lo.some((o) => o !== 0) || r.hi.some((o) => o !== 0);

/** Whether an equation reads its own target slot at a neighbouring point (a DSL error, not a bug). */
export function readsOwnTargetAround(s: Statement, specs: Specs, ndim: number): boolean {
  const { reads, write } = statementReach(s, specs, ndim);
  return write !== undefined && reads.some((r) => r.name === write.name && sameSlot(specs, r.time, write.time, r.name) && isNeighbour(r));
}

/** Two time offsets of one field name the same slot key (Functions have one slot). */
export function sameSlot(specs: Specs, a: number, b: number, name: string): boolean {
  return specs.get(name)!.kind === 'function' || a === b;
}

/** Every field name `node` reads. */
export function fieldsRead(node: Node): string[] {
  switch (node.op) {
    case 'field': return [node.name];
    case 'num': case 'const': case 'sparse': return [];
    case 'add': case 'sub': case 'mul': case 'div': return [...fieldsRead(node.a), ...fieldsRead(node.b)];
    default: return fieldsRead(node.a);
  }
}

/** Least spaceOrder among the fields `node` reads (the default accuracy of its space derivatives). */
export function defaultSpaceOrder(node: Node, specs: Specs): number {
  return Math.min(...fieldsRead(node).map((n) => specs.get(n)!.spaceOrder));
}

/** Least timeOrder among the TimeFunctions `node` reads (Infinity if none). */
export function defaultTimeOrder(node: Node, specs: Specs): number {
  return Math.min(...fieldsRead(node).map((n) => specs.get(n)!).filter((f) => f.kind === 'time').map((f) => f.timeOrder));
}

/** Per field: [least, greatest] time offset over all reads and writes of the program's statements. */
export function timeExtents(statements: readonly Statement[], specs: Specs, ndim: number): Map<string, [number, number]> {
  const extents = new Map<string, [number, number]>();
  const note = (name: string, time: number): void => {
    if (specs.get(name)!.kind !== 'time') return;
    const known = extents.get(name);
    if (known) { known[0] = Math.min(known[0], time); known[1] = Math.max(known[1], time); } else extents.set(name, [time, time]);
  };
  for (const s of statements) {
    const { reads, write } = statementReach(s, specs, ndim);
    reads.forEach((r) => note(r.name, r.time));
    if (write) note(write.name, write.time);
  }
  return extents;
}

/** Largest |offset| along any axis each field is read at (the halo it needs). */
export function haloNeeds(statements: readonly Statement[], specs: Specs, ndim: number): Map<string, number> {
  const needs = new Map<string, number>();
  for (const s of statements) {
    for (const r of statementReach(s, specs, ndim).reads) {
      const need = Math.max(0, ...r.lo.map((o) => -o), ...r.hi);
      needs.set(r.name, Math.max(needs.get(r.name) ?? 0, need));
    }
  }
  return needs;
}
