import { isApplyArgumentName } from '../dsl/names.ts';
import { Eq } from '../dsl/eq.ts';
import { Inc } from '../dsl/inc.ts';
import { Injection, Interpolation, type SparseOperation } from '../dsl/sparse.ts';
import type { Dtype } from '../dsl/dtype.ts';
import { accessesOf, checkDistinctNames, children, gridOf, add, type AccessExpr, type Expr, type FieldRef, type ScalarExpr, type SparseRef } from '../dsl/expr.ts';
import { expandDerivatives } from '../dsl/finite-difference.ts';
import type { Grid } from '../dsl/grid.ts';
import { InvalidArgumentError, InvalidNameError, LoweringError } from '../errors.ts';
import { conditionVariables } from './index-expr.ts';
import { isReduced, missingDimensions } from './reduction.ts';
import { restrictionOf, restrictionValues } from './restriction.ts';
import type { LoweredEq, LoweredSparse } from './types.ts';

/** What the whole equation set shares: one grid, one dtype, its fields and scalars. */
export interface EquationSet {
  readonly eqs: readonly LoweredEq[];
  /** The user's sequence: runs of equations (reordered and fused within a run) and sparse operations. */
  readonly segments: readonly (readonly LoweredEq[] | LoweredSparse)[];
  readonly sparses: readonly SparseRef[];
  readonly grid: Grid;
  readonly dtype: Dtype;
  readonly fields: readonly FieldRef[];
  readonly scalars: readonly ScalarExpr[];
  readonly hasTimeLoop: boolean;
  readonly direction: 1 | -1;
  /** Every field access of every equation and sparse operation (targets included). */
  readonly accesses: readonly AccessExpr[];
  /** Least and greatest time offset each TimeFunction is accessed at, by name. */
  readonly timeExtents: ReadonlyMap<string, readonly [number, number]>;
}

/** A slot of a field: the field at one time offset. */
export const slotKeyOf = (field: FieldRef, timeOffset: number): string => `${field.name}@${timeOffset}`;
export const slotKey = (access: AccessExpr): string => slotKeyOf(access.field, access.timeOffset);

