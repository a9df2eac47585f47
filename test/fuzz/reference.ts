/**
 * Independent reference evaluator (imports nothing from src/): runs a fuzz program in float64
 * with plain loops, in program order, and carries for every value a first-order bound on the
 * rounding error a correct kernel in the program's dtype may make (see compare.ts for the rule).
 *
 * Semantics modelled (checked against the generated C): fields are zero outside the domain (halo
 * never written); time index t lives in slot t mod (timeOrder + 1), or slot t with `save`; each
 * statement sees the results of every statement before it over the whole grid; sparse points are
 * located at pos = (coord − origin)/h, idx = pos >= M ? M − 1 : floor(pos), with multilinear
 * weights, the expression evaluated at each corner, points in order.
 */
import { spaceStencil, timeStencil } from './fornberg.ts';
import { timeExtents } from './analysis.ts';
import { sampleIndex, sparseStatement } from './reference-sparse.ts';
import { fieldInitial, slotCount, sparseInitial, spacingOf, type FieldSpec, type Node, type Program, type Statement } from './program.ts';

export type { Val };

/** Value, propagated input error bound, and magnitude (the expression evaluated on absolute values). */
interface Val { v: number; e: number; m: number }
const ZERO: Val = Object.freeze({ v: 0, e: 0, m: 0 });

/** Values and error bounds of one array (a field slot, or a sparse function's [nt, npoint] data). */
export interface Slab { readonly v: Float64Array; readonly e: Float64Array }

export interface ReferenceResult {
  /** Per field: one slab per slot (a Function has one), dense over the domain. */
  readonly fields: Map<string, Slab[]>;
  readonly sparses: Map<string, Slab>;
}

/** Unit roundoff of the kernel's precision. */
export const unitRoundoff = (dtype: Program['dtype']): number => (dtype === 'float32' ? 2 ** -24 : 2 ** -53);

/** Rounding operations on the longest path through `node` (a sum of n terms counts n). */
export function opsOf(node: Node): number {
  switch (node.op) {
    case 'num': case 'const': case 'field': case 'sparse': return 1;
    case 'add': case 'sub': case 'mul': case 'div': return opsOf(node.a) + opsOf(node.b) + 1;
    case 'neg': return opsOf(node.a);
    case 'pow': return opsOf(node.a) + 2 * Math.abs(node.exponent);
    case 'deriv': return opsOf(node.a) + 2 * (node.order + node.fdOrder + 2) + 4;
    case 'laplace': return opsOf(node.a) + 3 * (node.fdOrder + 3) + 8;
  }
}

class Evaluator {
  readonly fields = new Map<string, Slab[]>();
  readonly specs = new Map<string, FieldSpec>();
  readonly sparses = new Map<string, Slab>();
  readonly constants = new Map<string, number>();
  readonly shape: readonly number[];
  readonly strides: number[];
  readonly u: number;
  /** Sparse point being processed (sparse leaves read it). */
  point = 0;

  constructor(readonly program: Program, initial?: ReadonlyMap<string, Float64Array>) {
    this.shape = program.shape;
    this.strides = this.shape.map((_, a) => this.shape.slice(a + 1).reduce((x, y) => x * y, 1));
    this.u = unitRoundoff(program.dtype);
    const size = this.shape.reduce((a, b) => a * b, 1);
    for (const f of program.fields) {
      const init = initial?.get(f.name) ?? fieldInitial(program, f);
      const slots = Math.max(slotCount(f), 1);
      this.specs.set(f.name, f);
      this.fields.set(f.name, Array.from({ length: slots }, (_, s) => ({ v: init.slice(s * size, (s + 1) * size), e: new Float64Array(size) })));
    }
    for (const s of program.sparses) {
      const v = sparseInitial(program, s);
      this.sparses.set(s.name, { v, e: new Float64Array(v.length) });
    }
    for (const c of program.constants) this.constants.set(c.name, c.value);
  }

