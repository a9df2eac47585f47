import { timeDimOf } from '../dsl/conditional.ts';
import { sparseLoopNames } from '../dsl/names.ts';
import { accessesOf, children, type AccessExpr, type Expr, type FieldRef } from '../dsl/expr.ts';
import { assertNever } from '../support/assert-never.ts';
import { conditionVariables, indexVariables, type IndexCondition, type IndexExpr } from './index-expr.ts';
import { pointShifts, vectorOperandKey, type Expression, type Iteration, type Node, type SparsePoints, type VectorLoop } from './tree.ts';
import type { Kernel } from './types.ts';
import { slotKeyOf } from './lower.ts';
import { loopChain } from './visit.ts';

/**
 * The loop tree's invariants, checked after lowering and after every pass (tests run it with
 * `DEVITO_TS_VERIFY=1`, see passes/pipeline.ts). A violation is a bug of the compiler, not of
 * the user's equations. Each message starts with its rule:
 * - `[bound]`: every variable an index expression reads is a kernel parameter, an enclosing loop
 *   index or an earlier definition in an enclosing node list (a loop without a lower bound
 *   continues a mutable one); every field access is indexed by enclosing loops, a TimeFunction
 *   access has `time` and (ring buffers) its slot in scope; temporaries are defined before use
 *   (in the preamble or by an earlier `define` in scope), scalars are parameters, sparse values
 *   are read inside their own point loop, wave orders exist where their arrays are used;
 * - `[halo]`: every access stays within its field's halo, every jam shift lies in [0, jam − 1]
 *   of the enclosing loop over its dimension, and a jammed loop stops jam − 1 points early;
 * - `[parallel]`: a parallel loop (the loops it collapses) walks space, carries no write–read
 *   dependence along them (no statement reads a slot the body writes at a non-zero offset along
 *   a parallel dimension), does not nest in another; injections are serial; no statement writes
 *   a field lacking the dimension of a parallel (or simd) loop around it (a reduction's race);
 * - `[sections]`: section ids are 0 … n − 1 in execution order, once each, as many as the
 *   kernel's timers, and sections do not nest;
 * - `[structure]`: a region holds one node, a `continue` is inside a loop, a vector loop's
 *   operands cover every access of its body and name its rows, windows and shared loads.
 * Linear in the size of the tree (each parallel loop's body is scanned once more).
 */

/** The compiler broke its own loop tree: `pass` left it with `violations`. */
export class InternalCompilerError extends Error {
  readonly pass: string;
  readonly violations: readonly string[];

  constructor(pass: string, violations: readonly string[]) {
    super(
      `internal compiler error: the loop tree is invalid after pass "${pass}" (a bug in devito-ts, not in your equations):\n` +
        violations.map((v) => `  - ${v}`).join('\n'),
    );
    this.name = 'InternalCompilerError';
    this.pass = pass;
    this.violations = violations;
  }
}

/** Throws an {@link InternalCompilerError} naming `pass` when the kernel has violations. */
export function assertValidKernel(kernel: Kernel, pass: string): void {
  const violations = verifyKernel(kernel);
  if (violations.length > 0) throw new InternalCompilerError(pass, violations);
}

/** Every violation of the loop tree's invariants (empty when the kernel is fine). Pure. */
export function verifyKernel(kernel: Kernel): string[] {
  return new Verifier(kernel).run();
}

type Rule = 'bound' | 'halo' | 'parallel' | 'sections' | 'structure';

/** A multiset of names in scope (a name bound again in an inner scope stays bound when that scope ends). */
class Names {
  private readonly counts = new Map<string, number>();
  has(name: string): boolean {
    return this.counts.has(name);
  }
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  remove(name: string): void {
    const count = this.counts.get(name)!;
    if (count === 1) this.counts.delete(name);
    else this.counts.set(name, count - 1);
  }
}

type Undo = (() => void)[];

/** A ring buffer (no `save`): its time slots are named `(time + offset) mod timeSlots` by the tree. */
function ringSlots(field: FieldRef): number | undefined {
  const f = field as FieldRef & { save?: number; timeSlots?: number };
  return f.isTimeFunction && f.save === undefined ? f.timeSlots : undefined;
}

