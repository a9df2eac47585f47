/**
 * A fuzz program as plain data: what `build.ts` turns into devito-ts objects and what the
 * independent `reference.ts` evaluates. Nothing here imports from src/, so the reference shares
 * no code with the compiler under test.
 */

export type FuzzDtype = 'float32' | 'float64';

export interface FieldSpec {
  readonly name: string;
  /** A Function has no time axis; a TimeFunction keeps `timeOrder + 1` slots or `save` indices. */
  readonly kind: 'function' | 'time';
  readonly spaceOrder: number;
  /** 1 or 2 for TimeFunctions, 0 for Functions. */
  readonly timeOrder: number;
  /** Number of saved time indices (full history), or undefined for a ring buffer. */
  readonly save: number | undefined;
  /** Explicit halo option, or undefined for the default `spaceOrder / 2`. */
  readonly halo: number | undefined;
  readonly padding: boolean;
}

export interface ConstantSpec {
  readonly name: string;
  readonly value: number;
  /** Pass the value as an `apply` argument instead of setting `Constant.value`. */
  readonly passAtApply: boolean;
}

export interface SparseSpec {
  readonly name: string;
  /** Time samples (a SparseTimeFunction, data [nt, npoint]); undefined for a SparseFunction (data [npoint]). */
  readonly nt: number | undefined;
  readonly interpolation: 'linear' | 'nearest' | 'sinc';
  /** Points each side per axis (sinc only). */
  readonly radius: number | undefined;
  /** Physical coordinates, one row per point, all inside the domain. */
  readonly coordinates: readonly (readonly number[])[];
}

/** An access to a field: time offset (TimeFunctions only) and integer space offsets (`f.at`). */
export interface FieldRead { readonly op: 'field'; readonly name: string; readonly time: number; readonly offsets: readonly number[] }

/** Expression AST. `dim` −1 is time; `style` only picks the spelling the builder uses. */
export type Node =
  | { readonly op: 'num'; readonly value: number }
  | { readonly op: 'const'; readonly name: string }
  | FieldRead
  | { readonly op: 'sparse'; readonly name: string }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div'; readonly a: Node; readonly b: Node }
  | { readonly op: 'neg'; readonly a: Node }
  | { readonly op: 'pow'; readonly a: Node; readonly exponent: number }
  | {
    readonly op: 'deriv'; readonly a: Node; readonly dim: number; readonly order: number;
    /** The accuracy order the stencil uses (the default rule's value when `explicitFdOrder` is false). */
    readonly fdOrder: number; readonly explicitFdOrder: boolean; readonly shift: number;
    readonly style: 'sugar' | 'diff';
  }
  | { readonly op: 'laplace'; readonly a: Node; readonly fdOrder: number };

export type Statement =
  | { readonly kind: 'eq'; readonly target: string; readonly time: number; readonly rhs: Node }
  | { readonly kind: 'inject'; readonly sparse: string; readonly target: string; readonly time: number; readonly expr: Node }
  | { readonly kind: 'interpolate'; readonly sparse: string; readonly expr: Node };

export type PassName = 'factorize' | 'hoist' | 'cse' | 'blocking' | 'jam' | 'fixedStrides' | 'timeTiling' | 'openmp' | 'vectorWindows';
export const PASS_NAMES: readonly PassName[] = ['factorize', 'hoist', 'cse', 'blocking', 'jam', 'fixedStrides', 'timeTiling', 'openmp', 'vectorWindows'];

export interface Program {
  readonly seed: number;
  readonly shape: readonly number[];
  readonly extent: readonly number[];
  readonly origin: readonly number[];
  readonly dtype: FuzzDtype;
  readonly fields: readonly FieldSpec[];
  readonly constants: readonly ConstantSpec[];
  readonly sparses: readonly SparseSpec[];
  readonly statements: readonly Statement[];
  /** Inclusive time range and step; undefined when the Operator has no time loop. */
  readonly time: { readonly min: number; readonly max: number; readonly dt: number } | undefined;
  /** Backward loops write `u.backward` and run from `max` down to `min`. */
  readonly direction: 1 | -1;
  /** Pass switches given to `new Operator(eqs, { passes })` (missing ones stay on). */
  readonly passes: Readonly<Partial<Record<PassName, boolean>>>;
  /** Runtime cache-block / tile sizes, applied when the generated C takes that argument. */
  readonly blockSizes: Readonly<Record<string, number>>;
  /** Thread counts to run the same compiled Operator with. */
  readonly threads: readonly number[];
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed gives the same stream everywhere. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Number of time slots a field's data has (first axis), 0 for a Function. */
export function slotCount(field: FieldSpec): number {
  if (field.kind === 'function') return 0;
  return field.save ?? field.timeOrder + 1;
}

/** Visible data shape: slots (TimeFunctions) then the grid. */
export function dataShape(program: Program, field: FieldSpec): number[] {
  return field.kind === 'time' ? [slotCount(field), ...program.shape] : [...program.shape];
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Initial contents of a field or sparse array (dense, row-major, visible points only), already
 * rounded to the dtype so builder and reference start from identical numbers. Values in [-1, 1).
 */
export function initialValues(program: Program, name: string, length: number): Float64Array {
  let hash = program.seed >>> 0;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x9e3779b1) >>> 0;
  const rng = mulberry32(hash);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = rng() * 2 - 1;
    out[i] = program.dtype === 'float32' ? Math.fround(v) : v;
  }
  return out;
}

export function fieldInitial(program: Program, field: FieldSpec): Float64Array {
  return initialValues(program, field.name, product(dataShape(program, field)));
}

export function sparseInitial(program: Program, sparse: SparseSpec): Float64Array {
  return initialValues(program, sparse.name, (sparse.nt ?? 1) * sparse.coordinates.length);
}

export const spacingOf = (program: Program, axis: number): number => program.extent[axis]! / (program.shape[axis]! - 1);
