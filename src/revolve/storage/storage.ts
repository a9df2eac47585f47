import { DevitoError } from '../../errors.ts';

/**
 * The contract between the `Revolver` and a checkpoint storage medium: numbered slots of bytes.
 */

/** What a storage must prepare for, known from the schedule before anything runs. */
export interface SlotLayout {
  /** Slots the schedule will use, numbered `0 … nSlots−1`. */
  readonly nSlots: number;
  /** The most bytes one slot will ever be asked to hold. */
  readonly slotBytes: number;
  /** How often each slot will be read; tiered storage keeps the most read slots in its fast tier. */
  readonly restoresPerSlot: readonly number[];
  /**
   * Where the schedule wants each slot, when it chose (multi-level schedules); tiered storage
   * then keeps the `memory` slots in its fast tier instead of ranking by restores.
   */
  readonly levels?: readonly ('memory' | 'disk')[];
}

/** Cumulative traffic of a storage since it was opened. */
export interface StorageCounters {
  readonly writes: number;
  readonly reads: number;
  /** Bytes that reached the medium (after compression, without file headers). */
  readonly bytesWritten: number;
  readonly bytesRead: number;
  /** Bytes of process memory reserved to hold checkpoints (one-slot working buffers excluded). */
  readonly reservedBytes: number;
}

/** Bytes before and after compression, cumulative over writes. */
export interface CompressionCounters {
  readonly codec: string;
  readonly rawBytes: number;
  readonly storedBytes: number;
  /**
   * Lossy codecs that measure it: the largest |restored − saved| value over the checkpoints
   * stored compressed (0 while all were stored exactly); absent for lossless codecs.
   */
  readonly maxAbsError?: number;
  /** Same, relative to the largest |value| of the array each error occurred in. */
  readonly maxRelError?: number;
}

/**
 * Numbered slots of bytes. The caller guarantees slot discipline (it never reads a slot it has
 * not written, nor writes a slot whose checkpoint it still needs); a storage verifies what it
 * cheaply can and reports lost or damaged data as `CheckpointCorruptError`.
 */
export interface CheckpointStorage {
  /** A short human description, e.g. `memory` or `disk /tmp/revolve-x1y2`. */
  readonly description: string;
  /** Reserves room for `layout`; called once, before the first write. */
  open(layout: SlotLayout): void;
  /**
   * Stores `length` bytes in `slot`: `fill` receives a view of exactly `length` bytes to write
   * into, and the storage persists them when `fill` returns.
   */
  write(slot: number, length: number, fill: (dst: Uint8Array) => void): void;
  /** Hands the bytes last written to `slot` to `drain` (valid only during the call). */
  read(slot: number, drain: (src: Uint8Array) => void): void;
  /**
   * Optional, for storages that hold checkpoints uncompressed in process memory: the bytes of
   * `slot` in place (no copy), part of a larger buffer holding the other slots; counts as a read
   * that moved no bytes. Valid until the slot is written again.
   */
  peek?(slot: number): Uint8Array;
  /** The checkpoint in `slot` is no longer needed; reading it is an error until rewritten. */
  release(slot: number): void;
  /** Frees memory and removes files; the storage cannot be used afterwards. */
  close(): void;
  counters(): StorageCounters;
  /** Present on storages that may compress; `undefined` when nothing inside compresses. */
  compression?(): CompressionCounters | undefined;
  /** Starts the compression counters afresh (a Revolver does at each forward sweep, so they describe one run). */
  resetCompression?(): void;
}

/** `(slot, nSlots)` → throws unless `slot` is a valid slot index; `who` names the storage. */
export function checkSlot(who: string, slot: number, nSlots: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= nSlots) {
    throw new DevitoError(`${who}: slot ${slot} is outside 0 … ${nSlots - 1}`);
  }
}
