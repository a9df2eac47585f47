import type { FloatArray } from '../dsl/dtype.ts';
import type { FieldRef, SparseRef } from '../dsl/expr.ts';

/** Field with its data: the runtime's view of what dsl fields carry (the DSL classes carry more than `FieldRef` promises). */
export interface FieldWithData extends FieldRef {
  readonly data: {
    readonly raw: FloatArray;
    /** Halo and padding included. */
    readonly allocatedShape: readonly number[];
    /** Visible: time slots then the grid's domain. */
    readonly shape: readonly number[];
  };
  readonly save?: number;
  readonly timeSlots?: number;
}

/** Sparse point set with its data and coordinates. */
export interface SparseWithData extends SparseRef {
  readonly data: { readonly raw: FloatArray };
  readonly coordinates: Float64Array;
}
