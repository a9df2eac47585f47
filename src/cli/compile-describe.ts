import { createHash } from 'node:crypto';
import type { Dtype } from '../dsl/dtype.ts';
import { assertNever } from '../support/assert-never.ts';
import type { Kernel, Parameter } from '../ir/types.ts';
import { sectionsOf, timeLoopOf } from '../ir/visit.ts';
import { parameterCType, parameterFfiType } from '../codegen/c-types.ts';
import type { CompiledLibrary, ResolvedTarget } from '../jit/compiler.ts';
import { fixedValue, spacingValue, timeLimits, type FieldWithData } from '../runtime/arguments.ts';

/** What `compile` needs of an Operator; duck-typed because the user's file loads its own copy of the classes. */
export interface OperatorLike {
  readonly name: string;
  readonly kernel: Kernel;
  readonly ccode: string;
  compile(): CompiledLibrary;
}

/** A field buffer the kernel takes: the whole allocation, halo included. */
export interface FieldDescription {
  readonly name: string;
  readonly kind: 'Function' | 'TimeFunction';
  readonly dtype: Dtype;
  /** Allocated shape: time slots (TimeFunction) then space axes with halo (and row padding on the last). */
  readonly allocatedShape: readonly number[];
  /** Visible shape: time slots then the grid's domain, without halo. */
  readonly domainShape: readonly number[];
  readonly halo: readonly number[];
  /** Points after the last halo point of each innermost row (rows are whole 64-byte vectors); never read. */
  readonly padding: number;
  /** Elements of the allocation (product of `allocatedShape`). */
  readonly length: number;
  readonly spaceOrder: number;
  readonly timeOrder?: number;
  /** Slots allocated on the time axis; time index t lives in slot `t mod timeSlots` unless saved. */
  readonly timeSlots?: number;
  /** When set, every time index 0 … save−1 has its own slot. */
  readonly save?: number;
  /** Time offsets the kernel reads and writes, relative to the loop's time index. */
  readonly timeOffsets?: readonly [number, number];
  readonly written: boolean;
}

/** A sparse point set: `data` is `[nt, npoint]` (`[npoint]` without a time axis), coordinates `[npoint, ndim]` float64. */
export interface SparseDescription {
  readonly name: string;
  readonly dtype: Dtype;
  readonly npoint: number;
  /** Time samples; null for a SparseFunction. */
  readonly nt: number | null;
  readonly dataShape: readonly number[];
  readonly coordinatesShape: readonly [number, number];
}

/** One C parameter, in call order, with the value the compiled configuration fixes (if any). */
export interface ParameterDescription {
  readonly name: string;
  readonly kind: Parameter['kind'];
  /** Its C type as declared in the kernel's signature (codegen's parameter table). */
  readonly ctype: string;
  /** koffi's type for it (the same table). */
  readonly ffi: string;
  /** Field or sparse set it belongs to. */
  readonly of?: string;
  /** For `scalar`: spacing, dt or constant; for `blockSize`: a cache block, the steps of a time tile or the planes of its waves. */
  readonly role?: 'spacing' | 'dt' | 'constant' | 'block' | 'timeTile' | 'wave';
  /** For `size`: the axis of the field's allocation it measures. */
  readonly axis?: number;
  /** Value fixed at compile time (sizes, bounds, origins, npoint) or the default (spacings, constants, block sizes). */
  readonly value?: number;
}

/** Everything about one compiled operator that the manifest records and the binding needs. */
export interface OperatorDescription {
  readonly name: string;
  readonly dtype: Dtype;
  readonly grid: {
    readonly shape: readonly number[];
    readonly extent: readonly number[];
    readonly origin: readonly number[];
    readonly spacing: readonly number[];
    readonly dimensions: readonly string[];
  };
  readonly parameters: readonly ParameterDescription[];
  readonly fields: readonly FieldDescription[];
  readonly sparses: readonly SparseDescription[];
  readonly sections: readonly { readonly name: string; readonly title: string }[];
  /** Null when the kernel has no time loop (it then runs once). */
  readonly time: {
    readonly direction: 1 | -1;
    /** Least `timeMin` the buffers allow; also its default when saved buffers decide the range. */
    readonly lowest: number;
    readonly timeMinDefault: number;
    /** Greatest `timeMax` saved buffers and sparse samples allow; null when unbounded. */
    readonly highest: number | null;
  } | null;
  readonly compiler: {
    readonly command: string;
    readonly flags: readonly string[];
    readonly version: string;
    /** What `-march=native` meant on the machine that compiled; null when the flags name no native target. */
    readonly target: ResolvedTarget | null;
  };
  /** Cache key of the library (C text, flags, compiler version and resolved target). */
  readonly hash: string;
  /** SHA-256 of the C text alone. */
  readonly sourceSha256: string;
}