  slab(name: string, timeIndex: number): Slab {
    const spec = this.specs.get(name)!;
    const slabs = this.fields.get(name)!;
    if (spec.kind === 'function') return slabs[0]!;
    if (spec.save !== undefined) {
      if (timeIndex < 0 || timeIndex >= spec.save) throw new Error(`reference: ${name} read at time ${timeIndex} outside its save range`);
      return slabs[timeIndex]!;
    }
    const n = slabs.length;
    return slabs[((timeIndex % n) + n) % n]!;
  }

  /** Flat index of a point, or −1 outside the domain (where the halo holds zeros). */
  flat(p: readonly number[]): number {
    let k = 0;
    for (let a = 0; a < p.length; a++) {
      const i = p[a]!;
      if (i < 0 || i >= this.shape[a]!) return -1;
      k += i * this.strides[a]!;
    }
    return k;
  }

  eval(node: Node, p: readonly number[], t: number): Val {
    switch (node.op) {
      case 'num': return { v: node.value, e: 0, m: Math.abs(node.value) };
      case 'const': { const c = this.constants.get(node.name)!; return { v: c, e: 0, m: Math.abs(c) }; }
      case 'field': {
        const q = p.map((i, a) => i + node.offsets[a]!);
        const k = this.flat(q);
        if (k < 0) return ZERO;
        const slab = this.slab(node.name, t + node.time);
        return { v: slab.v[k]!, e: slab.e[k]!, m: Math.abs(slab.v[k]!) };
      }
      case 'sparse': {
        const s = this.sparses.get(node.name)!;
        const k = sampleIndex(this.program.sparses.find((x) => x.name === node.name)!, t, this.point);
        return { v: s.v[k]!, e: s.e[k]!, m: Math.abs(s.v[k]!) };
      }
      case 'add': case 'sub': {
        const a = this.eval(node.a, p, t);
        const b = this.eval(node.b, p, t);
        return { v: node.op === 'add' ? a.v + b.v : a.v - b.v, e: a.e + b.e, m: a.m + b.m };
      }
      case 'mul': {
        const a = this.eval(node.a, p, t);
        const b = this.eval(node.b, p, t);
        return { v: a.v * b.v, e: a.e * b.m + b.e * a.m + a.e * b.e, m: a.m * b.m };
      }
      case 'div': {
        // Denominators are bounded away from zero by construction (generate.ts), so the
        // first-order terms describe the error well; m_b/b² also covers b's own rounding.
        const a = this.eval(node.a, p, t);
        const b = this.eval(node.b, p, t);
        const b2 = b.v * b.v;
        return { v: a.v / b.v, e: a.e / Math.abs(b.v) + (b.e * a.m) / b2, m: (a.m * b.m) / b2 };
      }
      case 'neg': { const a = this.eval(node.a, p, t); return { v: -a.v, e: a.e, m: a.m }; }
      case 'pow': return this.power(this.eval(node.a, p, t), node.exponent);
      case 'deriv': return this.derivative(node, p, t);
      case 'laplace': {
        let sum: Val = ZERO;
        for (let a = 0; a < this.shape.length; a++) {
          const d = this.derivative({ op: 'deriv', a: node.a, dim: a, order: 2, fdOrder: node.fdOrder, explicitFdOrder: false, shift: 0, style: 'diff' }, p, t);
          sum = { v: sum.v + d.v, e: sum.e + d.e, m: sum.m + d.m };
        }
        return sum;
      }
    }
  }

  power(b: Val, n: number): Val {
    const v = b.v ** n;
    if (n > 0) return { v, e: n * Math.abs(b.v) ** (n - 1) * b.e, m: b.m ** n };
    const k = -n;
    return { v, e: (k * Math.abs(v) * b.e) / Math.abs(b.v), m: b.m ** k / Math.abs(b.v) ** (2 * k) };
  }

