import { checkOptionKeys, optionKeys } from '../../dsl/options.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { checkSlot, type CheckpointStorage, type CompressionCounters, type SlotLayout, type StorageCounters } from './storage.ts';

/** Options of `TwoLevelStorage`. */
export interface TwoLevelStorageOptions {
  /** The fast tier, usually `MemoryStorage`. */
  readonly fast: CheckpointStorage;
  /** The slow tier, usually `DiskStorage` (optionally compressed). */
  readonly slow: CheckpointStorage;
  /** How many slots the fast tier holds (0 … any; capped at the slots the schedule uses). */
  readonly fastSlots: number;
}

const OPTION_KEYS = optionKeys<TwoLevelStorageOptions>({ fast: true, slow: true, fastSlots: true });

/**
 * Two tiers behind one set of slot numbers: the `fastSlots` slots that the schedule restores most
 * often live in the fast tier, the others in the slow one — unless the layout names each slot's
 * level (multi-level schedules such as H-Revolve), which then decides. The schedule uses slots as a stack, so
 * a slot's restore count (known before running) is what decides its tier, once, at `open`.
 */
export class TwoLevelStorage implements CheckpointStorage {
  private readonly fast: CheckpointStorage;
  private readonly slow: CheckpointStorage;
  private readonly fastSlots: number;
  private inFast: boolean[] = [];
  private local: number[] = [];

  constructor(options: TwoLevelStorageOptions) {
    checkOptionKeys('TwoLevelStorage', options, OPTION_KEYS);
    if (!Number.isSafeInteger(options.fastSlots) || options.fastSlots < 0) {
      throw new InvalidArgumentError(`fastSlots must be an integer ≥ 0, got ${String(options.fastSlots)}`);
    }
    this.fast = options.fast;
    this.slow = options.slow;
    this.fastSlots = options.fastSlots;
  }

  get description(): string {
    return `two-level(${this.fast.description}, ${this.slow.description})`;
  }

  /** `slot` → the tier it lives in (valid after `open`). */
  tierOf(slot: number): 'fast' | 'slow' {
    checkSlot(this.description, slot, this.inFast.length);
    return this.inFast[slot] ? 'fast' : 'slow';
  }

  open(layout: SlotLayout): void {
    const { nSlots, slotBytes, restoresPerSlot } = layout;
    // Most restored first; among equals the deeper slot, which is rewritten more often too.
    const ranked = Array.from({ length: nSlots }, (_, slot) => slot).sort(
      (p, q) => (restoresPerSlot[q] ?? 0) - (restoresPerSlot[p] ?? 0) || q - p,
    );
    const chosen = layout.levels?.flatMap((level, slot) => (level === 'memory' ? [slot] : []));
    const fastSet = new Set(chosen ?? ranked.slice(0, Math.min(this.fastSlots, nSlots)));
    this.inFast = [];
    this.local = [];
    const fastRestores: number[] = [];
    const slowRestores: number[] = [];
    for (let slot = 0; slot < nSlots; slot++) {
      const inFast = fastSet.has(slot);
      const tierRestores = inFast ? fastRestores : slowRestores;
      this.inFast.push(inFast);
      this.local.push(tierRestores.length);
      tierRestores.push(restoresPerSlot[slot] ?? 0);
    }
    this.fast.open({ nSlots: fastRestores.length, slotBytes, restoresPerSlot: fastRestores });
    this.slow.open({ nSlots: slowRestores.length, slotBytes, restoresPerSlot: slowRestores });
  }

  write(slot: number, length: number, fill: (dst: Uint8Array) => void): void {
    checkSlot(this.description, slot, this.inFast.length);
    (this.inFast[slot] ? this.fast : this.slow).write(this.local[slot], length, fill);
  }

  read(slot: number, drain: (src: Uint8Array) => void): void {
    checkSlot(this.description, slot, this.inFast.length);
    (this.inFast[slot] ? this.fast : this.slow).read(this.local[slot], drain);
  }

  release(slot: number): void {
    checkSlot(this.description, slot, this.inFast.length);
    (this.inFast[slot] ? this.fast : this.slow).release(this.local[slot]);
  }

  close(): void {
    this.fast.close();
    this.slow.close();
  }

  counters(): StorageCounters {
    const f = this.fast.counters();
    const s = this.slow.counters();
    return {
      writes: f.writes + s.writes,
      reads: f.reads + s.reads,
      bytesWritten: f.bytesWritten + s.bytesWritten,
      bytesRead: f.bytesRead + s.bytesRead,
      reservedBytes: f.reservedBytes + s.reservedBytes,
    };
  }

  /** Per-tier counters, to see how much traffic the fast tier absorbed. */
  tierCounters(): { readonly fast: StorageCounters; readonly slow: StorageCounters } {
    return { fast: this.fast.counters(), slow: this.slow.counters() };
  }

  resetCompression(): void {
    this.fast.resetCompression?.();
    this.slow.resetCompression?.();
  }

  compression(): CompressionCounters | undefined {
    const parts = [this.fast.compression?.(), this.slow.compression?.()].filter((c) => c !== undefined);
    if (parts.length === 0) return undefined;
    // A tier's lossy error counters pass through (one tier compresses in practice: the slow one).
    if (parts.length === 1) return parts[0];
    return {
      codec: parts.map((c) => c.codec).join('+'),
      rawBytes: parts.reduce((sum, c) => sum + c.rawBytes, 0),
      storedBytes: parts.reduce((sum, c) => sum + c.storedBytes, 0),
    };
  }
}