/** How far below its end a loop bound stops: minus the sum of its integer terms (`x_end − 1` → 1). */
function margin(upper: IndexExpr): number {
  if (upper.kind === 'int') return -upper.value;
  if (upper.kind !== 'add') return 0;
  return -upper.terms.reduce((sum, term) => sum + (term.kind === 'int' ? term.value : 0), 0);
}

function describeAccess(access: AccessExpr): string {
  const time = access.field.isTimeFunction ? `t${access.timeOffset >= 0 ? '+' : ''}${access.timeOffset}, ` : '';
  const offsets = access.offsets.map((o, axis) => {
    const d = access.field.dimensions[axis]!.name;
    return o === 0 ? d : `${d}${o > 0 ? '+' : ''}${o}`;
  });
  return `${access.field.name}[${time}${offsets.join(', ')}]`;
}

const isCondition = (expr: IndexExpr | IndexCondition): expr is IndexCondition =>
  expr.kind === 'compare' || expr.kind === 'or' || expr.kind === 'and' || expr.kind === 'values';

class Verifier {
  private readonly violations: string[] = [];
  private readonly parameters: Set<string>;
  /** Parameters aside: loop indices, index definitions, names the printer declares (`z_hi`, wave-order arrays). */
  private readonly names = new Names();
  /** Indices of enclosing loops (iterations, the vector loop's dimension, a sparse loop's corners and point). */
  private readonly loops = new Names();
  private readonly mutables = new Names();
  /** Ring-buffer slots in scope: `modulus|offset`. */
  private readonly slots = new Names();
  private readonly temps = new Names();
  /** Enclosing iterations, outermost first. */
  private readonly stack: Iteration[] = [];
  private readonly path: string[] = [];
  private readonly sectionIds: number[] = [];
  private sectionDepth = 0;
  private regionDepth = 0;
  private parallelDepth = 0;
  /** Dimensions (names) of enclosing loops whose points run concurrently. */
  private readonly concurrent: string[] = [];

  constructor(private readonly kernel: Kernel) {
    this.parameters = new Set(kernel.parameters.map((p) => p.name));
  }

  run(): string[] {
    // The preamble's temporaries stay in scope for the whole body.
    this.path.push('preamble');
    const preambleUndo: Undo = [];
    for (const statement of this.kernel.preamble) {
      if (statement.op !== 'define') this.report('structure', `the preamble holds a ${statement.op} statement (only definitions of temporaries)`);
      this.statement(statement, preambleUndo);
    }
    this.path.pop();
    this.list(this.kernel.body);
    this.checkSections();
    return this.violations;
  }

  private report(rule: Rule, message: string): void {
    const where = this.path.length > 0 ? ` (at ${this.path.join(' > ')})` : '';
    this.violations.push(`[${rule}] ${message}${where}`);
  }

  private bind(names: Names, name: string, undo: Undo): void {
    names.add(name);
    undo.push(() => names.remove(name));
  }

  private isBound(name: string): boolean {
    return this.parameters.has(name) || this.names.has(name);
  }

  private index(expr: IndexExpr | IndexCondition, what: string): void {
    const vars = isCondition(expr) ? conditionVariables(expr) : indexVariables(expr);
    for (const name of vars) {
      if (!this.isBound(name)) this.report('bound', `${what} reads ${name}, which is neither a kernel parameter, an enclosing loop index nor an earlier definition`);
    }
  }

  /** A node list: definitions (index and temporary) are in scope for the nodes after them. */
  private list(nodes: readonly Node[]): void {
    const undo: Undo = [];
    for (const node of nodes) this.node(node, undo);
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
  }