  derivative(node: Extract<Node, { op: 'deriv' }>, p: readonly number[], t: number): Val {
    let v = 0; let e = 0; let m = 0;
    if (node.dim < 0) {
      const { points, weights } = timeStencil(node.order, node.fdOrder);
      const scale = this.program.time!.dt ** -node.order;
      points.forEach((dt, i) => {
        const x = this.eval(shiftTime(node.a, dt), p, t);
        v += weights[i]! * x.v; e += Math.abs(weights[i]!) * x.e; m += Math.abs(weights[i]!) * x.m;
      });
      return { v: v * scale, e: e * Math.abs(scale), m: m * Math.abs(scale) };
    }
    const { points, weights } = spaceStencil(node.order, node.fdOrder, node.shift);
    const scale = spacingOf(this.program, node.dim) ** -node.order;
    const q = [...p];
    points.forEach((offset, i) => {
      q[node.dim] = p[node.dim]! + offset;
      const x = this.eval(node.a, q, t);
      v += weights[i]! * x.v; e += Math.abs(weights[i]!) * x.e; m += Math.abs(weights[i]!) * x.m;
    });
    return { v: v * scale, e: e * Math.abs(scale), m: m * Math.abs(scale) };
  }

  /** Error bound of a stored result: propagated error + rounding of `ops` operations and of the store. */
  stored(x: Val, ops: number): number {
    return x.e + this.u * (ops * x.m + Math.abs(x.v));
  }

  run(): ReferenceResult {
    const { time, direction, statements } = this.program;
    // As the compiler (and Devito): a time loop exists only where a TimeFunction is accessed or
    // a sparse operation runs; otherwise the equations run once, whatever time range is given.
    const specs = new Map(this.program.fields.map((f) => [f.name, f]));
    const timed = new Set(this.program.sparses.filter((s) => s.nt !== undefined).map((s) => s.name));
    const varies = statements.some((s) => s.kind !== 'eq' && timed.has(s.sparse)) || timeExtents(statements, specs, this.program.shape.length).size > 0;
    if (!time || !varies) {
      for (const s of this.program.statements) this.statement(s, 0);
    } else if (direction === 1) {
      for (let t = time.min; t <= time.max; t++) for (const s of this.program.statements) this.statement(s, t);
    } else {
      for (let t = time.max; t >= time.min; t--) for (const s of this.program.statements) this.statement(s, t);
    }
    return { fields: this.fields, sparses: this.sparses };
  }

  statement(s: Statement, t: number): void {
    if (s.kind === 'eq') { this.equation(s, t); return; }
    sparseStatement(this, s, t);
  }

  /** Whole-grid update: all right-hand sides first (they read the target pointwise only), then the writes. */
  equation(s: Extract<Statement, { kind: 'eq' }>, t: number): void {
    const size = this.shape.reduce((a, b) => a * b, 1);
    const values = new Float64Array(size);
    const errors = new Float64Array(size);
    const ops = opsOf(s.rhs);
    const p = this.shape.map(() => 0);
    for (let k = 0; k < size; k++) {
      for (let a = 0; a < p.length; a++) p[a] = Math.floor(k / this.strides[a]!) % this.shape[a]!;
      const x = this.eval(s.rhs, p, t);
      values[k] = x.v;
      errors[k] = this.stored(x, ops);
    }
    const target = this.slab(s.target, t + s.time);
    target.v.set(values);
    target.e.set(errors);
  }
}

export type { Evaluator };

/** `node` with every TimeFunction read moved `dt` time indices (Function reads have no time). */
export function shiftTime(node: Node, dt: number): Node {
  switch (node.op) {
    // Function reads shift too, harmlessly: a Function has one slab whatever the time index.
    case 'field': return { ...node, time: node.time + dt };
    case 'num': case 'const': case 'sparse': return node;
    case 'add': case 'sub': case 'mul': case 'div': return { ...node, a: shiftTime(node.a, dt), b: shiftTime(node.b, dt) };
    case 'neg': case 'pow': case 'deriv': case 'laplace': return { ...node, a: shiftTime(node.a, dt) };
  }
}


/**
 * Runs `program` in the reference; every field slot and sparse array, with error bounds.
 * `initial` overrides a field's starting data (dense, slots first), for hand-checked cases.
 */
export function runReference(program: Program, initial?: ReadonlyMap<string, Float64Array>): ReferenceResult {
  return new Evaluator(program, initial).run();
}
