import type { Dimension } from '../dsl/dimension.ts';
import type { AccessExpr, Expr, FieldRef, SparseRef, TempExpr } from '../dsl/expr.ts';
import type { IndexCondition, IndexExpr } from './index-expr.ts';

/**
 * The loop tree (as Devito's Iteration/Expression tree): what lowering builds, what the passes
 * rewrite and what codegen prints node by node. Nodes are immutable plain data with a `kind`;
 * every consumer dispatches with an exhaustive `switch` (see `ir/visit.ts`).
 */
export type Node =
  | Iteration
  | Expression
  | IndexDefinition
  | Guard
  | Continue
  | Section
  | ParallelRegion
  | SparsePoints
  | VectorLoop
  | WaveOrder
  | Free
  | Comment
  | HaloExchange;

/** What a loop walks: its role decides nothing in codegen, it tells passes and the verifier what the index is. */
export type IterationRole =
  | 'time'
  | 'space'
  /** Cache blocks of a space dimension (index `x0_blk0`, step the runtime block size). */
  | 'block'
  /** Time tiles (index `time_tile`), their steps (`tile_step`) and the waves along x (`x_wave`). */
  | 'timeTile'
  | 'tileStep'
  | 'wave';

/** OpenMP work sharing of a loop: `parallel for` (or `for` inside a region), collapsed over `collapse` loops. */
export interface Parallel {
  readonly collapse: number;
  /** `for simd` on one loop that is both the parallel and the vector loop (1D nests). */
  readonly simd: boolean;
}

/**
 * `for (int index = lower; index <= upper; index += step)`, or downwards from `upper` when
 * `direction` is −1. Without `lower` the loop continues from the index's current value (a
 * mutable {@link IndexDefinition} before it: the jammed loop and its remainder share one index).
 */
export interface Iteration {
  readonly kind: 'iteration';
  readonly index: string;
  readonly role: IterationRole;
  /** The dimension walked, for `time` and `space` loops and the blocks of a space dimension. */
  readonly dim: Dimension | undefined;
  readonly lower: IndexExpr | undefined;
  readonly upper: IndexExpr;
  /** `<` instead of `<=` (counts from zero). */
  readonly exclusive: boolean;
  readonly direction: 1 | -1;
  readonly step: IndexExpr;
  readonly parallel: Parallel | undefined;
  /** `#pragma omp simd`. */
  readonly simd: boolean;
  /** Unroll-and-jam: this many neighbouring points share each pass of the body (`step` equals it). */
  readonly jam: number;
  readonly body: readonly Node[];
}

/**
 * `const real name = value;` (define), `target = value;` (assign) or `target += value;`
 * (increment) at the point of the enclosing loops, moved by `shifts` along named dimensions
 * (the copies of an unrolled-and-jammed body compute the next points).
 */
export interface Expression {
  readonly kind: 'expression';
  readonly op: 'define' | 'assign' | 'increment';
  readonly target: AccessExpr | TempExpr;
  readonly value: Expr;
  readonly shifts: Readonly<Record<string, number>>;
}

/** `const int name = value;`, or `int name = value;` when `mutable`. A ring-buffer slot says which. */
export interface IndexDefinition {
  readonly kind: 'index';
  readonly name: string;
  readonly value: IndexExpr;
  readonly mutable: boolean;
  readonly slot: TimeSlot | undefined;
}

/** A ring-buffer slot index: `(time + offset) mod modulus`, named once per time step. */
export interface TimeSlot {
  readonly name: string;
  readonly modulus: number;
  readonly offset: number;
}

/** `if (condition) { body }` (a body that is one `continue` prints on one line). */
export interface Guard {
  readonly kind: 'guard';
  readonly condition: IndexCondition;
  readonly body: readonly Node[];
}

export interface Continue {
  readonly kind: 'continue';
}

/** A timed part of the kernel: `timers[id]` accumulates the seconds its body takes. */
export interface Section {
  readonly kind: 'section';
  readonly id: number;
  /** What it does, for the C comments: `update u`, `inject src into u`. */
  readonly title: string;
  readonly body: readonly Node[];
}

/** `#pragma omp parallel`: the threads start once and the loops inside are only shared out among them. */
export interface ParallelRegion {
  readonly kind: 'region';
  readonly body: readonly Node[];
}

/**
 * A loop over the points of a sparse set, visiting the grid points of each one's stencil with
 * the weights of the set's interpolation (`sparse.interpolation`: the 2^d corners around it,
 * multilinear; the nearest one; or 2·radius per axis, Kaiser-windowed sinc); points are
 * located in double precision from physical coordinates.
 */
export interface SparsePoints {
  readonly kind: 'sparse';
  readonly mode: 'inject' | 'interpolate';
  readonly sparse: SparseRef;
  /** The field injected into (inject only). */
  readonly field: AccessExpr | undefined;
  readonly expr: Expr;
  /** Points are shared out among threads (interpolation: each point writes only its own sample). */
  readonly parallel: boolean;
  /** Only the points a {@link WaveOrder} placed in planes `lower … upper` of its dimension, in that order. */
  readonly wave: { readonly dim: Dimension; readonly lower: IndexExpr; readonly upper: IndexExpr } | undefined;
  /**
   * Injection only into the planes `lower … upper` of `dim` (a time tile's wave, or ahead of it):
   * points whose corner planes both miss them are skipped once located.
   */
  readonly planes: { readonly dim: Dimension; readonly lower: IndexExpr; readonly upper: IndexExpr } | undefined;
}