/** [Eq | inject | interpolate] → lowered: validates everything and expands derivatives. */
export function lowerEquations(equations: readonly (Eq | SparseOperation)[]): EquationSet {
  if (!Array.isArray(equations) || equations.length === 0) {
    throw new InvalidArgumentError('Operator: give a non-empty array of Eq (and inject / interpolate operations)');
  }
  // A vector or tensor Eq stands for one Eq per component.
  equations = equations.flatMap((item) => (item instanceof Eq ? item.components : [item]));
  // Before any rewrite: rewriting memoises by key, which names objects by name alone.
  checkDistinctNames(
    equations.flatMap((item) => (item instanceof Eq ? [item.lhs, item.rhs] : item instanceof Injection ? [item.field, item.expr] : item instanceof Interpolation ? [item.expr] : [])),
    equations.flatMap((item) => (item instanceof Injection || item instanceof Interpolation ? [item.sparse] : [])),
  );
  let segments: (LoweredEq[] | LoweredSparse)[] = [];
  let eqs: LoweredEq[] = [];
  const sources = new Map<LoweredEq, Eq>();
  const sparseOps: LoweredSparse[] = [];
  equations.forEach((item, index) => {
    if (item instanceof Injection || item instanceof Interpolation) {
      const lowered: LoweredSparse = item instanceof Injection
        ? { kind: 'sparse', mode: 'inject', sparse: item.sparse, field: item.field, expr: expandDerivatives(item.expr) }
        : { kind: 'sparse', mode: 'interpolate', sparse: item.sparse, field: undefined, expr: expandDerivatives(item.expr) };
      segments.push(lowered);
      sparseOps.push(lowered);
      return;
    }
    if (!(item instanceof Eq)) throw new InvalidArgumentError(`Operator: item ${index} is not an Eq, an injection or an interpolation (got ${String(item)})`);
    const target = item.target;
    if (target.offsets.some((o) => o !== 0)) {
      throw new LoweringError(`${item}: the left-hand side must be the field at the current point, not shifted in space`);
    }
    const lowered: LoweredEq = item instanceof Inc ? { target, value: expandDerivatives(item.rhs), increment: true } : { target, value: expandDerivatives(item.rhs) };
    sources.set(lowered, item);
    eqs.push(lowered);
    const last = segments[segments.length - 1];
    if (Array.isArray(last)) last.push(lowered);
    else segments.push([lowered]);
  });

  let all = [
    ...eqs.flatMap((eq) => accessesOf(eq.value, [eq.target])),
    ...sparseOps.flatMap((op) => accessesOf(op.expr, op.field ? [op.field] : [])),
  ];
  const grid = gridOf(add(...all)) as Grid;
  // Subdomains and conditions need the grid; their guards' reads join the equations' own.
  ({ eqs, segments, all } = withRestrictions(eqs, segments, all, sources, grid));
  const sparses = [...new Set(sparseOps.map((op) => op.sparse))].sort((a, b) => (a.name < b.name ? -1 : 1));
  const fieldsByName = new Map<string, FieldRef>();
  for (const { field } of all) fieldsByName.set(field.name, field); // one object per name (checkDistinctNames)
  const fields = [...fieldsByName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const dtypes = new Set([...fields, ...sparses].map((f) => f.dtype));
  if (dtypes.size > 1) {
    throw new LoweringError(
      `${[...fields, ...sparses].map((f) => `${f.name} (${f.dtype})`).join(', ')} mix dtypes; create them all float32 or all float64`,
    );
  }
  for (const access of all) checkHalo(access);
  for (const op of sparseOps) {
    const partial = accessesOf(op.expr, op.field ? [op.field] : []).find((access) => isReduced(access.field));
    if (partial) throw new LoweringError(`${op.mode} ${op.sparse.name}: ${partial.field.name} does not span every grid dimension; inject into and interpolate from fields over the whole grid`);
  }
  const timeExtents = timeExtentsOf(all);
  checkTimeSlots(all, timeExtents);

  const scalarsByName = new Map<string, ScalarExpr>();
  const addScalar = (scalar: ScalarExpr): void => {
    const known = scalarsByName.get(scalar.name);
    // One name, two scalars (a Constant and the grid spacing h_x, or two Constants): the
    // expressions could not tell them apart.
    if (known && (known.role !== scalar.role || known.constant !== scalar.constant)) {
      const what = (s: ScalarExpr): string => (s.role === 'constant' ? 'a Constant' : s.role === 'dt' ? 'the time step' : 'the grid spacing');
      throw new InvalidNameError(`${what(known)} and ${what(scalar) === what(known) ? 'another one' : what(scalar)} are both named "${scalar.name}"; rename the Constant`);
    }
    scalarsByName.set(scalar.name, scalar);
  };
  for (const expr of [...eqs.flatMap((eq) => [eq.value, ...restrictionValues(eq.restriction)]), ...sparseOps.map((op) => op.expr)]) {
    // Every occurrence, not scalarsOf's one per name: two scalars of one name may meet in one expression.
    const visit = (e: Expr): void => {
      if (e.kind === 'scalar') addScalar(e);
      children(e).forEach(visit);
    };
    visit(expr);
  }
  // Sparse loops locate points with the grid spacing even when no stencil uses it.
  if (sparses.length > 0) for (const dim of grid.dimensions) addScalar(dim.spacing);
  for (const [name, scalar] of scalarsByName) {
    // Spacings and dt are the kernel's names (the C printer renames them when a field takes one).
    if (scalar.role !== 'constant') continue;
    // Expressions know a scalar by its name alone: a Constant h_y and the spacing h_y (in u.dy)
    // would merge as soon as they meet in a product, before any check could see both.
    if (grid.dimensions.some((dim) => dim.spacingName === name) || /^h_[xyz]$/.test(name)) {
      throw new InvalidNameError(`Constant name "${name}" is the name of a grid spacing (u.dx divides by h_x), and an expression cannot tell the two apart; rename the Constant`);
    }
    if (isApplyArgumentName(name)) {
      throw new InvalidNameError(`Constant name "${name}" is also an argument of Operator.apply (time range, dt, threads or a tile size), so apply({ ${name}: … }) would be ambiguous; rename the Constant`);
    }
  }
  const scalars = [...scalarsByName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));

  // A SparseFunction (no time axis) alone needs no time loop: it interpolates or injects once.
  const hasTimeLoop = fields.some((f) => f.isTimeFunction) || sparses.some((s) => s.nt !== undefined);
  const targetOffsets = new Set(
    [...eqs.map((eq) => eq.target), ...sparseOps.flatMap((op) => (op.field ? [op.field] : []))]
      .filter((target) => target.field.isTimeFunction)
      .map((target) => target.timeOffset),
  );
  if (targetOffsets.has(1) && targetOffsets.has(-1)) {
    throw new LoweringError('one Operator cannot write both forward (t+1) and backward (t−1) in time; split it into two Operators');
  }
  const direction = targetOffsets.has(-1) ? -1 : 1;
  if (!hasTimeLoop && eqs.some((eq) => eq.restriction?.step && conditionVariables(eq.restriction.step).has('time'))) {
    throw new LoweringError('an equation runs on some time steps only (a ConditionalDimension of time), but the Operator has no time loop (no TimeFunction)');
  }
  return { eqs, segments, sparses, grid, dtype: fields[0]!.dtype, fields, scalars, hasTimeLoop, direction, accesses: all, timeExtents };
}

