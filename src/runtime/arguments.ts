import { availableParallelism } from 'node:os';
import { timeDimOf } from '../dsl/conditional.ts';
import { assertNever } from '../support/assert-never.ts';
import type { Grid } from '../dsl/grid.ts';
import { firstOutside } from '../dsl/points.ts';
import { checkOptionKeys } from '../dsl/options.ts';
import { domainOf } from '../dsl/sparse.ts';
import { ApplyArgumentError } from '../errors.ts';
import type { Kernel, Parameter } from '../ir/types.ts';
import type { FieldWithData, SparseWithData } from './field-types.ts';
import { callFields, isFieldName, type CallFields, type FieldArgument } from './substitution.ts';

/** Arguments of `Operator.apply`: the time range (inclusive), `dt`, thread count and constants. */
export interface ApplyArgs {
  /** First time index updated (default: the least index whose reads stay in range, usually 0). */
  readonly timeMin?: number;
  /** Last time index updated, inclusive (default for saved buffers: the last one that fits). */
  readonly timeMax?: number;
  readonly dt?: number;
  /** OpenMP threads (default: `OMP_NUM_THREADS`, else every core). */
  readonly nthreads?: number;
  /** Try a few cache-block shapes on the first call and keep the fastest (cached on disk). */
  readonly autotune?: boolean;
  /**
   * Values of Constants, by name (override `Constant.value`); block sizes as `x0_blk0_size`;
   * under a field's (or sparse set's) name, another one made like it to run the kernel on.
   */
  readonly [name: string]: number | boolean | FieldArgument | undefined;
}

export type { FieldWithData, SparseWithData } from './field-types.ts';

/** Parameters whose value the kernel alone decides: buffer extents, loop bounds, grid origins, point counts. */
export type FixedParameter = Extract<Parameter, { readonly kind: 'size' | 'spaceBound' | 'origin' | 'npoint' | 'globalBound' | 'coreBound' }>;

/** The value of a parameter the kernel alone decides (what `apply` passes, what `compile` records). */
export function fixedValue(kernel: Kernel, param: FixedParameter): number {
  switch (param.kind) {
    case 'size': return (param.field as FieldWithData).data.allocatedShape[param.axis]!;
    case 'spaceBound': return param.end === 'min' ? 0 : kernel.grid.localShape[param.dim.axis]! - 1;
    case 'origin': return kernel.grid.origin[param.dim.axis]!;
    case 'npoint': return param.sparse.npoint;
    case 'globalBound': {
      const distributor = kernel.grid.distributor!;
      const offset = distributor.offsets[param.dim.axis]!;
      return param.end === 'min' ? -offset : distributor.globalShape[param.dim.axis]! - 1 - offset;
    }
    case 'coreBound': return coreBounds(kernel, param.dim.axis)[param.end === 'min' ? 0 : 1];
    default: return assertNever(param);
  }
}

/**
 * Overlap mode: the first and last point along `axis` whose stencils read no halo a neighbour
 * fills (the box shrunk by the stencils' reach on each side that has a neighbour); when the box is
 * narrower than both reaches, an empty core (`last = first − 1`) and the border covers it all.
 */
function coreBounds(kernel: Kernel, axis: number): [number, number] {
  const distributor = kernel.grid.distributor!;
  const reach = kernel.mpi!.reach[axis]!;
  const last = distributor.localShape[axis]! - 1;
  const first = distributor.hasNeighbour(axis, -1) ? Math.min(reach, last + 1) : 0;
  return [first, Math.max(distributor.hasNeighbour(axis, 1) ? last - reach : last, first - 1)];
}


/** The grid spacing a spacing scalar (e.g. `h_x`) stands for. */
export function spacingValue(grid: Grid, name: string): number {
  return grid.spacing[grid.dimensions.findIndex((d) => d.spacingName === name)]!;
}

/** Re-checks coordinates (users may edit the array in place) so no point indexes outside the grid. */
function checkCoordinates(kernel: Kernel, sparses: Iterable<SparseWithData>): void {
  const [lo, hi] = domainOf(kernel.grid);
  for (const sparse of sparses) {
    const outside = firstOutside(sparse.coordinates, lo, hi);
    if (outside) {
      throw new ApplyArgumentError(
        `apply: ${sparse.name} point ${outside.point} has ${outside.axis} = ${outside.value}, outside the domain [${outside.lo}, ${outside.hi}]; move it inside the grid`,
      );
    }
  }
}

