/**
 * A toy forward state for checkpointing tests: it knows which step it is at, its bytes encode that
 * step redundantly (so any wrong or damaged restore is caught), and its steppers log every call.
 */
import type { Checkpointable, Stepper } from '../../src/revolve/index.ts';

export type ToyEvent =
  | { readonly kind: 'forward'; readonly from: number; readonly to: number }
  | { readonly kind: 'reverse'; readonly t: number }
  | { readonly kind: 'save'; readonly step: number }
  | { readonly kind: 'load'; readonly step: number };

export interface ToyOptions {
  /** Bytes of the state (≥ 16). Default 16. */
  readonly nbytes?: number;
  /** Fill the payload with a compressible pattern (default) or pseudo-random bytes. */
  readonly payload?: 'pattern' | 'random';
  /** Keep an event log (default true; off for large sweeps). */
  readonly log?: boolean;
}

/** A toy simulation: a state that records its own step, and forward/reverse steppers checking it. */
export class ToyProblem {
  readonly events: ToyEvent[] = [];
  /** The steps passed to `reverse.apply`, in call order. */
  readonly reversed: number[] = [];
  step = 0;
  forwardSteps = 0;
  forwardCalls = 0;
  violations: string[] = [];
  private readonly nbytes: number;
  private readonly random: boolean;
  private readonly log: boolean;

  readonly checkpoint: Checkpointable;
  readonly forward: Stepper;
  readonly reverse: Stepper;

  constructor(options: ToyOptions = {}) {
    this.nbytes = options.nbytes ?? 16;
    this.random = options.payload === 'random';
    this.log = options.log ?? true;
    const self = this;
    this.checkpoint = {
      nbytes: this.nbytes,
      save(slot) {
        if (slot.length !== self.nbytes) self.violations.push(`save into ${slot.length} bytes`);
        self.encode(slot, self.step);
        if (self.log) self.events.push({ kind: 'save', step: self.step });
      },
      load(slot) {
        const step = self.decode(slot);
        self.step = step;
        if (self.log) self.events.push({ kind: 'load', step });
      },
    };
    this.forward = {
      apply(tStart, tEnd) {
        if (self.step !== tStart) self.violations.push(`forward(${tStart}, ${tEnd}) with state ${self.step}`);
        if (!(tEnd > tStart)) self.violations.push(`empty forward(${tStart}, ${tEnd})`);
        self.forwardSteps += tEnd - tStart;
        self.forwardCalls += 1;
        self.step = tEnd;
        if (self.log) self.events.push({ kind: 'forward', from: tStart, to: tEnd });
      },
    };
    this.reverse = {
      apply(tStart, tEnd) {
        // The invariant under test: reverse step t sees the state after t + 1 forward steps.
        if (tEnd !== tStart + 1) self.violations.push(`reverse(${tStart}, ${tEnd})`);
        if (self.step !== tStart + 1) self.violations.push(`reverse(${tStart}) with state ${self.step}`);
        self.reversed.push(tStart);
        // Models an adjoint that reuses the forward buffers: the live state is gone afterwards.
        self.step = Number.NaN;
        if (self.log) self.events.push({ kind: 'reverse', t: tStart });
      },
    };
  }

  private encode(slot: Uint8Array, step: number): void {
    const view = new DataView(slot.buffer, slot.byteOffset, slot.byteLength);
    view.setFloat64(0, step, true);
    view.setFloat64(8, -step - 0.5, true);
    let seed = (step * 2654435761) >>> 0;
    for (let i = 16; i < slot.length; i++) {
      if (this.random) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        slot[i] = seed >>> 24;
      } else {
        slot[i] = (step + (i >> 6)) & 0xff;
      }
    }
  }

  private decode(slot: Uint8Array): number {
    const view = new DataView(slot.buffer, slot.byteOffset, slot.byteLength);
    const step = view.getFloat64(0, true);
    const expected = new Uint8Array(slot.length);
    this.encode(expected, step);
    if (slot.length !== this.nbytes || view.getFloat64(8, true) !== -step - 0.5 || !sameBytes(slot, expected)) {
      this.violations.push(`load of a damaged state (claims step ${step})`);
    }
    return step;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `n` → `[n−1, n−2, …, 0]`. */
export function descending(n: number): number[] {
  return Array.from({ length: n }, (_, i) => n - 1 - i);
}
