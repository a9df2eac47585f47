import type { Dimension } from '../dsl/dimension.ts';
import { accessesOf, type AccessExpr, type FieldRef } from '../dsl/expr.ts';
import { checkExchanges, checkInterpolationHalo, checkReductions, mpiParameters, neighbourReads, overlapPieces, planHaloExchanges, splitAxesOf, type HaloEffects, type NestBounds } from './halo.ts';
import { iadd, imod, int, ivar } from './index-expr.ts';
import type { EquationSet } from './lower.ts';
import { nestDimensions } from './reduction.ts';
import { restrictionValues, type Restriction } from './restriction.ts';
import type { Expression, HaloSlot, IndexDefinition, Iteration, Node, Section, SparsePoints, TimeSlot } from './tree.ts';
import type { Kernel, LoweredEq, LoweredSparse, MpiMode, Parameter } from './types.ts';

/** What the loop tree is built from: clusters of fused equations and sparse operations, in order. */
export type Schedule = readonly (readonly (readonly LoweredEq[])[] | LoweredSparse)[];

/** Name of the variable holding `(time + offset) mod modulus`: t0, t1, tm1 (suffixed if moduli differ). */
function timeSlotName(offset: number, modulus: number, suffixModulus: boolean): string {
  const base = offset < 0 ? `tm${-offset}` : `t${offset}`;
  return suffixModulus ? `${base}_${modulus}` : base;
}

function isRing(field: FieldRef): field is FieldRef & { timeSlots: number } {
  const withSave = field as FieldRef & { save?: number; timeSlots?: number };
  return field.isTimeFunction && withSave.save === undefined;
}

function ringModulus(field: FieldRef): number {
  return (field as FieldRef & { timeSlots: number }).timeSlots;
}

function timeSlotsOf(accesses: readonly AccessExpr[]): TimeSlot[] {
  const moduli = new Set(accesses.filter((a) => isRing(a.field)).map((a) => ringModulus(a.field)));
  const slots = new Map<string, TimeSlot>();
  for (const access of accesses) {
    if (!isRing(access.field)) continue;
    const modulus = ringModulus(access.field);
    const name = timeSlotName(access.timeOffset, modulus, moduli.size > 1);
    slots.set(name, { name, modulus, offset: access.timeOffset });
  }
  return [...slots.values()].sort((a, b) => a.modulus - b.modulus || a.offset - b.offset);
}

function parametersOf(set: EquationSet, mpi: Kernel['mpi']): Parameter[] {
  const params: Parameter[] = set.fields.map((field) => ({ kind: 'field', name: `${field.name}_vec`, field }));
  for (const sparse of set.sparses) {
    params.push({ kind: 'sparseData', name: `${sparse.name}_vec`, sparse });
    params.push({ kind: 'coordinates', name: `${sparse.name}_coords`, sparse });
    params.push({ kind: 'npoint', name: `${sparse.name}_npoint`, sparse });
  }
  for (const field of set.fields) {
    // The kernel casts each buffer to a pointer-to-array type; it needs every extent but the first.
    const names = [...(field.isTimeFunction ? ['time'] : []), ...field.dimensions.map((d) => d.name)];
    for (let axis = 1; axis < names.length; axis++) {
      params.push({ kind: 'size', name: `${field.name}_${names[axis]}_size`, field, axis });
    }
  }
  if (set.hasTimeLoop) {
    params.push({ kind: 'timeBound', name: 'time_m' }, { kind: 'timeBound', name: 'time_M' });
  }
  for (const dim of set.grid.dimensions) {
    params.push({ kind: 'spaceBound', name: `${dim.name}_m`, dim, end: 'min' });
    params.push({ kind: 'spaceBound', name: `${dim.name}_M`, dim, end: 'max' });
  }
  if (set.sparses.length > 0) {
    for (const dim of set.grid.dimensions) params.push({ kind: 'origin', name: `o_${dim.name}`, dim });
  }
  for (const scalar of set.scalars) params.push({ kind: 'scalar', name: scalar.name, scalar });
  if (mpi && set.grid.distributor) params.push(...mpiParameters(set.grid, mpi.mode, splitAxesOf(set.grid.distributor)));
  params.push({ kind: 'nthreads', name: 'nthreads' }, { kind: 'timers', name: 'timers' });
  return params;
}

