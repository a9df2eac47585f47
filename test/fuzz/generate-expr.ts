/**
 * Random expressions for generate.ts: field reads (pointwise, shifted, other time slots),
 * numbers, Constants, + − × ÷, integer powers, space and time derivatives, laplacians.
 * Divisions and negative powers only ever see denominators bounded away from zero.
 */
import { defaultSpaceOrder, defaultTimeOrder, fieldsRead } from './analysis.ts';
import { mulberry32, type ConstantSpec, type FieldSpec, type Node } from './program.ts';

export class Random {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  float(): number { return this.next(); }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  /** A key of `weights` chosen with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [key, w] of entries) { if ((r -= w) < 0) return key; }
    return entries[entries.length - 1]![0];
  }
}

/**
 * Whether `node` holds x − x or x ÷ x, which the DSL cancels exactly before a derivative takes
 * its default order from the fields its operand reads (the reference would count the cancelled
 * field's order too).
 */
function cancels(node: Node): boolean {
  if ((node.op === 'sub' || node.op === 'div') && JSON.stringify(node.a) === JSON.stringify(node.b)) return true;
  return ('a' in node && cancels(node.a)) || ('b' in node && cancels(node.b));
}

type Slot = { readonly name: string; readonly time: number } | undefined;

export class ExprGenerator {
  private readonly specs: Map<string, FieldSpec>;
  constructor(
    private readonly rng: Random,
    private readonly fields: readonly FieldSpec[],
    private readonly constants: readonly ConstantSpec[],
    private readonly ndim: number,
    private readonly timeLoop: boolean,
  ) {
    this.specs = new Map(fields.map((f) => [f.name, f]));
  }

  private zeros(): number[] { return Array.from({ length: this.ndim }, () => 0); }

  /** A field read; `avoid` (a statement's target) is never read here away from the point itself. */
  read(avoid: string | undefined, pointwiseOnly: boolean): Node {
    const f = this.rng.pick(this.fields);
    const time = f.kind === 'time' ? this.rng.pick([0, 0, 0, -1, 1]) : 0;
    const shifted = !pointwiseOnly && f.name !== avoid && time === 0 && this.rng.chance(0.2);
    const offsets = shifted ? this.zeros().map(() => this.rng.int(-2, 2)) : this.zeros();
    return { op: 'field', name: f.name, time, offsets };
  }

  leaf(avoid: string | undefined, pointwiseOnly: boolean): Node {
    const kind = this.rng.weighted({ field: 6, num: 2.5, const: this.constants.length > 0 ? 1.5 : 0 });
    if (kind === 'num') return { op: 'num', value: this.rng.pick([1, 2, -1, 0.5, 0.37, -1.25, 3, 0.1]) };
    if (kind === 'const') return { op: 'const', name: this.rng.pick(this.constants).name };
    return this.read(avoid, pointwiseOnly);
  }

  /** An expression of depth ≤ `depth` for a statement writing `target`. */
  expression(depth: number, target: Slot, derivDepth = 0): Node {
    const avoid = target?.name;
    if (depth <= 0 || this.rng.chance(0.25)) return this.leaf(avoid, derivDepth > 0);
    const op = this.rng.weighted({
      add: 20, sub: 14, mul: 18, div: 6, neg: 3, pow: 6,
      deriv: derivDepth < 2 ? 22 : 0, laplace: derivDepth < 1 ? 6 : 0,
    });
    switch (op) {
      case 'add': case 'sub': case 'mul':
        return { op, a: this.expression(depth - 1, target, derivDepth), b: this.expression(depth - 1, target, derivDepth) };
      case 'div':
        return this.rng.chance(0.3) && this.constants.length > 0
          ? { op, a: this.expression(depth - 1, target, derivDepth), b: { op: 'const', name: this.rng.pick(this.constants).name } }
          : { op, a: this.expression(depth - 1, target, derivDepth), b: this.positive(depth - 1, target, derivDepth) };
      case 'neg': return { op, a: this.expression(depth - 1, target, derivDepth) };
      case 'pow':
        return this.rng.chance(0.3)
          ? { op, a: this.positive(depth - 1, target, derivDepth), exponent: this.rng.pick([-1, -2]) }
          : { op, a: this.expression(Math.min(depth - 1, 1), target, derivDepth), exponent: this.rng.pick([2, 2, 3, 5]) };
      case 'laplace': {
        const a = this.operand(depth - 1, avoid, derivDepth + 1);
        return { op, a, fdOrder: defaultSpaceOrder(a, this.specs) };
      }
      case 'deriv': return this.derivative(depth, avoid, derivDepth);
    }
  }

