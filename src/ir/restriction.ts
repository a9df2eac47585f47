import { Condition, ConditionalDimension, timeDimOf, type ConditionOperand } from '../dsl/conditional.ts';
import type { Dimension } from '../dsl/dimension.ts';
import type { Eq } from '../dsl/eq.ts';
import { accessesOf, type AccessExpr, type Expr } from '../dsl/expr.ts';
import type { Grid } from '../dsl/grid.ts';
import { SubDomain } from '../dsl/subdomain.ts';
import { GridMismatchError, InvalidArgumentError, LoweringError } from '../errors.ts';
import { compare, conditionVariables, iadd, idiv, imax, imin, imod, int, isub, ivar, type IndexCondition, type IndexExpr } from './index-expr.ts';
import type { IndexDefinition } from './tree.ts';

/**
 * Where and when an equation runs, when not at every point of every step: the bounds of its space
 * loops (a subdomain), a guard around its loop nest evaluated once per time step (conditions on
 * time alone: every factor-th step), a guard around its statements at each point (conditions on
 * space indices or field values), and the subsampled time indices it uses (`tsub = time / 4`,
 * defined inside the step guard). Equations share a loop nest only when their restrictions are
 * equal (same `key`).
 */
export interface Restriction {
  readonly key: string;
  /** Per space axis, `lower … upper` in terms of `x_m`, `x_M` (the whole axis when undefined). */
  readonly bounds: readonly { readonly lower: IndexExpr; readonly upper: IndexExpr }[] | undefined;
  readonly step: IndexCondition | undefined;
  readonly point: IndexCondition | undefined;
  readonly indices: readonly IndexDefinition[];
}

/** The restriction of `eq` (whose lowered value is `value`) on `grid`, or undefined when it runs everywhere, always. */
export function restrictionOf(eq: Eq, value: Expr, grid: Grid): Restriction | undefined {
  const bounds = eq.subdomain === undefined ? undefined : boundsOf(resolveSubdomain(eq.subdomain, grid), grid);
  const subsampled = subsampledDimensions([eq.target, ...accessesOf(value)], grid);
  const dims = [...new Set([...eq.implicitDims, ...subsampled])];
  for (const dim of eq.implicitDims) checkParent(dim.parent, grid, `ConditionalDimension ${dim.name}`);
  const conditions = dims.map((dim) => conditionOf(dim, grid));
  const step = conjunction(conditions.filter((c) => isStepCondition(c)));
  const point = conjunction(conditions.filter((c) => !isStepCondition(c)));
  const indices: IndexDefinition[] = subsampled.map((dim) => ({ kind: 'index', name: dim.name, value: idiv('time', dim.factor!), mutable: false, slot: undefined }));
  if (bounds === undefined && step === undefined && point === undefined) return undefined;
  const key = JSON.stringify({ bounds, step: step && conditionKey(step), point: point && conditionKey(point), indices: indices.map((d) => d.name) });
  return { key, bounds, step, point, indices };
}

/** The subdomain an equation names, checked to belong to `grid`. */
function resolveSubdomain(subdomain: SubDomain | string, grid: Grid): SubDomain {
  const known = [grid.interior, ...grid.subdomains];
  if (typeof subdomain === 'string') {
    const found = known.find((s) => s.name === subdomain);
    if (!found) throw new InvalidArgumentError(`unknown subdomain "${subdomain}": the grid has ${known.map((s) => s.name).join(', ')}; pass it to new Grid({ subdomains: [...] })`);
    return found;
  }
  if (subdomain.dimensions.length > 0) {
    for (const sub of subdomain.dimensions) checkParent(sub.parent, grid, `SubDimension ${sub.name} (of subdomain ${subdomain.name})`);
    return subdomain;
  }
  if (!known.includes(subdomain)) {
    throw new GridMismatchError(
      `subdomain ${subdomain.name} is not one of the grid's (${known.map((s) => s.name).join(', ')}): it belongs to another grid or to none; ` +
        'pass it to new Grid({ subdomains: [...] }) of the grid the fields live on (or use that grid\'s interior)',
    );
  }
  return subdomain;
}

function checkParent(parent: Dimension, grid: Grid, what: string): void {
  if (parent !== grid.time && !grid.dimensions.includes(parent)) {
    throw new GridMismatchError(`${what}: its parent ${parent.name} is a dimension of another grid; build it from this grid's dimensions (grid.dimensions, grid.time)`);
  }
}

/**
 * Loop bounds of a subdomain, checked to fit the grid: `left` and `middle` count from `x_m`,
 * `right` and `middle` from `x_M` (Devito's SubDimension bounds `x_m + l … x_M - r`).
 */
function boundsOf(subdomain: SubDomain, grid: Grid): Restriction['bounds'] {
  subdomain.ranges(grid.shape, grid.dimensions.map((d) => d.name));
  if (grid.distributor !== undefined) return distributedBoundsOf(subdomain, grid);
  return grid.dimensions.map((dim) => {
    const [m, M] = [`${dim.name}_m`, `${dim.name}_M`];
    const extent = subdomain.extents[dim.name];
    switch (extent?.[0]) {
      case undefined: return { lower: ivar(m), upper: ivar(M) };
      case 'left': return { lower: ivar(m), upper: iadd(m, extent[1] - 1) };
      case 'right': return { lower: isub(M, extent[1] - 1), upper: ivar(M) };
      case 'middle': return { lower: iadd(m, extent[1]), upper: isub(M, extent[2]) };
    }
  });
}