  private node(node: Node, undo: Undo): void {
    switch (node.kind) {
      case 'iteration': this.iteration(node); return;
      case 'expression': this.statement(node, undo); return;
      case 'index': {
        this.index(node.value, `definition of ${node.name}`);
        if (node.slot) {
          if (node.slot.name !== node.name) this.report('bound', `definition of ${node.name} carries the time slot named ${node.slot.name}`);
          this.bind(this.slots, `${node.slot.modulus}|${node.slot.offset}`, undo);
        }
        this.bind(this.names, node.name, undo);
        if (node.mutable) this.bind(this.mutables, node.name, undo);
        return;
      }
      case 'guard':
        this.index(node.condition, 'guard');
        this.path.push('if');
        this.list(node.body);
        this.path.pop();
        return;
      case 'continue':
        if (this.stack.length === 0) this.report('structure', 'a continue outside any loop');
        return;
      case 'section': {
        if (this.sectionDepth > 0) this.report('sections', `section ${node.id} (${node.title}) is nested in another section`);
        this.sectionIds.push(node.id);
        this.sectionDepth++;
        this.path.push(`section ${node.id} (${node.title})`);
        this.list(node.body);
        this.path.pop();
        this.sectionDepth--;
        return;
      }
      case 'region': {
        if (node.body.length !== 1) this.report('structure', `a parallel region holds ${node.body.length} nodes (exactly one)`);
        if (this.regionDepth > 0 || this.parallelDepth > 0) this.report('parallel', 'a parallel region inside another parallel region or loop');
        this.regionDepth++;
        this.path.push('parallel region');
        this.list(node.body);
        this.path.pop();
        this.regionDepth--;
        return;
      }
      case 'sparse': this.sparse(node); return;
      case 'vector': this.vector(node); return;
      case 'waveOrder': {
        const d = node.dim.name;
        this.index({ kind: 'compare', op: '<=', a: { kind: 'var', name: `${d}_m` }, b: { kind: 'var', name: `${d}_M` } }, `wave order of ${node.sparse.name}`);
        if (!this.isBound(`${node.sparse.name}_npoint`)) this.report('bound', `wave order of ${node.sparse.name} reads ${node.sparse.name}_npoint, which is not a kernel parameter`);
        const { first, order } = sparseLoopNames(node.sparse.name);
        this.bind(this.names, first, undo);
        this.bind(this.names, order, undo);
        return;
      }
      case 'free': {
        const { first } = sparseLoopNames(node.sparse.name);
        if (!this.names.has(first)) this.report('bound', `frees the wave order of ${node.sparse.name}, which no earlier wave order in scope allocated`);
        return;
      }
      case 'comment': return;
      case 'halo': {
        if (this.parallelDepth > 0 || this.regionDepth > 0) this.report('parallel', `halo exchange ${node.id} inside a parallel loop or region (MPI calls are made by one thread)`);
        if (node.slots.length === 0) this.report('structure', `halo exchange ${node.id} exchanges nothing`);
        return;
      }
      default: assertNever(node);
    }
  }

  private iteration(loop: Iteration): void {
    const what = `loop ${loop.index}`;
    if (loop.lower === undefined) {
      if (!this.mutables.has(loop.index)) this.report('bound', `${what} continues from ${loop.index}, which no earlier mutable definition declares`);
      if (loop.direction === -1) this.report('bound', `${what} runs downwards without a lower bound`);
    } else {
      this.index(loop.lower, `${what} lower bound`);
    }
    this.index(loop.upper, `${what} upper bound`);
    this.index(loop.step, `${what} step`);
    if (loop.jam > 1) {
      if (loop.step.kind !== 'int' || loop.step.value !== loop.jam) this.report('halo', `${what} is jammed ${loop.jam} times but does not step by ${loop.jam}`);
      if (loop.exclusive || margin(loop.upper) < loop.jam - 1) {
        this.report('halo', `${what} is jammed ${loop.jam} times but does not stop ${loop.jam - 1} point(s) before its end (its last copy would leave the domain)`);
      }
    }
    this.path.push(`for ${loop.index}`);
    const parallel = loop.parallel !== undefined;
    // Dimensions whose points run concurrently: the collapsed loops of a parallel loop, a simd loop's own.
    const shared = [...(parallel ? this.parallelLoop(loop) : []), ...(loop.simd && loop.dim ? [loop.dim.name] : [])];
    if (parallel) this.parallelDepth++;
    this.concurrent.push(...shared);
    this.stack.push(loop);
    this.names.add(loop.index);
    this.loops.add(loop.index);
    this.list(loop.body);
    this.loops.remove(loop.index);
    this.names.remove(loop.index);
    this.stack.pop();
    this.concurrent.splice(this.concurrent.length - shared.length, shared.length);
    if (parallel) this.parallelDepth--;
    this.path.pop();
  }

