import { accessesOf, type AccessExpr, type FieldRef } from '../dsl/expr.ts';
import type { EquationSet } from './lower.ts';
import { timeExtentsOf } from './lower.ts';
import type { Block, Kernel, LoweredEq, Parameter, SpaceNest, TimeSlot } from './types.ts';

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
  for (const scalar of set.scalars) params.push({ kind: 'scalar', name: scalar.name, scalar });
  params.push({ kind: 'nthreads', name: 'nthreads' }, { kind: 'timers', name: 'timers' });
  return params;
}

/** Clusters → loop tree: one space nest per cluster, inside a time loop when fields vary in time. */
export function buildKernel(name: string, set: EquationSet, clusters: readonly (readonly LoweredEq[])[]): Kernel {
  const nests: SpaceNest[] = clusters.map((cluster, section) => ({
    kind: 'spaceNest',
    dims: set.grid.dimensions,
    body: cluster.map((eq) => ({ kind: 'assign', target: eq.target, value: eq.value })),
    parallel: false,
    simd: false,
    section,
  }));
  const accesses = set.eqs.flatMap((eq) => accessesOf(eq.value, [eq.target]));
  const body: Block[] = set.hasTimeLoop
    ? [{ kind: 'timeLoop', direction: set.direction, slots: timeSlotsOf(accesses), body: nests }]
    : nests;
  const written = [...new Set(set.eqs.map((eq) => eq.target.field))];
  return {
    name,
    dtype: set.dtype,
    grid: set.grid,
    fields: set.fields,
    written,
    parameters: parametersOf(set),
    preamble: [],
    body,
    timeExtents: timeExtentsOf(accesses),
    sections: nests.map((_, i) => `section${i}`),
  };
}