/** Equations with their subdomain bounds and guards (see ir/restriction.ts), and every access including the guards'. */
function withRestrictions(
  eqs: readonly LoweredEq[], segments: readonly (LoweredEq[] | LoweredSparse)[], all: readonly AccessExpr[], sources: ReadonlyMap<LoweredEq, Eq>, grid: Grid,
): { eqs: LoweredEq[]; segments: (LoweredEq[] | LoweredSparse)[]; all: AccessExpr[] } {
  const restricted = new Map<LoweredEq, LoweredEq>();
  for (const eq of eqs) {
    const restriction = restrictionOf(sources.get(eq)!, eq.value, grid);
    restricted.set(eq, restriction ? { ...eq, restriction } : eq);
  }
  const guards = [...restricted.values()].flatMap((eq) => restrictionValues(eq.restriction).flatMap((value) => accessesOf(value)));
  if (guards.length > 0) gridOf(add(...all, ...guards));
  return {
    eqs: eqs.map((eq) => restricted.get(eq)!),
    segments: segments.map((segment) => (Array.isArray(segment) ? segment.map((eq) => restricted.get(eq)!) : segment)),
    all: [...all, ...guards],
  };
}

function checkHalo(access: AccessExpr): void {
  access.offsets.forEach((offset, axis) => {
    const halo = access.field.halo[axis]!;
    if (Math.abs(offset) > halo) {
      const dim = access.field.dimensions[axis]!.name;
      throw new LoweringError(
        `the stencil reads ${access.field.name} ${Math.abs(offset)} points away along ${dim}, but its halo is ${halo}; ` +
          `create ${access.field.name} with { halo: ${Math.abs(offset)} } (or a higher spaceOrder)`,
      );
    }
  });
}

function checkTimeSlots(accesses: readonly AccessExpr[], extents: ReadonlyMap<string, readonly [number, number]>): void {
  for (const [name, [lo, hi]] of extents) {
    const field = accesses.find((a) => a.field.name === name)!.field as FieldRef & { save?: number; timeSlots?: number };
    if (field.save === undefined && field.timeSlots !== undefined && hi - lo + 1 > field.timeSlots) {
      throw new LoweringError(
        `${name} is accessed at ${hi - lo + 1} time indices (t${lo < 0 ? lo : `+${lo}`} … t+${hi}) but keeps only ${field.timeSlots} slots; ` +
          `create it with timeOrder ${hi - lo}, with buffer: ${hi - lo + 1}, or with save`,
      );
    }
  }
}