/** Timer names with what each section does (`section0`, `update u`), read off the loop tree. */
function sectionTitles(kernel: Kernel): { name: string; title: string }[] {
  return sectionsOf(kernel).map((section) => ({ name: kernel.sections[section.id]!, title: section.title }));
}

function parameterValue(kernel: Kernel, param: Parameter): Pick<ParameterDescription, 'of' | 'role' | 'axis' | 'value'> {
  switch (param.kind) {
    case 'field': return { of: param.field.name };
    case 'size': return { of: param.field.name, axis: param.axis, value: fixedValue(kernel, param) };
    case 'spaceBound': case 'origin': case 'globalBound': case 'coreBound': return { value: fixedValue(kernel, param) };
    case 'sparseData': case 'coordinates': return { of: param.sparse.name };
    case 'npoint': return { of: param.sparse.name, value: fixedValue(kernel, param) };
    case 'scalar': {
      const { scalar } = param;
      if (scalar.role === 'spacing') return { role: 'spacing', value: spacingValue(kernel.grid, scalar.name) };
      if (scalar.role === 'dt') return { role: 'dt' };
      const value = scalar.constant?.value;
      return value === undefined ? { role: 'constant' } : { role: 'constant', value };
    }
    case 'blockSize': return { role: param.role, value: param.defaultSize };
    case 'timeBound': case 'nthreads': case 'timers': case 'comm': case 'neighbours': return {};
    default: return assertNever(param);
  }
}

function describeField(kernel: Kernel, ref: Kernel['fields'][number]): FieldDescription {
  const field = ref as FieldWithData;
  const allocatedShape = [...field.data.allocatedShape];
  const offsets = kernel.timeExtents.get(field.name);
  return {
    name: field.name,
    kind: field.isTimeFunction ? 'TimeFunction' : 'Function',
    dtype: field.dtype,
    allocatedShape,
    domainShape: [...field.data.shape],
    halo: [...field.halo],
    padding: field.padding,
    length: allocatedShape.reduce((a, b) => a * b, 1),
    spaceOrder: field.spaceOrder,
    ...(field.isTimeFunction ? { timeOrder: field.timeOrder, timeSlots: field.timeSlots! } : {}),
    ...(field.save !== undefined ? { save: field.save } : {}),
    ...(offsets ? { timeOffsets: [offsets[0], offsets[1]] as const } : {}),
    written: kernel.written.includes(ref),
  };
}

/** The time range rules of `Operator.apply`, reduced to numbers the binding can check. */
function timeRules(kernel: Kernel): OperatorDescription['time'] {
  const loop = timeLoopOf(kernel);
  if (!loop) return null;
  const { lowest, timeMinDefault, highest } = timeLimits(kernel);
  return { direction: loop.direction, lowest, timeMinDefault, highest: Number.isFinite(highest) ? highest : null };
}

/**
 * Operator plus its compiled library (which records the compiler it was built with) → a plain
 * description (JSON-ready) of its C interface, buffers and the rules its arguments must obey.
 */
export function describeOperator(op: OperatorLike, library: CompiledLibrary): OperatorDescription {
  const { kernel } = op;
  return {
    name: op.name,
    dtype: kernel.dtype,
    grid: {
      shape: [...kernel.grid.shape],
      extent: [...kernel.grid.extent],
      origin: [...kernel.grid.origin],
      spacing: [...kernel.grid.spacing],
      dimensions: kernel.grid.dimensions.map((d) => d.name),
    },
    parameters: kernel.parameters.map((param) => ({ name: param.name, kind: param.kind, ctype: parameterCType(param, kernel.dtype), ffi: parameterFfiType(param, kernel.dtype), ...parameterValue(kernel, param) })),
    fields: kernel.fields.map((field) => describeField(kernel, field)),
    sparses: kernel.sparses.map((s) => ({
      name: s.name,
      dtype: s.dtype,
      npoint: s.npoint,
      nt: s.nt ?? null,
      dataShape: s.nt === undefined ? [s.npoint] : [s.nt, s.npoint],
      coordinatesShape: [s.npoint, kernel.grid.ndim],
    })),
    sections: sectionTitles(kernel),
    time: timeRules(kernel),
    compiler: { command: library.compiler, flags: [...library.flags], version: library.compilerVersion, target: library.target },
    hash: library.hash,
    sourceSha256: createHash('sha256').update(op.ccode).digest('hex'),
  };
}
