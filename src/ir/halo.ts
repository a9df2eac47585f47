import type { Dimension } from '../dsl/dimension.ts';
import type { Distributor } from '../dsl/distributor.ts';
import type { AccessExpr, FieldRef } from '../dsl/expr.ts';
import type { Grid } from '../dsl/grid.ts';
import { stencilSpan } from '../dsl/interpolation.ts';
import { LoweringError } from '../errors.ts';
import { iadd, imax, imin, isub, ivar, type IndexExpr } from './index-expr.ts';
import { isReduced, missingDimensions } from './reduction.ts';
import type { HaloSlot } from './tree.ts';
import type { LoweredEq, MpiMode, Parameter } from './types.ts';

/** Loop bounds of a nest along each grid axis. */
export type NestBounds = readonly { readonly lower: IndexExpr; readonly upper: IndexExpr }[];

/** What one step of the kernel (a nest or a sparse loop) asks of halos: slots it reads at neighbouring points, slots it writes. */
export interface HaloEffects {
  readonly reads: readonly AccessExpr[];
  readonly writes: readonly AccessExpr[];
}

const slotKeyOf = (slot: HaloSlot): string => `${slot.field.name}@${slot.timeOffset}`;

/** The field slots of accesses, once each, in first-seen order. */
function slotsOf(accesses: readonly AccessExpr[]): HaloSlot[] {
  const slots = new Map<string, HaloSlot>();
  for (const access of accesses) {
    const slot = { field: access.field, timeOffset: access.field.isTimeFunction ? access.timeOffset : 0 };
    if (!slots.has(slotKeyOf(slot))) slots.set(slotKeyOf(slot), slot);
  }
  return [...slots.values()];
}

/**
 * Where halos must be exchanged: before each step, the slots it reads at neighbouring points that
 * may have changed since their last exchange. Inside a time loop every slot of a field the kernel
 * writes (and of a TimeFunction, whose slots move with time) is stale when a step begins, and a
 * slot a step writes is stale after it; a Function the kernel never writes is exchanged once,
 * before the time loop (`before`).
 */
export function planHaloExchanges(
  steps: readonly HaloEffects[], written: ReadonlySet<string>, hasTimeLoop: boolean,
): { before: HaloSlot[]; perStep: HaloSlot[][] } {
  const constant = (field: FieldRef): boolean => hasTimeLoop && !field.isTimeFunction && !written.has(field.name);
  const before = slotsOf(steps.flatMap((step) => step.reads).filter((access) => constant(access.field)));
  const fresh = new Set<string>();
  const perStep = steps.map((step) => {
    const needed = slotsOf(step.reads.filter((access) => !constant(access.field))).filter((slot) => !fresh.has(slotKeyOf(slot)));
    needed.forEach((slot) => fresh.add(slotKeyOf(slot)));
    for (const slot of slotsOf(step.writes)) fresh.delete(slotKeyOf(slot));
    return needed;
  });
  return { before, perStep };
}

/** Reads at neighbouring points: accesses at a non-zero space offset (an interpolation reads its stencil's points: every access). */
export function neighbourReads(accesses: readonly AccessExpr[], everyAccess: boolean): AccessExpr[] {
  return accesses.filter((access) => everyAccess || access.offsets.some((offset) => offset !== 0));
}

/**
 * Checks that the exchanges can be made: each exchanged field spans every grid axis, and every
 * rank's box is at least as wide as the field's halo along each split axis (a halo is filled from
 * the nearest neighbour only). Every rank checks the narrowest box, so all refuse alike.
 */
export function checkExchanges(slots: readonly HaloSlot[], distributor: Distributor, grid: Grid): void {
  for (const { field } of slots) {
    if (isReduced(field)) {
      throw new LoweringError(`${field.name} does not span every grid dimension and is read at neighbouring points: under MPI such a field's halo cannot be exchanged; give it every dimension of the grid`);
    }
    field.halo.forEach((halo, axis) => {
      const parts = distributor.topology[axis]!;
      if (parts === 1) return;
      const narrowest = Math.floor(grid.shape[axis]! / parts);
      if (narrowest < halo) {
        throw new LoweringError(
          `the grid's ${grid.shape[axis]} points along ${grid.dimensions[axis]!.name} split over ${parts} ranks leave a rank ${narrowest} points, fewer than the halo of ${field.name} (${halo}, its stencil radius): ` +
            'use fewer ranks along that axis (Grid topology), a larger grid or a lower space order',
        );
      }
    });
  }
}

/**
 * A field lacking a dimension the grid is split along, written by an equation over the whole
 * grid, collects a value from every point along it (a sum for `Inc`): each rank would hold the
 * part of its own box only. Refused rather than silently partial.
 */