/** For each TimeFunction: the least and greatest time offset it is accessed at. */
function timeExtentsOf(accesses: readonly AccessExpr[]): Map<string, [number, number]> {
  const extents = new Map<string, [number, number]>();
  for (const access of accesses) {
    if (!access.field.isTimeFunction) continue;
    const known = extents.get(access.field.name);
    if (known) {
      known[0] = Math.min(known[0], access.timeOffset);
      known[1] = Math.max(known[1], access.timeOffset);
    } else {
      extents.set(access.field.name, [access.timeOffset, access.timeOffset]);
    }
  }
  return extents;
}

function readsOf(eq: LoweredEq): AccessExpr[] {
  return accessesOf(eq.value);
}

/**
 * [LoweredEq] in program order → clusters: equations run in the order written (as in Devito),
 * each seeing what every equation before it wrote. Consecutive equations share one loop nest
 * unless a dependence forbids it: one reads, at a neighbouring point, a slot an earlier one of
 * the nest writes (flow: that needs the earlier sweep finished), or writes a slot an earlier one
 * reads at a neighbouring point (anti: the neighbour would see the new value). Reads and writes
 * at the point itself keep their order within the fused body (flow, anti and output alike).
 * A reduced slot (written into a field lacking a grid dimension, see ir/reduction.ts) is final
 * only after its whole nest: any read or second write of it starts a new nest.
 */
export function clusterize(eqs: readonly LoweredEq[]): LoweredEq[][] {
  const clusters: LoweredEq[][] = [];
  for (const eq of eqs) {
    const reads = readsOf(eq);
    const ownTarget = slotKey(eq.target);
    if (reads.some((r) => slotKey(r) === ownTarget && r.offsets.some((o) => o !== 0))) {
      throw new LoweringError(
        `${eq.target.key} = …: the equation reads its own target at neighbouring points, so the result would depend on loop order; write into another field (or the next time slot)`,
      );
    }
    if (isReduced(eq.target.field) && reads.some((r) => slotKey(r) === ownTarget)) {
      const missing = missingDimensions(eq.target.field).join(', ');
      throw new LoweringError(
        `${eq.increment ? 'Inc' : 'Eq'}(${eq.target.field.name}, …) accumulates over ${missing} (${eq.target.field.name} has no ${missing}) and its value reads ${eq.target.field.name}: ` +
          `every point along ${missing} would see a different partial result, which races in parallel loops; compute the value into another field first`,
      );
    }
    const current = clusters[clusters.length - 1];
    const fusible =
      current !== undefined &&
      // One nest has one set of bounds and guards: equations on different subdomains or conditions get their own.
      current[0]!.restriction?.key === eq.restriction?.key &&
      current.every((earlier) => {
        const written = slotKey(earlier.target);
        const earlierReads = readsOf(earlier);
        // A reduced slot (a target lacking a loop dimension) is final only once its whole nest ran:
        // reading it, or writing it again, at any offset needs the earlier sweep finished.
        const reducedEarlier = isReduced(earlier.target.field);
        const reducedOwn = isReduced(eq.target.field);
        const flow = reads.some((r) => slotKey(r) === written && (reducedEarlier || r.offsets.some((o) => o !== 0)));
        const anti = earlierReads.some((r) => slotKey(r) === ownTarget && (reducedOwn || r.offsets.some((o) => o !== 0)));
        const output = written === ownTarget && (reducedEarlier || reducedOwn);
        return !flow && !anti && !output;
      });
    if (fusible) current.push(eq);
    else clusters.push([eq]);
  }
  return clusters;
}
