import { allocatedShape } from '../dsl/data.ts';
import type { Dimension } from '../dsl/dimension.ts';
import type { Dtype } from '../dsl/dtype.ts';
import type { AccessExpr, Expr, FieldRef, ScalarExpr, SparseRef } from '../dsl/expr.ts';
import type { Grid } from '../dsl/grid.ts';
import type { Restriction } from './restriction.ts';
import type { Expression, Node } from './tree.ts';

/** An equation after derivative expansion: `target = value`, with no derivative left. */
export interface LoweredEq {
  readonly target: AccessExpr;
  readonly value: Expr;
  /** `target += value` (an `Inc`) instead of `target = value`. */
  readonly increment?: boolean;
  /** Subdomain bounds and guards, when the equation does not run at every point of every step. */
  readonly restriction?: Restriction;
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
  /** Under MPI: the communicator (its Fortran handle) and the ranks of the 3^d − 1 neighbours (−1: none). */
  | { readonly kind: 'comm'; readonly name: 'comm' }
  | { readonly kind: 'neighbours'; readonly name: 'neighbours' }
  /** Under MPI: the grid's first and last point along `dim` in this rank's indices (`x_gm` = −offset). */
  | { readonly kind: 'globalBound'; readonly name: string; readonly dim: Dimension; readonly end: 'min' | 'max' }
  /** Overlap mode: the points along `dim` whose stencils read no halo a neighbour fills (`x_cm … x_cM`). */
  | { readonly kind: 'coreBound'; readonly name: string; readonly dim: Dimension; readonly end: 'min' | 'max' }
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
  /** Loop-invariant temporaries computed once per call (`define` expressions). */
  readonly preamble: readonly Expression[];
  /** The loop tree. */
  readonly body: readonly Node[];
  /** Time offsets each TimeFunction is accessed at, for argument validation: name → [min, max]. */
  readonly timeExtents: ReadonlyMap<string, readonly [number, number]>;
  /** Timer names, by section id (`section0` …). */
  readonly sections: readonly string[];
  /**
   * Field extents are compile-time constants in the C (the row strides of every stencil access
   * become immediate offsets from one base pointer); the size arguments are then only checked.
   */
  readonly fixedStrides: boolean;
  /**
   * Under MPI (a grid split over ranks): how halos are exchanged, and per grid axis how far the
   * exchanged fields' stencils reach into the halo (the width of the border computed after the
   * messages arrive in overlap mode).
   */
  readonly mpi?: { readonly mode: MpiMode; readonly reach: readonly number[] };
}

/** `basic`: exchange, then compute; `overlap`: compute the points that need no halo while messages fly. */
export type MpiMode = 'basic' | 'overlap';

/**
 * Allocated extent of a field along a space `axis` of its data (counted after the time slots of a
 * TimeFunction): the layout rule of `dsl/data.ts`, the one the field's memory was allocated by.
 */
export function allocatedExtent(field: FieldRef, axis: number): number {
  const domain = field.dimensions.map((dim) => field.grid.localShape[dim.axis]!);
  const space = allocatedShape({ leading: [], domain, halo: field.halo, padding: field.padding });
  return space[axis - (field.isTimeFunction ? 1 : 0)]!;
}