/** `for (int d = d_m; d <= d_M; d += 1)` over a space dimension (or a subdomain's part of it). */
function spaceIteration(dim: Dimension, body: readonly Node[], bounds = { lower: ivar(`${dim.name}_m`), upper: ivar(`${dim.name}_M`) }): Iteration {
  return {
    kind: 'iteration', index: dim.name, role: 'space', dim, lower: bounds.lower, upper: bounds.upper,
    exclusive: false, direction: 1, step: int(1), parallel: undefined, simd: false, jam: 1, body,
  };
}

/**
 * A loop nest over every space dimension (outermost first) around the cluster's equations; a
 * restricted cluster's loops have its subdomain's bounds and its statements its point guard.
 */
function nestOf(dims: readonly Dimension[], cluster: readonly LoweredEq[], piece?: NestBounds): Iteration {
  const statements: Expression[] = cluster.map((eq) => ({ kind: 'expression', op: eq.increment ? 'increment' : 'assign', target: eq.target, value: eq.value, shifts: {} }));
  const { point } = cluster[0]!.restriction ?? {};
  const bounds = piece ?? cluster[0]!.restriction?.bounds;
  const innermost: Node[] = point ? [{ kind: 'guard', condition: point, body: statements }] : statements;
  // Subdomain bounds are per grid axis; a reduction's nest may leave some axes out or reorder them.
  return dims.reduceRight<Iteration | undefined>((inner, dim) => spaceIteration(dim, inner ? [inner] : innermost, bounds?.[dim.axis]), undefined)!;
}

/** A section, inside its cluster's step guard (with the subsampled indices it uses) when it has one. */
function guardedSection(section: Section, restriction: Restriction | undefined): Node {
  if (!restriction?.step) return section;
  return { kind: 'guard', condition: restriction.step, body: [...restriction.indices, section] };
}

/** `const int t1 = (time + 1) % 3;` */
function slotDefinition(slot: TimeSlot): IndexDefinition {
  const shift = ((slot.offset % slot.modulus) + slot.modulus) % slot.modulus;
  return { kind: 'index', name: slot.name, value: imod(iadd('time', shift), slot.modulus), mutable: false, slot };
}

function sparseTitle(sparse: LoweredSparse): string {
  return sparse.mode === 'inject' ? `inject ${sparse.sparse.name} into ${sparse.field!.field.name}` : `interpolate into ${sparse.sparse.name}`;
}

/** A cluster's nest or a sparse loop, built on demand (overlap mode builds a nest once per piece of the box). */
interface KernelStep {
  /** The step's node; a nest built for a piece of the box (overlap mode) is titled with the piece's name. */
  readonly build: (piece?: NestBounds, pieceName?: string) => Node;
  /** What it asks of halos under MPI (worked out only on a split grid). */
  readonly effects: () => HaloEffects;
  readonly nest: { readonly dims: Dimension[]; readonly cluster: readonly LoweredEq[] } | undefined;
}

/**
 * Schedule → loop tree: a timed section per cluster (a loop nest over the grid) and per sparse
 * operation (a loop over its points), inside a time loop when anything varies in time. On a grid
 * split over MPI ranks, a timed halo exchange before each step that reads stale halos (see
 * ir/halo.ts); in `overlap` mode a nest after one is built for the core while the messages
 * travel, then for the border slabs once they arrived.
 */
