/**
 * Fuzz program → devito-ts objects, through the public API only, and a run that returns every
 * field slot and sparse array as dense float64 arrays for comparison with the reference.
 */
import {
  Constant, Eq, Function, Grid, add, Operator, SparseFunction, SparseTimeFunction, TimeFunction,
  type ApplyArgs, type Expr, type ExprLike, type Injection, type Interpolation,
} from '../../src/index.ts';
import { fieldInitial, sparseInitial, type Node, type Program, type Statement } from './program.ts';

export interface Built {
  readonly operator: Operator;
  readonly fields: Map<string, Function>;
  readonly sparses: Map<string, SparseFunction | SparseTimeFunction>;
  readonly constants: Map<string, Constant>;
}

/** Results of one run: per field the dense data (slots first), per sparse function its data. */
export interface RunResult {
  readonly fields: Map<string, Float64Array>;
  readonly sparses: Map<string, Float64Array>;
}

const SUGAR: Record<number, Record<number, 'dx' | 'dy' | 'dz' | 'dx2' | 'dy2' | 'dz2'>> = {
  1: { 0: 'dx', 1: 'dy', 2: 'dz' },
  2: { 0: 'dx2', 1: 'dy2', 2: 'dz2' },
};

export function buildProgram(program: Program): Built {
  const grid = new Grid({ shape: program.shape, extent: program.extent, origin: program.origin, dtype: program.dtype });
  const fields = new Map<string, Function>();
  for (const f of program.fields) {
    const common = { name: f.name, grid, spaceOrder: f.spaceOrder, padding: f.padding, ...(f.halo === undefined ? {} : { halo: f.halo }) };
    fields.set(f.name, f.kind === 'function'
      ? new Function(common)
      : new TimeFunction({ ...common, timeOrder: f.timeOrder, ...(f.save === undefined ? {} : { save: f.save }) }));
  }
  const constants = new Map(program.constants.map((c) => [c.name, new Constant({ name: c.name, dtype: program.dtype, ...(c.passAtApply ? {} : { value: c.value }) })]));
  const sparses = new Map(program.sparses.map((s) => {
    const options = { name: s.name, grid, npoint: s.coordinates.length, coordinates: s.coordinates, interpolation: s.interpolation, ...(s.radius === undefined ? {} : { radius: s.radius }) };
    return [s.name, s.nt === undefined ? new SparseFunction(options) : new SparseTimeFunction({ ...options, nt: s.nt })];
  }));

  const expr = (node: Node): ExprLike => {
    switch (node.op) {
      case 'num': return node.value;
      case 'const': return constants.get(node.name)!;
      case 'sparse': return sparses.get(node.name)!;
      case 'field': {
        const f = fields.get(node.name)!;
        if (f instanceof TimeFunction && node.time === 1) return f.forward;
        if (f instanceof TimeFunction && node.time === -1) return f.backward;
        return node.offsets.some((o) => o !== 0) ? f.at(...node.offsets) : f;
      }
      case 'add': return sym(node.a).add(expr(node.b));
      case 'sub': return sym(node.a).sub(expr(node.b));
      case 'mul': return sym(node.a).mul(expr(node.b));
      case 'div': return sym(node.a).div(expr(node.b));
      case 'neg': return sym(node.a).neg();
      case 'pow': return sym(node.a).pow(node.exponent);
      case 'laplace': return sym(node.a).laplace;
      case 'deriv': {
        const a = sym(node.a);
        if (node.dim < 0) return node.style === 'sugar' ? (node.order === 1 ? a.dt : a.dt2) : a.diff(grid.time, node.order);
        if (node.style === 'sugar') return a[SUGAR[node.order]![node.dim]!];
        return a.diff(grid.dimensions[node.dim]!, node.order, { shift: node.shift, ...(node.explicitFdOrder ? { fdOrder: node.fdOrder } : {}) });
      }
    }
  };
  // Operands as expressions, so numbers get the methods too (`Constant`s and fields have them).
  const sym = (node: Node): Expr => {
    const e = expr(node);
    return typeof e === 'number' ? add(e) : e.toExpr();
  };
  const target = (name: string, time: number): Expr => sym({ op: 'field', name, time, offsets: program.shape.map(() => 0) });
  const statement = (s: Statement): Eq | Injection | Interpolation => {
    if (s.kind === 'eq') return new Eq(target(s.target, s.time), expr(s.rhs));
    if (s.kind === 'inject') return sparses.get(s.sparse)!.inject({ field: target(s.target, s.time), expr: expr(s.expr) });
    return sparses.get(s.sparse)!.interpolate({ expr: expr(s.expr) });
  };
  const operator = new Operator(program.statements.map(statement), { name: 'Fuzz', passes: program.passes });
  return { operator, fields, sparses, constants };
}

/** Resets every field and sparse array to the program's initial values. */
export function resetData(program: Program, built: Built): void {
  const typed = (values: Float64Array): Float32Array | Float64Array => (program.dtype === 'float32' ? Float32Array.from(values) : values);
  for (const f of program.fields) built.fields.get(f.name)!.data.assign(typed(fieldInitial(program, f)));
  for (const s of program.sparses) built.sparses.get(s.name)!.data.assign(typed(sparseInitial(program, s)));
}

/** Whether the kernel takes an argument `name` (what `apply` accepts; its C spelling may differ). */
const takes = (built: Built, name: string): boolean => built.operator.kernel.parameters.some((p) => p.name === name);

/** The `apply` arguments: time range, dt, thread count, Constants passed at apply, block sizes the C takes. */
export function applyArgs(program: Program, built: Built, nthreads: number): ApplyArgs {
  const args: Record<string, number> = { nthreads };
  if (program.time) Object.assign(args, { timeMin: program.time.min, timeMax: program.time.max, dt: program.time.dt });
  // Only Constants the kernel takes (canonicalisation may cancel one out, e.g. ca − ca).
  for (const c of program.constants) if (c.passAtApply && takes(built, c.name)) args[c.name] = c.value;
  for (const [name, size] of Object.entries(program.blockSizes)) {
    if (takes(built, name)) args[name] = size;
  }
  return args;
}

/** Resets the data, applies the Operator with `nthreads` threads and copies every result out. */
export function runBuilt(program: Program, built: Built, nthreads: number): RunResult {
  resetData(program, built);
  built.operator.apply(applyArgs(program, built, nthreads));
  const fields = new Map([...built.fields].map(([name, f]) => [name, Float64Array.from(f.data.toArray())]));
  const sparses = new Map([...built.sparses].map(([name, s]) => [name, Float64Array.from(s.data.toArray())]));
  return { fields, sparses };
}