  /** k + e² with k ≥ 1: a denominator bounded away from zero whatever e is. */
  private positive(depth: number, target: Slot, derivDepth: number): Node {
    return { op: 'add', a: { op: 'num', value: this.rng.pick([1, 1.5, 2]) }, b: { op: 'pow', a: this.expression(Math.min(depth, 1), target, derivDepth), exponent: 2 } };
  }

  /**
   * What an interpolation samples: a field read times k + e² (k ≥ 1), which reads a field
   * however the DSL simplifies e (it rejects interpolating an expression without one).
   */
  sampled(depth: number): Node {
    const f = this.rng.pick(this.fields);
    const time = f.kind === 'time' ? this.rng.pick([0, 0, 1]) : 0;
    return { op: 'mul', a: { op: 'field', name: f.name, time, offsets: this.zeros() }, b: this.positive(depth, undefined, 0) };
  }

  /** An expression that reads at least one field other than `avoid` (a derivative's operand). */
  operand(depth: number, avoid: string | undefined, derivDepth: number): Node {
    for (let i = 0; i < 10; i++) {
      const node = this.expression(depth, avoid === undefined ? undefined : { name: avoid, time: 0 }, derivDepth);
      const read = fieldsRead(node);
      if (read.length > 0 && !read.includes(avoid ?? '') && !cancels(node)) return node;
    }
    const others = this.fields.filter((f) => f.name !== avoid);
    const f = others.length > 0 ? this.rng.pick(others) : this.fields[0]!;
    return { op: 'field', name: f.name, time: 0, offsets: this.zeros() };
  }

  private derivative(depth: number, avoid: string | undefined, derivDepth: number): Node {
    const timeFields = this.fields.filter((f) => f.kind === 'time');
    if (this.timeLoop && timeFields.length > 0 && this.rng.chance(0.25)) {
      // A time derivative of a TimeFunction, perhaps times a Function (constant in time).
      const u = this.rng.pick(timeFields);
      const read: Node = { op: 'field', name: u.name, time: 0, offsets: this.zeros() };
      const a: Node = this.rng.chance(0.3) ? { op: 'mul', a: read, b: this.leaf(undefined, true) } : read;
      const fdOrder = defaultTimeOrder(a, this.specs);
      const order = fdOrder === 2 && this.rng.chance(0.5) ? 2 : 1;
      return { op: 'deriv', a, dim: -1, order, fdOrder, explicitFdOrder: false, shift: 0, style: this.rng.chance(0.7) ? 'sugar' : 'diff' };
    }
    const a = this.operand(depth - 1, avoid, derivDepth + 1);
    const dim = this.rng.int(0, this.ndim - 1);
    const order = this.rng.pick([1, 1, 2, 2, 3, 4]);
    const explicitFdOrder = this.rng.chance(0.25);
    const fdOrder = explicitFdOrder ? 2 * this.rng.int(1, 6) : defaultSpaceOrder(a, this.specs);
    const shift = this.rng.chance(0.15) ? this.rng.pick([0.5, -0.5, 1, -1]) : 0;
    const sugar = order <= 2 && !explicitFdOrder && shift === 0 && this.rng.chance(0.7);
    return { op: 'deriv', a, dim, order, fdOrder, explicitFdOrder, shift, style: sugar ? 'sugar' : 'diff' };
  }

  /** What an injection scatters: the sparse value, perhaps scaled by a number or another field. */
  injected(sparse: string, target: string): Node {
    const value: Node = { op: 'sparse', name: sparse };
    const others = this.fields.filter((f) => f.name !== target);
    const kind = this.rng.weighted({ plain: 2, num: 1, field: others.length > 0 ? 1 : 0 });
    if (kind === 'plain') return value;
    if (kind === 'num') return { op: 'mul', a: value, b: { op: 'num', value: this.rng.pick([0.5, -2, 1.5]) } };
    const f = this.rng.pick(others);
    return { op: 'mul', a: value, b: { op: 'field', name: f.name, time: 0, offsets: this.zeros() } };
  }

  /** 1–4 points inside the domain: anywhere, on grid lines, on the upper boundary or at the origin. */
  coordinates(shape: readonly number[], spacing: readonly number[], origin: readonly number[]): number[][] {
    return Array.from({ length: this.rng.int(1, 4) }, () => shape.map((n, a) => {
      const h = spacing[a]!;
      const kind = this.rng.weighted({ any: 5, line: 2, upper: 1, lower: 1 });
      if (kind === 'line') return origin[a]! + this.rng.int(0, n - 1) * h;
      if (kind === 'upper') return origin[a]! + (n - 1) * h;
      if (kind === 'lower') return origin[a]!;
      return origin[a]! + this.rng.float() * (n - 1) * h;
    }));
  }
}
