import { constants as bufferConstants } from 'node:buffer';
import { CheckpointBudgetError, CheckpointCorruptError, DevitoError } from '../../errors.ts';
import { checkSlot, type CheckpointStorage, type SlotLayout, type StorageCounters } from './storage.ts';

/**
 * Checkpoints in process memory: one slab reserved at `open`, cut into fixed views, so a save
 * or restore copies bytes and allocates nothing.
 */
export class MemoryStorage implements CheckpointStorage {
  readonly description = 'memory';
  private views: Uint8Array[] = [];
  private lengths = new Float64Array(0);
  private slotBytes = 0;
  private opened = false;
  private writes = 0;
  private reads = 0;
  private bytesWritten = 0;
  private bytesRead = 0;
  private reservedBytes = 0;

  /** Reserves `nSlots × slotBytes` bytes: one slab, or one buffer per slot past the engine's limit. */
  open(layout: SlotLayout): void {
    if (this.opened) throw new DevitoError('MemoryStorage.open called twice');
    const { nSlots, slotBytes } = layout;
    const total = nSlots * slotBytes;
    if (slotBytes > bufferConstants.MAX_LENGTH) {
      throw new CheckpointBudgetError(
        `a checkpoint of ${slotBytes} bytes exceeds the largest buffer this engine allocates ` +
          `(${bufferConstants.MAX_LENGTH}); use disk storage`,
      );
    }
    // One slab keeps checkpoints contiguous; past the engine's buffer limit, a buffer per slot.
    const slab = total <= bufferConstants.MAX_LENGTH ? new ArrayBuffer(total) : undefined;
    this.views = Array.from(
      { length: nSlots },
      (_, slot) => new Uint8Array(slab ?? new ArrayBuffer(slotBytes), slab ? slot * slotBytes : 0, slotBytes),
    );
    this.lengths = new Float64Array(nSlots).fill(-1);
    this.slotBytes = slotBytes;
    this.reservedBytes = total;
    this.opened = true;
  }

  write(slot: number, length: number, fill: (dst: Uint8Array) => void): void {
    checkSlot(this.description, slot, this.views.length);
    if (length > this.slotBytes) throw new DevitoError(`memory: ${length} bytes exceed the slot size ${this.slotBytes}`);
    const view = this.views[slot];
    fill(length === this.slotBytes ? view : view.subarray(0, length));
    this.lengths[slot] = length;
    this.writes += 1;
    this.bytesWritten += length;
  }

  read(slot: number, drain: (src: Uint8Array) => void): void {
    checkSlot(this.description, slot, this.views.length);
    const length = this.lengths[slot];
    if (length < 0) throw new CheckpointCorruptError(`memory slot ${slot} holds no checkpoint`);
    const view = this.views[slot];
    drain(length === this.slotBytes ? view : view.subarray(0, length));
    this.reads += 1;
    this.bytesRead += length;
  }

  peek(slot: number): Uint8Array {
    checkSlot(this.description, slot, this.views.length);
    const length = this.lengths[slot];
    if (length !== this.slotBytes) throw new CheckpointCorruptError(`memory slot ${slot} holds no whole checkpoint`);
    this.reads += 1;
    return this.views[slot];
  }

  release(slot: number): void {
    checkSlot(this.description, slot, this.views.length);
    this.lengths[slot] = -1;
  }

  /** Frees the slab; the storage may then be opened again (by another Revolver). */
  close(): void {
    this.views = [];
    this.lengths = new Float64Array(0);
    this.reservedBytes = 0;
    this.opened = false;
  }

  counters(): StorageCounters {
    const { writes, reads, bytesWritten, bytesRead, reservedBytes } = this;
    return { writes, reads, bytesWritten, bytesRead, reservedBytes };
  }
}
