import type { AccessExpr, FieldRef } from '../dsl/expr.ts';
import type { EquationSet } from './lower.ts';
import type { Block, Kernel, LoweredEq, LoweredSparse, Parameter, SpaceNest, SparseLoop, TimeSlot } from './types.ts';

/** What the loop tree is built from: clusters of fused equations and sparse operations, in order. */
export type Schedule = readonly (readonly (readonly LoweredEq[])[] | LoweredSparse)[];

/** Name of the variable holding `(time + offset) mod modulus`: t0, t1, tm1 (suffixed if moduli differ). */
export function timeSlotName(offset: number, modulus: number, suffixModulus: boolean): string {
  const base = offset < 0 ? `tm${-offset}` : `t${offset}`;
  return suffixModulus ? `${base}_${modulus}` : base;
}

function isRing(field: FieldRef): field is FieldRef & { timeSlots: number } {
  const withSave = field as FieldRef & { save?: number; timeSlots?: number };
  return field.isTimeFunction && withSave.save === undefined;
}

export function ringModulus(field: FieldRef): number {
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

function parametersOf(set: EquationSet): Parameter[] {
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
  params.push({ kind: 'nthreads', name: 'nthreads' }, { kind: 'timers', name: 'timers' });
  return params;
}

/** Schedule → loop tree: one space nest per cluster and one loop per sparse operation, inside a time loop when anything varies in time. */
export function buildKernel(name: string, set: EquationSet, schedule: Schedule): Kernel {
  let section = 0;
  const blocks: (SpaceNest | SparseLoop)[] = schedule.flatMap((item): (SpaceNest | SparseLoop)[] => {
    if (!Array.isArray(item)) {
      const sparse = item as LoweredSparse;
      return [{ kind: 'sparseLoop', mode: sparse.mode, sparse: sparse.sparse, field: sparse.field, expr: sparse.expr, section: section++ }];
    }
    return (item as readonly (readonly LoweredEq[])[]).map((cluster) => ({
      kind: 'spaceNest',
      dims: set.grid.dimensions,
      body: cluster.map((eq) => ({ kind: 'assign', target: eq.target, value: eq.value })),
      parallel: false,
      simd: false,
      blocked: [],
      jam: 1,
      vectorWindows: false,
      section: section++,
    }));
  });
  const sparseOps = schedule.filter((item): item is LoweredSparse => !Array.isArray(item));
  let body: Block[];
  if (set.hasTimeLoop) {
    body = [{ kind: 'timeLoop', direction: set.direction, slots: timeSlotsOf(set.accesses), body: blocks }];
  } else {
    body = blocks.map((block) => {
      if (block.kind !== 'spaceNest') throw new Error('internal: sparse operations need a time loop');
      return block;
    });
  }
  const written = [...new Set([...set.eqs.map((eq) => eq.target.field), ...sparseOps.flatMap((op) => (op.field ? [op.field.field] : []))])];
  return {
    name,
    dtype: set.dtype,
    grid: set.grid,
    fields: set.fields,
    sparses: set.sparses,
    written,
    parameters: parametersOf(set),
    preamble: [],
    body,
    timeExtents: set.timeExtents,
    sections: blocks.map((_, i) => `section${i}`),
    fixedStrides: false,
  };
}
