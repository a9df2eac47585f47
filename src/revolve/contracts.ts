import type { Communicator } from '../dsl/parallel.ts';

/**
 * What the `Revolver` needs from a simulation: a state it can copy out and back, and two steppers.
 * Nothing here knows about kernels; fields and operators adapt to these shapes.
 */

/**
 * A forward state that can be copied into and out of a checkpoint slot of exactly `nbytes` bytes.
 * `save` must write all `nbytes` bytes of `slot` and `load` must restore the state from them.
 * `step` is the state's index (forward steps done): ring-buffered fields need it to know which
 * of their time slots hold the state; simpler states may ignore it.
 */
export interface Checkpointable {
  readonly nbytes: number;
  /**
   * The MPI ranks that each hold a part of the state (fields on a grid split over them): they
   * must all run the same schedule, so the Revolver agrees on its settings with them first.
   */
  readonly comm?: Communicator;
  save(slot: Uint8Array, step: number): void;
  load(slot: Uint8Array, step: number): void;
}

/**
 * A time stepper. The forward stepper runs steps `tStart … tEnd−1` (state `tStart` → state
 * `tEnd`); the reverse stepper is always called with `(t, t + 1)` for one adjoint step.
 */
export interface Stepper {
  apply(tStart: number, tEnd: number): void;
}

/**
 * A reverse stepper that can also run its step on a checkpoint's bytes in place, reading the
 * forward state from there instead of from the live fields (which it must not write anyway).
 */
export interface InPlaceStepper extends Stepper {
  /**
   * Runs `apply(t, t + 1)` reading state `state` from `slot` (a checkpoint's bytes, valid during
   * the call); returns false, having run nothing, when the state's layout does not allow it.
   */
  applyFrom(slot: Uint8Array, state: number, t: number): boolean;
  /** Whether `applyFrom` would run on state `state`, known before any slot exists (for the cost model). */
  readsInPlaceAt?(state: number): boolean;
}