/**
 * Orders the points of a sparse set by the plane `idx + shift` along `dim` (a counting sort
 * that keeps the points' order within a plane), for the {@link SparsePoints} loops that visit
 * one wave's points; allocated before the time loop, released by a {@link Free}.
 */
export interface WaveOrder {
  readonly kind: 'waveOrder';
  readonly sparse: SparseRef;
  readonly dim: Dimension;
  readonly shift: 0 | 1;
}

/** Releases the arrays of {@link WaveOrder}s. */
export interface Free {
  readonly kind: 'free';
  readonly sparse: SparseRef;
}

/** A field slot whose halo an exchange fills: the field at one time offset (0 for a Function). */
export interface HaloSlot {
  readonly field: FieldRef;
  readonly timeOffset: number;
}

/**
 * Under MPI, fills the halos of field slots with the neighbouring ranks' points (all 3^d − 1
 * neighbours, edges and corners included, so cross derivatives read the right values): `start`
 * posts the messages, `wait` completes them, `both` does one then the other. Between a `start`
 * and its `wait` (same `id`) the kernel computes the points whose stencils stay inside the rank's
 * own box (overlap mode).
 */
export interface HaloExchange {
  readonly kind: 'halo';
  readonly id: number;
  readonly phase: 'start' | 'wait' | 'both';
  readonly slots: readonly HaloSlot[];
}

export interface Comment {
  readonly kind: 'comment';
  readonly lines: readonly string[];
}

/**
 * One row of a field along the innermost axis, as a vector loop addresses it: the field at one
 * time offset, moved by `outer` points along the other axes (halo and jam shift included).
 */
export interface VectorRow {
  readonly key: string;
  readonly field: FieldRef;
  readonly timeOffset: number;
  readonly outer: readonly number[];
  /** With compile-time strides, rows of one field slot are addressed from one base pointer: its name. */
  readonly base: string | undefined;
}

/** What an access in a vector statement is: a window part, a shared load, or its own load. */
export type VectorOperand =
  | { readonly kind: 'window'; readonly window: string; readonly offset: number }
  | { readonly kind: 'shared'; readonly name: string }
  | { readonly kind: 'load'; readonly row: string; readonly shift: number };

/**
 * The innermost loop in explicit 64-byte vectors of `lanes` points, then `remainder` (the
 * scalar loop) for the points that do not fill a vector. Rows read at several offsets are
 * `windows` (vectors a, b, c before, at and after the pass, loaded once each and shifted in
 * registers); rows several jammed copies read at one offset are `shared` loads at the top of
 * each pass; `prefetches` name the rows that stream in. Each vector statement's accesses are
 * resolved by `operands` (key: {@link vectorOperandKey}).
 */
export interface VectorLoop {
  readonly kind: 'vector';
  readonly dim: Dimension;
  /** Where the passes start (`z_m`, or a subdomain's first point); they end where {@link remainder} does. */
  readonly lower: IndexExpr;
  readonly lanes: number;
  readonly rows: readonly VectorRow[];
  /** Base pointers: name and the row (field slot) it points into at the current x and y. */
  readonly bases: readonly { readonly name: string; readonly row: string }[];
  readonly windows: readonly { readonly name: string; readonly row: string; readonly base: number }[];
  readonly shared: readonly { readonly name: string; readonly row: string; readonly shift: number }[];
  readonly prefetches: readonly { readonly row: string; readonly shift: number; readonly write: boolean }[];
  readonly body: readonly Expression[];
  readonly operands: ReadonlyMap<string, VectorOperand>;
  readonly remainder: Iteration;
  /**
   * The points whole passes leave over get one more pass, ending at the loop's last point and
   * overlapping the pass before, instead of the scalar loop (which then starts at `z_rest`): for
   * a subdomain's rows, whose length is rarely a whole number of vectors, when recomputing a point
   * gives the same value (no statement reads what the body writes).
   */
  readonly tail: boolean;
  /** Without AVX-512 the remainder loop does the whole row: `omp simd` then. */
  readonly fallbackSimd: boolean;
}

/** The key of an access (field slot, all index shifts) in {@link VectorLoop.operands}. */
export function vectorOperandKey(field: FieldRef, timeOffset: number, shifts: readonly number[]): string {
  return `${field.name}@${timeOffset}|${shifts.join(',')}`;
}

/** Index shifts of an access at a statement's point: offset, plus halo (indices count from the allocation's start), plus the jammed copy's shift. */
export function pointShifts(access: AccessExpr, shifts: Readonly<Record<string, number>>): number[] {
  return access.offsets.map((offset, axis) => offset + access.field.halo[axis]! + (shifts[access.field.dimensions[axis]!.name] ?? 0));
}