  /** An expression statement: its accesses, temporaries, scalars and jam shifts; a definition binds its temporary. */
  private statement(statement: Expression, undo: Undo): void {
    this.expr(statement.value);
    const target = statement.target;
    if (statement.op === 'define') {
      if (target.kind !== 'temp') this.report('structure', `a definition of ${describeAccess(target)} (definitions name temporaries)`);
      else if (this.temps.has(target.name)) this.report('bound', `temporary ${target.name} is defined twice in one scope`);
    } else if (target.kind !== 'access') {
      this.report('structure', `an ${statement.op} of temporary ${target.name} (only fields are assigned)`);
    } else {
      this.access(target);
      for (const racing of new Set(this.concurrent.filter((dim) => !target.field.dimensions.some((d) => d.name === dim)))) {
        this.report('parallel', `${describeAccess(target)} is written by every point along ${racing}, whose points run concurrently (parallel or simd): a race`);
      }
    }
    for (const [dim, shift] of Object.entries(statement.shifts)) {
      if (shift === 0) continue;
      const loop = this.enclosingLoopOf(dim);
      if (loop === undefined) this.report('halo', `a statement is shifted ${shift} along ${dim}, but no enclosing loop walks ${dim}`);
      else if (shift < 0 || shift >= loop.jam) {
        this.report('halo', `a statement is shifted ${shift} along ${dim}, outside [0, ${loop.jam - 1}] of its loop (jam ${loop.jam}): a jam shift outside its jammed loop`);
      }
    }
    // Defined after its value is checked: a definition cannot read itself.
    if (statement.op === 'define' && target.kind === 'temp') this.bind(this.temps, target.name, undo);
  }