export function buildKernel(name: string, set: EquationSet, schedule: Schedule, mpiMode: MpiMode = 'basic'): Kernel {
  let id = 0;
  const distributor = set.grid.distributor;
  const sparseOps = schedule.filter((item): item is LoweredSparse => !Array.isArray(item));
  const written = [...new Set([...set.eqs.map((eq) => eq.target.field), ...sparseOps.flatMap((op) => (op.field ? [op.field.field] : []))])];
  // One step per cluster nest or sparse loop, with what it asks of halos under MPI.
  const steps = schedule.flatMap((item): KernelStep[] => {
    if (!Array.isArray(item)) {
      const sparse = item as LoweredSparse;
      const points: SparsePoints = {
        kind: 'sparse', mode: sparse.mode, sparse: sparse.sparse, field: sparse.field, expr: sparse.expr,
        // Injection runs serially (points may share corners, and a fixed order keeps results
        // independent of the thread count); each interpolated point writes only its own sample.
        parallel: sparse.mode === 'interpolate', wave: undefined, planes: undefined,
      };
      return [{
        build: () => ({ kind: 'section', id: id++, title: sparseTitle(sparse), body: [points] }) as Node,
        effects: () => {
          const reads = neighbourReads(accessesOf(sparse.expr), sparse.mode === 'interpolate');
          if (sparse.mode === 'interpolate') for (const access of reads) checkInterpolationHalo(access.field, sparse.sparse.interpolation, sparse.sparse.name);
          return { reads, writes: sparse.field ? [sparse.field] : [] };
        },
        nest: undefined,
      }];
    }
    return (item as readonly (readonly LoweredEq[])[]).map((cluster): KernelStep => {
      const dims = nestDimensions(set.grid.dimensions, cluster);
      const build = (piece?: NestBounds, pieceName?: string): Node => {
        const section: Section = {
          kind: 'section',
          id: id++,
          title: `update ${[...new Set(cluster.map((eq) => eq.target.field.name))].join(', ')}${pieceName ? ` (${pieceName})` : ''}`,
          body: [nestOf(dims, cluster, piece)],
        };
        return guardedSection(section, cluster[0]!.restriction);
      };
      const effects = (): HaloEffects => ({
        reads: neighbourReads(cluster.flatMap((eq) => [...accessesOf(eq.value), ...restrictionValues(eq.restriction).flatMap((value) => accessesOf(value))]), false),
        writes: cluster.map((eq) => eq.target),
      });
      return { build, effects, nest: { dims, cluster } };
    });
  });

  let mpi: Kernel['mpi'];
  let before: Node[] = [];
  let nodes: Node[];
  if (!distributor) {
    nodes = steps.map((step) => step.build());
  } else {
    const plan = planHaloExchanges(steps.map((step) => step.effects()), new Set(written.map((f) => f.name)), set.hasTimeLoop);
    const exchanged = [...plan.before, ...plan.perStep.flat()];
    checkExchanges(exchanged, distributor, set.grid);
    checkReductions(set.eqs, distributor);
    const splitAxes = splitAxesOf(distributor);
    const reach = set.grid.dimensions.map((_, axis) => Math.max(0, ...exchanged.map((slot) => slot.field.halo[slot.field.dimensions.findIndex((d) => d.axis === axis)] ?? 0)));
    mpi = { mode: mpiMode, reach };
    let exchange = 0;
    const haloSection = (slots: readonly HaloSlot[], phase: 'start' | 'wait' | 'both', exchangeId: number): Node => ({
      kind: 'section', id: id++, title: `halo ${phase === 'wait' ? 'wait' : 'exchange'} ${slots.map((slot) => slot.field.name).join(', ')}`,
      body: [{ kind: 'halo', id: exchangeId, phase, slots }],
    });
    if (plan.before.length > 0) before = [haloSection(plan.before, 'both', exchange++)];
    nodes = steps.flatMap((step, i) => {
      const slots = plan.perStep[i]!;
      if (slots.length === 0) return [step.build()];
      const exchangeId = exchange++;
      // Overlap: the core while the messages fly, then the border once they arrived.
      if (mpiMode === 'overlap' && step.nest && splitAxes.length > 0) {
        const { dims, cluster } = step.nest;
        const base = cluster[0]!.restriction?.bounds ?? set.grid.dimensions.map((dim) => ({ lower: ivar(`${dim.name}_m`), upper: ivar(`${dim.name}_M`) }));
        const { core, borders } = overlapPieces(set.grid.dimensions, base, splitAxes.filter((axis) => dims.some((d) => d.axis === axis)));
        const start = haloSection(slots, 'start', exchangeId);
        const coreNest = step.build(core, 'core: no halo read');
        const wait = haloSection(slots, 'wait', exchangeId);
        return [start, coreNest, wait, ...borders.map((piece) => step.build(piece, 'border'))];
      }
      return [haloSection(slots, 'both', exchangeId), step.build()];
    });
  }
  let body: Node[] = nodes;
  if (set.hasTimeLoop) {
    const time: Iteration = {
      kind: 'iteration', index: 'time', role: 'time', dim: set.grid.time, lower: ivar('time_m'), upper: ivar('time_M'),
      exclusive: false, direction: set.direction, step: int(1), parallel: undefined, simd: false, jam: 1,
      body: [...timeSlotsOf(set.accesses).map(slotDefinition), ...nodes],
    };
    body = [...before, time];
  } else {
    body = [...before, ...nodes];
  }
  return {
    name,
    dtype: set.dtype,
    grid: set.grid,
    fields: set.fields,
    sparses: set.sparses,
    written,
    parameters: parametersOf(set, mpi),
    preamble: [],
    body,
    timeExtents: set.timeExtents,
    // One timer per section: ids run 0 … id − 1.
    sections: Array.from({ length: id }, (_, i) => `section${i}`),
    fixedStrides: false,
    ...(mpi ? { mpi } : {}),
  };
}
