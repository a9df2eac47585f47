import { allocatedShape } from '../dsl/data.ts';
import type { Dimension } from '../dsl/dimension.ts';
import type { Dtype } from '../dsl/dtype.ts';
import type { AccessExpr, Expr, FieldRef, ScalarExpr, SparseRef } from '../dsl/expr.ts';
import type { Grid } from '../dsl/grid.ts';

/** An equation after derivative expansion: `target = value`, with no derivative left. */
export interface LoweredEq {
  readonly target: AccessExpr;
  readonly value: Expr;
}

/** `const <dtype> name = value;` — a compiler temporary. */
export interface Define {
  readonly kind: 'define';
  readonly name: string;
  readonly value: Expr;
}

/** `target = value;` at every point of the enclosing loop nest. */
export interface Assign {
  readonly kind: 'assign';
  readonly target: AccessExpr;
  readonly value: Expr;
}

export type Statement = Define | Assign;

/** A loop nest over all space dimensions (outermost first) around a block of statements. */
export interface SpaceNest {
  readonly kind: 'spaceNest';
  readonly dims: readonly Dimension[];
  readonly body: readonly Statement[];
  /** `#pragma omp parallel for` on the outermost loop. */
  readonly parallel: boolean;
  /** `#pragma omp simd` on the innermost loop. */
  readonly simd: boolean;
  /** Outer dimensions tiled into blocks of runtime size (empty: no cache blocking). */
  readonly blocked: readonly Dimension[];
  /**
   * Unroll-and-jam factor of the outermost space loop (1: none): that many neighbouring points
   * along it share each pass of the inner loops, so their common stencil loads are made once.
   */
  readonly jam: number;
  /**
   * The innermost loop is written out in explicit 64-byte vectors: each stencil row read at
   * several offsets along it is loaded once per pass and its shifted neighbours are made in
   * registers (see src/passes/vector-windows.ts).
   */
  readonly vectorWindows: boolean;
  /** Index of this nest's timer. */
  readonly section: number;
}

/** An injection or interpolation after derivative expansion. */
export interface LoweredSparse {
  readonly kind: 'sparse';
  readonly mode: 'inject' | 'interpolate';
  readonly sparse: SparseRef;
  /** The field injected into (inject only). */
  readonly field: AccessExpr | undefined;
  readonly expr: Expr;
}

/**
 * A loop over the points of a sparse set, visiting the 2^d grid corners around each with
 * multilinear weights. Injection runs serially (points may share corners, and a fixed order
 * keeps results independent of the thread count); interpolation is parallel over points.
 */
export interface SparseLoop extends Omit<LoweredSparse, 'kind'> {
  readonly kind: 'sparseLoop';
  readonly section: number;
  /**
   * In a time-tiled loop, an interpolation samples a point in the wave that holds its plane
   * `idx + waveShift` along the tiled dimension: 1 when it reads data its own step writes (both
   * corner planes must be computed), 0 when it reads an earlier step's. An injection adds each
   * corner in the wave that holds its plane.
   */
  readonly waveShift?: 0 | 1;
  /**
   * An injection into the data the step before wrote (the adjoint's pattern) adds each corner one
   * skew ahead of the wave instead, where that step has finished and this one has not read yet
   * (and, in the first wave of a step, every plane before that).
   */
  readonly waveLead?: boolean;
}

/** A ring-buffer slot index: `(time + offset) mod modulus`, named once per time step. */
export interface TimeSlot {
  readonly name: string;
  readonly modulus: number;
  readonly offset: number;
}

/**
 * Time tiling of a time loop (src/passes/time-tiling.ts): `time_tile_size` steps at a time sweep
 * the outer space dimension together in waves of `x_wave_size` planes, each step `skew` planes
 * behind the one before, so a wave's planes stay in cache across the steps of a tile.
 */
export interface TimeTiling {
  /** The space dimension the waves advance along (the outermost). */
  readonly dim: Dimension;
  /** Planes each step lags the one before: the farthest any step reads along `dim` from data of an earlier step. */
  readonly skew: number;
}

export interface TimeLoop {
  readonly kind: 'timeLoop';
  /** +1 runs time_m → time_M; −1 runs time_M → time_m (adjoint sweeps). */
  readonly direction: 1 | -1;
  readonly slots: readonly TimeSlot[];
  readonly body: readonly (SpaceNest | SparseLoop)[];
  /** Present when the loop is time-tiled. */
  readonly tiling?: TimeTiling;
}

export type Block = SpaceNest | TimeLoop;

/** A kernel parameter and what the runtime must pass for it. */
export type Parameter =
  | { readonly kind: 'field'; readonly name: string; readonly field: FieldRef }
  | { readonly kind: 'size'; readonly name: string; readonly field: FieldRef; readonly axis: number }
  | { readonly kind: 'timeBound'; readonly name: 'time_m' | 'time_M' }
  | { readonly kind: 'spaceBound'; readonly name: string; readonly dim: Dimension; readonly end: 'min' | 'max' }
  | { readonly kind: 'scalar'; readonly name: string; readonly scalar: ScalarExpr }
  | { readonly kind: 'sparseData'; readonly name: string; readonly sparse: SparseRef }
  | { readonly kind: 'coordinates'; readonly name: string; readonly sparse: SparseRef }
  | { readonly kind: 'npoint'; readonly name: string; readonly sparse: SparseRef }
  | { readonly kind: 'origin'; readonly name: string; readonly dim: Dimension }
  /**
   * A runtime tile size: a cache block along a space dimension (`block`), the steps of a time
   * tile (`timeTile`, dim = time) or the planes of a wave of a time tile (`wave`); `defaultSize`
   * is used unless the caller or the autotuner chose one.
   */
  | { readonly kind: 'blockSize'; readonly name: string; readonly dim: Dimension; readonly role: 'block' | 'timeTile' | 'wave'; readonly defaultSize: number }
  | { readonly kind: 'nthreads'; readonly name: 'nthreads' }
  | { readonly kind: 'timers'; readonly name: 'timers' };

/** The whole kernel after lowering and passes; printed to C by codegen, driven by runtime. */
export interface Kernel {
  readonly name: string;
  readonly dtype: Dtype;
  readonly grid: Grid;
  /** Fields in parameter order (sorted by name). */
  readonly fields: readonly FieldRef[];
  /** Sparse point sets, in parameter order. */
  readonly sparses: readonly SparseRef[];
  /** Fields the kernel writes. */
  readonly written: readonly FieldRef[];
  readonly parameters: readonly Parameter[];
  /** Loop-invariant temporaries computed once per call. */
  readonly preamble: readonly Define[];
  readonly body: readonly Block[];
  /** Time offsets each TimeFunction is accessed at, for argument validation: name → [min, max]. */
  readonly timeExtents: ReadonlyMap<string, readonly [number, number]>;
  readonly sections: readonly string[];
  /**
   * Field extents are compile-time constants in the C (the row strides of every stencil access
   * become immediate offsets from one base pointer); the size arguments are then only checked.
   */
  readonly fixedStrides: boolean;
}

/**
 * Allocated extent of a field along a space `axis` of its data (counted after the time slots of a
 * TimeFunction): the layout rule of `dsl/data.ts`, the one the field's memory was allocated by.
 */
export function allocatedExtent(field: FieldRef, axis: number): number {
  const space = allocatedShape({ leading: [], domain: field.grid.shape, halo: field.halo, padding: field.padding });
  return space[axis - (field.isTimeFunction ? 1 : 0)]!;
}