  private enclosingLoopOf(index: string): Iteration | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i]!.index === index) return this.stack[i];
    return undefined;
  }

  /** The leaves of a value: field accesses, temporaries, scalars and sparse values. */
  private expr(expr: Expr): void {
    switch (expr.kind) {
      case 'access': this.access(expr); return;
      case 'temp':
        if (!this.temps.has(expr.name)) this.report('bound', `temporary ${expr.name} is used before its definition (none in the preamble or earlier in scope)`);
        return;
      case 'scalar':
        if (!this.parameters.has(expr.name)) this.report('bound', `scalar ${expr.name} is not a kernel parameter`);
        return;
      case 'sparse': {
        const { point } = sparseLoopNames(expr.sparse.name);
        if (!this.loops.has(point)) this.report('bound', `the value of ${expr.sparse.name} is read outside its point loop (${point} is not bound)`);
        // A SparseFunction's value has no time index.
        if (expr.sparse.nt !== undefined && !this.isBound('time')) this.report('bound', `the value of ${expr.sparse.name} is read where time is not bound`);
        return;
      }
      case 'derivative': this.report('structure', `a derivative is left unexpanded: ${expr.key}`); break;
      case 'number': return;
      default: break;
    }
    for (const child of children(expr)) this.expr(child);
  }

  private access(access: AccessExpr): void {
    const { field } = access;
    const what = `access ${describeAccess(access)}`;
    if (access.offsets.length !== field.dimensions.length) this.report('bound', `${what} has ${access.offsets.length} offsets for ${field.dimensions.length} dimensions`);
    access.offsets.forEach((offset, axis) => {
      const dim = field.dimensions[axis]?.name;
      if (dim === undefined) return;
      if (!this.loops.has(dim)) this.report('bound', `${what} is indexed by ${dim}, which no enclosing loop binds`);
      const halo = field.halo[axis]!;
      if (Math.abs(offset) > halo) this.report('halo', `${what} reaches ${Math.abs(offset)} points along ${dim}, beyond the halo of ${halo}`);
    });
    if (!field.isTimeFunction) return;
    if (!this.isBound('time')) this.report('bound', `${what} needs time, which is not bound`);
    const subsampled = timeDimOf(field);
    if (subsampled && !this.isBound(subsampled.name)) this.report('bound', `${what} is indexed by ${subsampled.name}, which no definition in scope names`);
    const modulus = ringSlots(field);
    if (modulus !== undefined && !this.slots.has(`${modulus}|${access.timeOffset}`)) {
      this.report('bound', `${what} needs the ring-buffer slot (time ${access.timeOffset >= 0 ? '+' : '-'} ${Math.abs(access.timeOffset)}) mod ${modulus}, which no definition in scope names`);
    }
  }

  /**
   * A parallel loop: the loops it collapses walk space (blocks or points) and no statement of
   * the body reads, at a non-zero offset along their dimensions, a slot the body writes.
   * Returns those dimensions.
   */
  private parallelLoop(loop: Iteration): ReadonlySet<string> {
    const { collapse } = loop.parallel!;
    if (this.parallelDepth > 0) this.report('parallel', `loop ${loop.index} is parallel inside another parallel loop`);
    const chain = loopChain(loop);
    if (collapse < 1 || chain.length < collapse) {
      this.report('parallel', `loop ${loop.index} collapses ${collapse} loops but heads ${chain.length} perfectly nested one(s)`);
    }
    const dims = new Set<string>();
    for (const collapsed of chain.slice(0, Math.max(collapse, 1))) {
      if ((collapsed.role !== 'space' && collapsed.role !== 'block') || collapsed.dim === undefined) {
        this.report('parallel', `loop ${collapsed.index} (${collapsed.role}) is run in parallel, but only space and block loops may be`);
      } else {
        dims.add(collapsed.dim.name);
      }
    }
    const writes = new Set<string>();
    const reads: AccessExpr[] = [];
    const scan = (nodes: readonly Node[]): void => {
      for (const node of nodes) {
        if (node.kind === 'expression') {
          if (node.op !== 'define' && node.target.kind === 'access') writes.add(slotKeyOf(node.target.field, node.target.timeOffset));
          accessesOf(node.value, reads);
        } else if (node.kind === 'sparse') {
          if (node.field) writes.add(slotKeyOf(node.field.field, node.field.timeOffset));
          accessesOf(node.expr, reads);
        } else if (node.kind === 'vector') {
          scan(node.body);
          scan([node.remainder]);
        } else if (node.kind === 'iteration' || node.kind === 'guard' || node.kind === 'section' || node.kind === 'region') {
          scan(node.body);
        }
      }
    };
    scan(loop.body);
    const reported = new Set<string>();
    for (const read of reads) {
      if (!writes.has(slotKeyOf(read.field, read.timeOffset)) || reported.has(read.key)) continue;
      const along = read.offsets.findIndex((offset, axis) => offset !== 0 && dims.has(read.field.dimensions[axis]!.name));
      if (along < 0) continue;
      reported.add(read.key);
      this.report(
        'parallel',
        `loop ${loop.index} is parallel along ${[...dims].join(', ')}, but its body writes ${slotKeyOf(read.field, read.timeOffset)} and reads it at ${describeAccess(read)}: a loop-carried write–read dependence`,
      );
    }
    return dims;
  }

  private sparse(points: SparsePoints): void {
    const name = points.sparse.name;
    this.path.push(`${points.mode} ${name}`);
    if (points.mode === 'inject' && points.parallel) this.report('parallel', `injection of ${name} is parallel, but its points may share grid corners`);
    if (points.parallel && this.parallelDepth > 0) this.report('parallel', `the points of ${name} are parallel inside a parallel loop`);
    if (points.mode === 'inject' && points.field === undefined) this.report('structure', `injection of ${name} has no target field`);
    if (points.wave) {
      this.index(points.wave.lower, `wave lower bound of ${name}`);
      this.index(points.wave.upper, `wave upper bound of ${name}`);
      if (!this.names.has(sparseLoopNames(name).first)) this.report('bound', `the points of ${name} are visited by wave, but no wave order of ${name} is in scope`);
    }
    if (points.planes) {
      this.index(points.planes.lower, `plane lower bound of ${name}`);
      this.index(points.planes.upper, `plane upper bound of ${name}`);
    }
    if (points.sparse.nt !== undefined && !this.isBound('time')) this.report('bound', `the points of ${name} are visited where time is not bound`);
    // Each corner declares every grid index; the point index is the loop's own.
    const bound = [...this.kernel.grid.dimensions.map((d) => d.name), sparseLoopNames(name).point];
    for (const n of bound) { this.names.add(n); this.loops.add(n); }
    this.expr(points.expr);
    if (points.field) this.access(points.field);
    for (const n of bound) { this.names.remove(n); this.loops.remove(n); }
    this.path.pop();
  }

  private vector(loop: VectorLoop): void {
    const d = loop.dim.name;
    this.path.push(`vector ${d}`);
    this.names.add(d);
    this.loops.add(d);
    this.list(loop.body);
    this.loops.remove(d);
    this.names.remove(d);
    this.vectorOperands(loop);
    this.path.pop();
    // The printer declares `z_hi` (where the vectors end; `z_rest` after a tail pass) before the scalar remainder.
    if (loop.remainder.index !== d) this.report('structure', `the remainder of vector loop ${d} walks ${loop.remainder.index}`);
    const start = `${d}_${loop.tail ? 'rest' : 'hi'}`;
    this.names.add(start);
    this.iteration(loop.remainder);
    this.names.remove(start);
  }

  private vectorOperands(loop: VectorLoop): void {
    const rows = new Set(loop.rows.map((row) => row.key));
    const windows = new Set(loop.windows.map((w) => w.name));
    const shared = new Set(loop.shared.map((s) => s.name));
    const refs = [...loop.bases.map((b) => b.row), ...loop.windows.map((w) => w.row), ...loop.shared.map((s) => s.row), ...loop.prefetches.map((p) => p.row)];
    for (const row of new Set(refs)) if (!rows.has(row)) this.report('structure', `vector loop ${loop.dim.name} refers to row ${row}, which it does not have`);
    const checked = new Set<string>();
    for (const statement of loop.body) {
      const accesses = accessesOf(statement.value, []);
      const target = statement.op !== 'define' && statement.target.kind === 'access' ? statement.target : undefined;
      for (const access of target ? [...accesses, target] : accesses) {
        const key = vectorOperandKey(access.field, access.timeOffset, pointShifts(access, statement.shifts));
        const operand = loop.operands.get(key);
        if (access === target && operand !== undefined && operand.kind !== 'load') {
          this.report('structure', `vector loop ${loop.dim.name} stores ${describeAccess(access)} into a ${operand.kind} register`);
        }
        // Jammed copies reach one point from several offsets: one report per operand key.
        if (checked.has(key)) continue;
        checked.add(key);
        if (operand === undefined) {
          this.report('structure', `vector loop ${loop.dim.name} has no operand for ${describeAccess(access)} (key ${key})`);
          continue;
        }
        const known = operand.kind === 'load' ? rows.has(operand.row) : operand.kind === 'window' ? windows.has(operand.window) : shared.has(operand.name);
        if (!known) this.report('structure', `vector loop ${loop.dim.name} resolves ${describeAccess(access)} to a ${operand.kind} it does not declare`);
      }
    }
  }

  private checkSections(): void {
    const ids = this.sectionIds;
    const seen = new Map<number, number>();
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    for (const [id, count] of seen) if (count > 1) this.report('sections', `section id ${id} appears ${count} times`);
    const expected = this.kernel.sections.length;
    if (ids.length !== expected) this.report('sections', `the tree has ${ids.length} sections but the kernel names ${expected} timers`);
    const misplaced = ids.findIndex((id, i) => id !== i);
    if (misplaced >= 0) this.report('sections', `section ${misplaced} in execution order has id ${ids[misplaced]} (ids must run 0 … n − 1 in execution order)`);
  }
}