export function checkReductions(eqs: readonly LoweredEq[], distributor: Distributor): void {
  for (const eq of eqs) {
    const field = eq.target.field;
    if (!isReduced(field)) continue;
    const split = missingDimensions(field).filter((dim) => distributor.topology[dim.axis]! > 1);
    if (split.length > 0) {
      throw new LoweringError(
        `${eq.increment ? 'Inc' : 'Eq'}(${field.name}, …) collects over ${split.map((d) => d.name).join(', ')}, along which the grid is split over MPI ranks: ` +
          `each rank would hold only its own part; give ${field.name} every dimension, or a topology that does not split ${split.map((d) => d.name).join(', ')}`,
      );
    }
  }
}

/** An interpolation's stencil reaches `count - 1 + first` points past a point's cell: the halo it reads from the neighbours. */
export function checkInterpolationHalo(field: FieldRef, interpolation: Parameters<typeof stencilSpan>[0], sparseName: string): void {
  const span = stencilSpan(interpolation);
  const reach = Math.max(-span.first, span.first + span.count - 1);
  field.halo.forEach((halo, axis) => {
    if (halo < reach) {
      throw new LoweringError(`${sparseName} interpolates ${field.name}, whose halo along ${field.dimensions[axis]!.name} is ${halo}: under MPI its stencil reads ${reach} point(s) into the neighbour's box; create ${field.name} with { halo: ${reach} } or more`);
    }
  });
}

/** The kernel parameters a split grid adds: the communicator, the neighbours, the grid's bounds in the rank's indices, and in overlap mode the core's bounds. */
export function mpiParameters(grid: Grid, mode: MpiMode, splitAxes: readonly number[]): Parameter[] {
  const params: Parameter[] = [{ kind: 'comm', name: 'comm' }, { kind: 'neighbours', name: 'neighbours' }];
  for (const dim of grid.dimensions) {
    params.push({ kind: 'globalBound', name: `${dim.name}_gm`, dim, end: 'min' }, { kind: 'globalBound', name: `${dim.name}_gM`, dim, end: 'max' });
  }
  if (mode === 'overlap') {
    for (const axis of splitAxes) {
      const dim = grid.dimensions[axis]!;
      params.push({ kind: 'coreBound', name: `${dim.name}_cm`, dim, end: 'min' }, { kind: 'coreBound', name: `${dim.name}_cM`, dim, end: 'max' });
    }
  }
  return params;
}

/** Axes the grid is split along (more than one rank). */
export const splitAxesOf = (distributor: Distributor): number[] => distributor.topology.flatMap((parts, axis) => (parts > 1 ? [axis] : []));

/**
 * Overlap mode: a nest's box cut into the core (points whose stencils read no halo a neighbour
 * fills: `x_cm … x_cM` along each split axis) and the border, as slabs that cover the rest once
 * each: along the k-th split axis, the points below and above the core, inside the core along the
 * split axes before it and anywhere along those after. `base` is the nest's own bounds.
 */
export function overlapPieces(dims: readonly Dimension[], base: NestBounds, splitAxes: readonly number[]): { core: NestBounds; borders: NestBounds[] } {
  const full = (axis: number): { lower: IndexExpr; upper: IndexExpr } => base[axis]!;
  const plain = (axis: number): boolean => {
    const { lower, upper } = base[axis]!;
    const d = dims[axis]!.name;
    return lower.kind === 'var' && lower.name === `${d}_m` && upper.kind === 'var' && upper.name === `${d}_M`;
  };
  const core = (axis: number): { lower: IndexExpr; upper: IndexExpr } => {
    const d = dims[axis]!.name;
    return plain(axis) ? { lower: ivar(`${d}_cm`), upper: ivar(`${d}_cM`) } : { lower: imax(base[axis]!.lower, `${d}_cm`), upper: imin(base[axis]!.upper, `${d}_cM`) };
  };
  const below = (axis: number): { lower: IndexExpr; upper: IndexExpr } => {
    const d = dims[axis]!.name;
    return { lower: base[axis]!.lower, upper: plain(axis) ? isub(`${d}_cm`, 1) : imin(base[axis]!.upper, isub(`${d}_cm`, 1)) };
  };
  const above = (axis: number): { lower: IndexExpr; upper: IndexExpr } => {
    const d = dims[axis]!.name;
    return { lower: plain(axis) ? iadd(`${d}_cM`, 1) : imax(base[axis]!.lower, iadd(`${d}_cM`, 1)), upper: base[axis]!.upper };
  };
  const piece = (pick: (axis: number) => { lower: IndexExpr; upper: IndexExpr }): NestBounds => dims.map((_, axis) => pick(axis));
  const borders: NestBounds[] = [];
  splitAxes.forEach((split, k) => {
    const before = new Set(splitAxes.slice(0, k));
    for (const side of [below, above]) borders.push(piece((axis) => (axis === split ? side(axis) : before.has(axis) ? core(axis) : full(axis))));
  });
  return { core: piece((axis) => (splitAxes.includes(axis) ? core(axis) : full(axis))), borders };
}