/** Everything the call needs, validated: values in parameter order plus bookkeeping. */
export interface PreparedCall {
  readonly values: unknown[];
  readonly timers: Float64Array;
  /** The time range run (undefined for kernels without a time loop). */
  readonly timeMin: number | undefined;
  readonly timeMax: number | undefined;
  readonly timesteps: number;
  readonly nthreads: number;
  /** The fields and sparse sets the call runs on: the kernel's own, or substitutes given by name. */
  readonly fields: CallFields;
}

const RESERVED = new Set(['timeMin', 'timeMax', 'dt', 'nthreads', 'autotune']);

/**
 * Largest time index, tile or block size `apply` accepts: the kernel computes indices in C `int`
 * (at most 2³¹ − 1) and adds time offsets and tile sizes to them, so 2³⁰ leaves room for both
 * (a billion steps; beyond it the loop bounds would wrap and the kernel run no step, or forever).
 */
export const MAX_INDEX = 2 ** 30;

/**
 * Most OpenMP threads `apply` starts. libgomp gives each thread its own stack; tens of thousands
 * of them exhaust the address space and crash the process (16,384 did), and beyond the cores
 * more threads only slow the kernel down (`apply` warns once when they exceed them).
 */
export const MAX_THREADS = 1024;

function integerArg(args: ApplyArgs, name: string): number | undefined {
  const value = args[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new ApplyArgumentError(`apply: ${name} must be a number, got ${String(value)}`);
  if (!Number.isInteger(value)) throw new ApplyArgumentError(`apply: ${name} must be an integer, got ${value}`);
  return value;
}

export function defaultThreads(): number {
  const env = Number(process.env.OMP_NUM_THREADS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

/** `args` itself checked: `apply` takes an object (or nothing). */
export function checkArgsObject(args: unknown): ApplyArgs {
  if (args === undefined) return {};
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ApplyArgumentError(`apply: pass an object of arguments, e.g. { timeMax: 100, dt: 0.5 }, got ${args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args}`);
  }
  return args as ApplyArgs;
}

/** The thread count `args` asks for (else the default), checked against 1 … MAX_THREADS. */
export function threadsOf(args: ApplyArgs): number {
  const nthreads = integerArg(args, 'nthreads') ?? defaultThreads();
  if (nthreads < 1 || nthreads > MAX_THREADS) {
    throw new ApplyArgumentError(`apply: nthreads must be between 1 and ${MAX_THREADS}, got ${nthreads}${nthreads > MAX_THREADS ? ` (this machine has ${availableParallelism()} cores)` : ''}`);
  }
  return nthreads;
}

let warnedThreads = false;

/** The warning for `nthreads` above the cores this process may use, or undefined. */
export function threadsWarning(nthreads: number): string | undefined {
  const cores = availableParallelism();
  if (nthreads <= cores) return undefined;
  return `${nthreads} threads on ${cores} core${cores === 1 ? '' : 's'}: the kernels run several times slower oversubscribed; use at most ${cores} threads`;
}

/**
 * Says once per process (through `emit`, by default `process.emitWarning`) that `nthreads`
 * exceeds the cores; the command line passes its own one-line printer, and `apply` then stays quiet.
 */
export function warnThreadsOnce(nthreads: number, emit: (message: string) => void = (message) => process.emitWarning(message, 'DevitoThreadsWarning')): void {
  const message = threadsWarning(nthreads);
  if (message === undefined || warnedThreads) return;
  warnedThreads = true;
  emit(message);
}

/** The time indices a kernel's buffers allow, as `apply` (and the generated bindings) enforce them. */
export interface TimeLimits {
  /** Least `timeMin`: only saved buffers forbid reading before index 0 (ring buffers wrap). */
  readonly lowest: number;
  /** `timeMin` when none is given: with saved buffers, the least index whose reads (ring buffers' too) stay >= 0; else 0. */
  readonly timeMinDefault: number;
  /** Greatest `timeMax` saved buffers and sparse samples allow; Infinity when unbounded. */
  readonly highest: number;
}

/** The time limits of `kernel`'s buffers and sparse samples (see `TimeLimits`). */
export function timeLimits(kernel: Kernel): TimeLimits {
  let lowest = 0;
  let savedLowest = 0;
  let highest = Infinity;
  let saved = false;
  for (const field of kernel.fields as readonly FieldWithData[]) {
    if (field.save !== undefined) saved = true;
    const extent = kernel.timeExtents.get(field.name);
    if (!extent) continue;
    lowest = Math.max(lowest, -extent[0]);
    if (field.save !== undefined) {
      savedLowest = Math.max(savedLowest, -extent[0]);
      const factor = timeDimOf(field)?.factor;
      // A subsampled field stores index t / factor: its last level is written at t = factor·(save − 1) … factor·save − 1.
      highest = Math.min(highest, factor === undefined ? field.save - 1 - extent[1] : factor * field.save - 1);
    }
  }
  for (const { nt } of kernel.sparses) if (nt !== undefined) highest = Math.min(highest, nt - 1);
  return { lowest: savedLowest, timeMinDefault: saved ? lowest : 0, highest };
}

/** The time range to run: explicit, or the widest one the saved buffers allow. */
function timeRange(kernel: Kernel, args: ApplyArgs): [number, number] {
  const { timeMinDefault, highest } = timeLimits(kernel);
  const timeMin = integerArg(args, 'timeMin') ?? timeMinDefault;
  const timeMax = integerArg(args, 'timeMax') ?? (Number.isFinite(highest) ? highest : undefined);
  if (timeMax === undefined) {
    throw new ApplyArgumentError(`apply: give timeMax (the last time index to update, inclusive); ${kernel.name} has no saved buffer to infer it from`);
  }
  checkTimeRange(kernel, timeMin, timeMax);
  return [timeMin, timeMax];
}

/** Throws unless every buffer the kernel touches holds the time indices `timeMin … timeMax` need. */
export function checkTimeRange(kernel: Kernel, timeMin: number, timeMax: number): void {
  if (!Number.isInteger(timeMin) || !Number.isInteger(timeMax)) {
    throw new ApplyArgumentError(`apply: timeMin and timeMax must be integers, got ${timeMin} and ${timeMax}`);
  }
  if (timeMin < 0) throw new ApplyArgumentError(`apply: timeMin must be >= 0, got ${timeMin}`);
  if (timeMax > MAX_INDEX) {
    throw new ApplyArgumentError(`apply: timeMax ${timeMax} is beyond the ${MAX_INDEX} (2^30) time indices a kernel can count in C int; run fewer steps`);
  }
  if (timeMin > timeMax) throw new ApplyArgumentError(`apply: timeMin (${timeMin}) is greater than timeMax (${timeMax}); give timeMin <= timeMax`);
  // NOTE: runs before every bound kernel call (checkpointing's hot path): no allocation here.
  for (const field of kernel.fields as readonly FieldWithData[]) {
    if (field.save === undefined) continue;
    const [lo, hi] = kernel.timeExtents.get(field.name)!;
    const factor = timeDimOf(field)?.factor;
    if (factor !== undefined) {
      const last = Math.floor(timeMax / factor);
      if (last > field.save! - 1) {
        throw new ApplyArgumentError(
          `apply: time steps ${timeMin}…${timeMax} write snapshot ${last} of ${field.name} (every ${factor}-th step), but it saves only ${field.save} (0…${field.save! - 1}); ` +
            `create it with save >= ${last + 1} or use timeMax <= ${factor * field.save! - 1}`,
        );
      }
      continue;
    }
    if (timeMin + lo < 0) {
      throw new ApplyArgumentError(`apply: ${field.name} would be read at time index ${timeMin + lo}; use timeMin >= ${-lo}`);
    }
    if (timeMax + hi > field.save! - 1) {
      throw new ApplyArgumentError(
        `apply: timeMax ${timeMax} reaches time index ${timeMax + hi} of ${field.name}, which saves only indices 0…${field.save! - 1}; use timeMax <= ${field.save! - 1 - hi} or a larger save`,
      );
    }
  }
  for (const { name, nt } of kernel.sparses) {
    if (nt !== undefined && timeMax > nt - 1) {
      throw new ApplyArgumentError(`apply: timeMax ${timeMax} is beyond ${name}'s ${nt} time samples (0…${nt - 1}); use timeMax <= ${nt - 1}`);
    }
  }
}

/** Validates `args` against the kernel and lays out the C arguments; no C runs here. */
export function prepareCall(kernel: Kernel, given: ApplyArgs, blockSizes: Readonly<Record<string, number>> = {}): PreparedCall {
  const args = checkArgsObject(given);
  const numeric = new Set(
    kernel.parameters.filter((p) => (p.kind === 'scalar' && p.scalar.role === 'constant') || p.kind === 'blockSize').map((p) => p.name),
  );
  // Besides the scalars, a field's or sparse set's name substitutes another of its kind (apply({ u: other })).
  const substitutable = [...kernel.fields, ...kernel.sparses].map((f) => f.name).filter((name) => isFieldName(kernel, name));
  checkOptionKeys(`apply (${kernel.name})`, args, [...RESERVED, ...numeric, ...substitutable], ApplyArgumentError, 'argument');
  for (const [key, value] of Object.entries(args)) {
    if (isFieldName(kernel, key)) continue;
    if (key === 'autotune') {
      if (value !== undefined && typeof value !== 'boolean') throw new ApplyArgumentError(`apply: autotune must be true or false, got ${String(value)}`);
      continue;
    }
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new ApplyArgumentError(`apply: ${key} must be a finite number, got ${String(value)}`);
    }
  }
  const called = callFields(kernel, args);
  const { fields, sparses } = called;
  checkCoordinates(kernel, sparses.values());
  const hasTime = kernel.parameters.some((p) => p.kind === 'timeBound');
  const [timeMin, timeMax] = hasTime ? timeRange(kernel, args) : [0, 0];
  const nthreads = threadsOf(args);
  const timers = new Float64Array(Math.max(kernel.sections.length, 1));

  const values = kernel.parameters.map((param): unknown => {
    switch (param.kind) {
      case 'field': return fields.get(param.field.name)!.data.raw;
      case 'timeBound': return param.name === 'time_m' ? timeMin : timeMax;
      // Sizes come from the kernel's own fields, whose layout fixed strides were printed from
      // (ir/types.ts allocatedExtent uses the same dsl layout rule): they cannot disagree.
      case 'size': case 'spaceBound': case 'origin': case 'npoint': return fixedValue(kernel, param);
      case 'nthreads': return nthreads;
      case 'timers': return timers;
      case 'sparseData': return sparses.get(param.sparse.name)!.data.raw;
      case 'coordinates': return sparses.get(param.sparse.name)!.coordinates;
      case 'blockSize': {
        const size = integerArg(args, param.name) ?? blockSizes[param.name] ?? param.defaultSize;
        if (size < 1 || size > MAX_INDEX) throw new ApplyArgumentError(`apply: ${param.name} must be an integer between 1 and ${MAX_INDEX} (2^30), got ${size}`);
        return size;
      }
      case 'scalar': {
        const { scalar } = param;
        if (scalar.role === 'spacing') return spacingValue(kernel.grid, scalar.name);
        if (scalar.role === 'dt') {
          const dt = args.dt;
          if (dt === undefined) throw new ApplyArgumentError(`apply: ${kernel.name} uses the time step; pass dt (e.g. { dt: 0.5 })`);
          if (!(dt > 0)) throw new ApplyArgumentError(`apply: dt must be positive, got ${dt}`);
          return dt;
        }
        const given = args[scalar.name];
        const value = typeof given === 'number' ? given : scalar.constant?.value;
        if (value === undefined) {
          throw new ApplyArgumentError(`apply: Constant ${scalar.name} has no value; set ${scalar.name}.value or pass { ${scalar.name}: … }`);
        }
        // `value` is a public field: it may have changed since the Constant checked it.
        if (typeof value !== 'number' || !Number.isFinite(kernel.dtype === 'float32' ? Math.fround(value) : value)) {
          throw new ApplyArgumentError(`apply: Constant ${scalar.name} is ${String(value)}, not a finite ${kernel.dtype} number; set ${scalar.name}.value to one`);
        }
        return value;
      }
      case 'globalBound': case 'coreBound': return fixedValue(kernel, param);
      case 'comm': return kernel.grid.distributor!.comm.handle;
      case 'neighbours': return kernel.grid.distributor!.neighbours;
      default:
        return assertNever(param);
    }
  });
  return {
    values,
    timers,
    timeMin: hasTime ? timeMin : undefined,
    timeMax: hasTime ? timeMax : undefined,
    timesteps: hasTime ? timeMax - timeMin + 1 : 1,
    nthreads,
    fields: called,
  };
}
