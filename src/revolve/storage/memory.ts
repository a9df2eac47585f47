import { constants as bufferConstants } from 'node:buffer';
import { hugePageBuffer } from '../../runtime/memory.ts';
import { CheckpointBudgetError, CheckpointCorruptError, DevitoError } from '../../errors.ts';
import { checkSlot, type CheckpointStorage, type SlotLayout, type StorageCounters } from './storage.ts';

/** `(slots, bytes each, largest buffer)` → slots per slab: as few slabs as hold them, filled in order. */
export function slabLayout(nSlots: number, slotBytes: number, maxBufferBytes: number = bufferConstants.MAX_LENGTH): number[] {
  const perSlab = Math.max(1, Math.floor(maxBufferBytes / slotBytes));
  return Array.from({ length: Math.ceil(nSlots / perSlab) }, (_, i) => Math.min(perSlab, nSlots - i * perSlab));
}

/**
 * Checkpoints in process memory: slabs reserved at `open` (one, up to the engine's largest
 * buffer), cut into fixed views, so a save or restore copies bytes and allocates nothing.
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

  /** Reserves `nSlots × slotBytes` bytes: one slab, or past the engine's buffer limit as few slabs as fit. */
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
    // Slabs as large as the engine allows keep checkpoints contiguous: a reverse step can read a
    // slot in place only when the ring around it lies in the same buffer (Checkpoint.viewsOf).
    this.views = slabLayout(nSlots, slotBytes).flatMap((slots) => {
      const slab = hugePageBuffer(slots * slotBytes);
      return Array.from({ length: slots }, (_, i) => new Uint8Array(slab, i * slotBytes, slotBytes));
    });
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
