import { timeDimOf } from '../dsl/conditional.ts';
import { isApplyArgumentName } from '../dsl/names.ts';
import { ApplyArgumentError } from '../errors.ts';
import type { Kernel } from '../ir/types.ts';
import type { FieldWithData, SparseWithData } from './field-types.ts';

/** What `apply` accepts under a field's name: another field (or sparse set) to run the kernel on. */
export type FieldArgument = FieldWithData | SparseWithData;

/** The fields and sparse sets a call runs on, by the kernel's names: the kernel's own unless substituted. */
export interface CallFields {
  readonly fields: ReadonlyMap<string, FieldWithData>;
  readonly sparses: ReadonlyMap<string, SparseWithData>;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function hasData(value: unknown): value is Record<string, unknown> & { data: { raw: unknown; allocatedShape: readonly number[] } } {
  return isObject(value) && isObject(value.data) && ArrayBuffer.isView(value.data.raw) && Array.isArray(value.data.allocatedShape);
}

/** Why `other` cannot stand in for `field` in the compiled kernel, or undefined when it can. */
function fieldMismatch(field: FieldWithData, other: unknown): string | undefined {
  if (!hasData(other) || typeof other.isTimeFunction !== 'boolean' || !Array.isArray(other.dimensions)) {
    return `it is not a Function or TimeFunction (got ${String(other)})`;
  }
  const o = other as unknown as FieldWithData;
  if (o.isTimeFunction !== field.isTimeFunction) return `${field.name} is ${field.isTimeFunction ? 'a TimeFunction' : 'a Function'} and ${o.name} is not`;
  if (o.dtype !== field.dtype) return `its dtype is ${o.dtype}, not ${field.dtype}`;
  const dims = (f: FieldWithData): string => f.dimensions.map((d) => d.name).join(', ');
  if (dims(o) !== dims(field)) return `it spans (${dims(o)}), not (${dims(field)})`;
  if (!same(o.grid.shape, field.grid.shape)) return `its grid has shape [${o.grid.shape.join(', ')}], not [${field.grid.shape.join(', ')}]`;
  // Spacings, staggering and the snapshot dimension are compiled into the kernel's stencils and guards.
  if (!same(o.grid.spacing, field.grid.spacing)) return `its grid spacing is [${o.grid.spacing.join(', ')}], not [${field.grid.spacing.join(', ')}]`;
  if (!same(o.stagger ?? [], field.stagger ?? [])) return `it is staggered differently ([${(o.stagger ?? []).join(', ')}], not [${(field.stagger ?? []).join(', ')}])`;
  if (timeDimOf(o) !== timeDimOf(field)) return 'it follows another time dimension (timeDim)';
  if (!same(o.halo, field.halo)) return `its halo is [${o.halo.join(', ')}], not [${field.halo.join(', ')}] (give it the same spaceOrder or halo)`;
  if (o.save !== field.save) return `it saves ${o.save ?? 'no'} time indices, not ${field.save ?? 'none'}`;
  if (o.timeSlots !== field.timeSlots) return `it has ${o.timeSlots} time slots, not ${field.timeSlots} (give it the same timeOrder and buffer)`;
  if (!same(o.data.allocatedShape, field.data.allocatedShape)) {
    return `its allocation has shape [${o.data.allocatedShape.join(', ')}], not [${field.data.allocatedShape.join(', ')}] (give it the same padding)`;
  }
  return undefined;
}

/** Why `other` cannot stand in for the sparse set `sparse`, or undefined when it can. */
function sparseMismatch(sparse: SparseWithData, other: unknown): string | undefined {
  if (!hasData(other) || !(other.coordinates instanceof Float64Array)) return `it is not a SparseTimeFunction (got ${String(other)})`;
  const o = other as unknown as SparseWithData;
  if (o.dtype !== sparse.dtype) return `its dtype is ${o.dtype}, not ${sparse.dtype}`;
  if (o.npoint !== sparse.npoint || o.nt !== sparse.nt) return `it has ${o.npoint} points × ${o.nt} samples, not ${sparse.npoint} × ${sparse.nt}`;
  if (!same(o.grid.shape, sparse.grid.shape)) return `its grid has shape [${o.grid.shape.join(', ')}], not [${sparse.grid.shape.join(', ')}]`;
  // The kernel maps coordinates to grid points with its grid's origin and spacing, and its weights by kind.
  if (!same(o.grid.origin, sparse.grid.origin) || !same(o.grid.spacing, sparse.grid.spacing)) return 'its grid has another origin or spacing';
  if (JSON.stringify(o.interpolation) !== JSON.stringify(sparse.interpolation)) {
    return `its interpolation is ${JSON.stringify(o.interpolation)}, not ${JSON.stringify(sparse.interpolation)}`;
  }
  return undefined;
}

/**
 * Whether `apply` may substitute a field or sparse set of the kernel called `name`: a field named
 * like an argument of `apply` (`dt`, `nthreads`, a block size) keeps that argument's meaning.
 */
export function isFieldName(kernel: Kernel, name: string): boolean {
  if (isApplyArgumentName(name)) return false;
  return kernel.fields.some((f) => f.name === name) || kernel.sparses.some((s) => s.name === name);
}

/**
 * The fields a call runs on: `args[name]` in place of the kernel's field `name` (it must match
 * its dtype, dimensions, grid shape, halo, time slots and allocation, so the compiled strides and
 * loop bounds hold), the kernel's own otherwise. Two names may not share one array (the kernel's
 * pointers are `restrict`).
 */
export function callFields(kernel: Kernel, args: Readonly<Record<string, unknown>>): CallFields {
  const fields = new Map<string, FieldWithData>();
  const sparses = new Map<string, SparseWithData>();
  for (const field of kernel.fields as readonly FieldWithData[]) {
    const other = isFieldName(kernel, field.name) ? args[field.name] : undefined;
    const why = other === undefined ? undefined : fieldMismatch(field, other);
    if (why) throw new ApplyArgumentError(`apply: ${field.name} cannot be replaced by the argument given: ${why}; pass a field made like ${field.name}`);
    fields.set(field.name, (other as FieldWithData | undefined) ?? field);
  }
  for (const sparse of kernel.sparses as readonly SparseWithData[]) {
    const other = isFieldName(kernel, sparse.name) ? args[sparse.name] : undefined;
    const why = other === undefined ? undefined : sparseMismatch(sparse, other);
    if (why) throw new ApplyArgumentError(`apply: ${sparse.name} cannot be replaced by the argument given: ${why}; pass a sparse set made like ${sparse.name}`);
    sparses.set(sparse.name, (other as SparseWithData | undefined) ?? sparse);
  }
  const owners = new Map<unknown, string>();
  for (const [name, f] of [...fields, ...sparses]) {
    const known = owners.get(f.data.raw);
    if (known !== undefined) throw new ApplyArgumentError(`apply: ${known} and ${name} would run on the same data; give each its own field`);
    owners.set(f.data.raw, name);
  }
  return { fields, sparses };
}