/**
 * Under MPI a rank's loops run over its own box `x_m … x_M`; the subdomain's bounds count from
 * the grid's first and last points, `x_gm` and `x_gM` in the rank's indices, and the loop takes
 * the part of the subdomain inside the box (none, when they miss each other: an empty loop).
 */
function distributedBoundsOf(subdomain: SubDomain, grid: Grid): Restriction['bounds'] {
  return grid.dimensions.map((dim) => {
    const [m, M, gm, gM] = [`${dim.name}_m`, `${dim.name}_M`, `${dim.name}_gm`, `${dim.name}_gM`];
    const extent = subdomain.extents[dim.name];
    switch (extent?.[0]) {
      case undefined: return { lower: ivar(m), upper: ivar(M) };
      case 'left': return { lower: ivar(m), upper: imin(M, iadd(gm, extent[1] - 1)) };
      case 'right': return { lower: imax(m, isub(gM, extent[1] - 1)), upper: ivar(M) };
      case 'middle': return { lower: imax(m, iadd(gm, extent[1])), upper: imin(M, isub(gM, extent[2])) };
    }
  });
}

/** The ConditionalDimensions that index the fields `accesses` reach (TimeFunctions with `timeDim`), each at its own index only. */
function subsampledDimensions(accesses: readonly AccessExpr[], grid: Grid): ConditionalDimension[] {
  const found = new Set<ConditionalDimension>();
  for (const access of accesses) {
    const dim = timeDimOf(access.field);
    if (!dim) continue;
    if (access.timeOffset !== 0) {
      throw new LoweringError(`${access.field.name} is stored every ${dim.factor} steps (timeDim ${dim.name}); access it at its own time index (${access.field.name}), not at t${access.timeOffset > 0 ? '+' : ''}${access.timeOffset}`);
    }
    checkParent(dim.parent, grid, `timeDim ${dim.name} of ${access.field.name}`);
    found.add(dim);
  }
  return [...found];
}

/** `parent % factor == 0`, or the dimension's condition. */
function conditionOf(dim: ConditionalDimension, grid: Grid): IndexCondition {
  if (dim.factor !== undefined) return compare('==', imod(ivar(dim.parent.name), dim.factor), 0);
  return lowerCondition(dim.condition!, grid);
}

/** A DSL condition as an index condition: comparisons of indices stay integer ones, comparisons of values compare reals. */
function lowerCondition(condition: Condition, grid: Grid): IndexCondition {
  if (!(condition instanceof Condition)) throw new InvalidArgumentError(`a condition must be built with gt, lt, ge, le, eq, and, or; got ${String(condition)}`);
  if (condition.kind !== 'compare') return { kind: condition.kind, args: condition.args.map((c) => lowerCondition(c, grid)) };
  const [a, b] = condition.operands as [ConditionOperand, ConditionOperand];
  const op = condition.op!;
  if (a.kind === 'index' || b.kind === 'index') {
    const index = (o: ConditionOperand): IndexExpr => {
      if (o.kind === 'value') return int((o.expr as Expr & { value: number }).value);
      checkParent(o.dim, grid, `condition ${condition}`);
      // Conditions name global indices; under MPI a rank's index x is the global x + x_gm.
      const axis = grid.dimensions.indexOf(o.dim as (typeof grid.dimensions)[number]);
      return grid.distributor !== undefined && axis >= 0 ? isub(o.dim.name, `${o.dim.name}_gm`) : ivar(o.dim.name);
    };
    return compare(op, index(a), index(b));
  }
  return { kind: 'values', op, a: a.expr, b: b.expr };
}

/**
 * Conditions that read no index but time (and no field: a comparison of values reads its fields'
 * indices) can be decided once per step, around the whole loop nest.
 */
function isStepCondition(condition: IndexCondition): boolean {
  return [...conditionVariables(condition)].every((name) => name === 'time');
}

function conjunction(conditions: readonly IndexCondition[]): IndexCondition | undefined {
  if (conditions.length <= 1) return conditions[0];
  return { kind: 'and', args: conditions };
}

/** A text that identifies a condition (expressions by their canonical keys). */
function conditionKey(condition: IndexCondition): string {
  switch (condition.kind) {
    case 'values': return `${condition.a.key} ${condition.op} ${condition.b.key}`;
    case 'and': case 'or': return `${condition.kind}(${condition.args.map(conditionKey).join(', ')})`;
    case 'compare': return JSON.stringify(condition);
  }
}

/** The real-valued expressions a restriction's guards compare (so lowering declares their fields and scalars and checks their halos). */
export function restrictionValues(restriction: Restriction | undefined): Expr[] {
  const into: Expr[] = [];
  const visit = (c: IndexCondition | undefined): void => {
    if (c === undefined) return;
    if (c.kind === 'values') into.push(c.a, c.b);
    else if (c.kind === 'and' || c.kind === 'or') c.args.forEach(visit);
  };
  visit(restriction?.step);
  visit(restriction?.point);
  return into;
}
