import { createRequire } from 'node:module';
import { constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { CheckpointCorruptError, DevitoError, InvalidArgumentError } from '../../errors.ts';
import type { Codec, LossyError } from './codec.ts';
import type { CheckpointStorage, CompressionCounters, SlotLayout, StorageCounters } from './storage.ts';
import { ZfpCodec, type ZfpSpec } from './zfp.ts';

/** Lossless codecs: `lz4` (lz4-napi, fast) or `deflate` (Node's zlib, smaller, slower). */
export type CodecName = 'lz4' | 'deflate';

/** A codec by name (lossless), or lossy ZFP within a tolerance: `{ codec: 'zfp', tolerance }`. */
export type CompressionSpec = CodecName | ZfpSpec;

type Lz4 = typeof import('lz4-napi');
let lz4Module: Lz4 | undefined;

function loadLz4(): Lz4 {
  // Loaded on first use, so a platform without lz4-napi's prebuilt binary still runs uncompressed.
  if (!lz4Module) {
    try {
      lz4Module = createRequire(import.meta.url)('lz4-napi') as Lz4;
    } catch (error) {
      throw new DevitoError(
        `the lz4 codec needs the lz4-napi package, which failed to load (${String(error)}); ` +
          `use compression 'deflate' instead`,
      );
    }
  }
  return lz4Module;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function copyExact(out: Uint8Array, dst: Uint8Array, codec: string): void {
  if (out.length !== dst.length) {
    throw new CheckpointCorruptError(`${codec}: decompressed ${out.length} bytes, expected ${dst.length}`);
  }
  dst.set(out);
}

/** `spec` → the codec it names (a zfp spec builds a `ZfpCodec`, which needs libzfp). */
export function createCodec(spec: CompressionSpec): Codec {
  if (typeof spec === 'object' && spec !== null && spec.codec === 'zfp') return new ZfpCodec(spec);
  const name = spec as CodecName;
  switch (name) {
    case 'lz4': {
      const lz4 = loadLz4();
      return {
        name,
        compress: (src) => lz4.compressSync(asBuffer(src)),
        decompress: (src, dst) => {
          // lz4-napi prefixes the raw size (u32 LE); checking it first keeps a damaged prefix
          // from making the decoder allocate gigabytes.
          const declared = src.length >= 4 ? new DataView(src.buffer, src.byteOffset, 4).getUint32(0, true) : -1;
          if (declared !== dst.length) {
            throw new CheckpointCorruptError(`lz4: payload declares ${declared} bytes, expected ${dst.length}`);
          }
          copyExact(lz4.uncompressSync(src), dst, name);
        },
      };
    }
    case 'deflate':
      return {
        name,
        compress: (src) => deflateRawSync(src, { level: zlibConstants.Z_BEST_SPEED }),
        decompress: (src, dst) => copyExact(inflateRawSync(src, { maxOutputLength: Math.max(dst.length, 1) }), dst, name),
      };
    default:
      throw new InvalidArgumentError(
        `unknown compression ${JSON.stringify(name)}; use 'lz4', 'deflate' or { codec: 'zfp', tolerance }`,
      );
  }
}

/**
 * Compression in front of another storage: lossless, or lossy within a codec's bound (zfp). A
 * checkpoint that does not shrink is stored raw, so the inner storage never needs more than the
 * raw slot size: a memory budget sized for raw checkpoints holds whatever the data, and the ratio
 * reached (and, for a lossy codec, the largest error measured) is reported by `compression()`.
 * NOTE: the stored length tells the two apart: it equals the raw length only for raw data.
 */
export class CompressedStorage implements CheckpointStorage {
  private readonly codec: Codec;
  private staging = new Uint8Array(0);
  private rawLengths = new Float64Array(0);
  private pending: Uint8Array = new Uint8Array(0);
  private rawBytes = 0;
  private storedBytes = 0;
  private maxAbsError = 0;
  private maxRelError = 0;
  /** A lossy codec stored data without measuring its error (zfp with `verify: false`). */
  private errorUnknown = false;
  private readonly copyPending = (dst: Uint8Array): void => dst.set(this.pending);

  constructor(
    private readonly inner: CheckpointStorage,
    codec: CompressionSpec | Codec = 'lz4',
  ) {
    this.codec = typeof codec === 'object' && codec !== null && 'compress' in codec ? codec : createCodec(codec);
  }

  get description(): string {
    return `${this.codec.name}(${this.inner.description})`;
  }

  open(layout: SlotLayout): void {
    this.codec.open?.(layout.slotBytes);
    this.inner.open(layout);
    this.staging = new Uint8Array(layout.slotBytes);
    this.rawLengths = new Float64Array(layout.nSlots).fill(-1);
  }

  write(slot: number, length: number, fill: (dst: Uint8Array) => void): void {
    const raw = this.staging.subarray(0, length);
    fill(raw);
    const packed = this.tryCompress(raw);
    this.pending = packed !== undefined && packed.length < length ? packed : raw;
    if (this.pending === packed && this.codec.lastError) this.noteError(this.codec.lastError());
    this.inner.write(slot, this.pending.length, this.copyPending);
    this.rawLengths[slot] = length;
    this.rawBytes += length;
    this.storedBytes += this.pending.length;
    this.pending = this.staging;
  }

  private noteError(error: LossyError | undefined): void {
    if (error === undefined) {
      this.errorUnknown = true;
      return;
    }
    this.maxAbsError = Math.max(this.maxAbsError, error.maxAbsError);
    this.maxRelError = Math.max(this.maxRelError, error.maxRelError);
  }

  private tryCompress(raw: Uint8Array): Uint8Array | undefined {
    try {
      return this.codec.compress(raw);
    } catch {
      // A codec's own limits (lz4 blocks stop near 2 GiB) only cost the saving: store raw.
      return undefined;
    }
  }

  read(slot: number, drain: (src: Uint8Array) => void): void {
    const rawLength = this.rawLengths[slot];
    this.inner.read(slot, (src) => {
      if (src.length === rawLength) {
        drain(src);
        return;
      }
      const raw = this.staging.subarray(0, rawLength);
      try {
        this.codec.decompress(src, raw);
      } catch (error) {
        if (error instanceof CheckpointCorruptError) throw error;
        throw new CheckpointCorruptError(`${this.description}: slot ${slot} does not decompress (${String(error)})`);
      }
      drain(raw);
    });
  }

  release(slot: number): void {
    this.rawLengths[slot] = -1;
    this.inner.release(slot);
  }

  close(): void {
    this.inner.close();
    this.staging = new Uint8Array(0);
  }

  /** The inner storage's counters: bytes there are compressed bytes. */
  counters(): StorageCounters {
    return this.inner.counters();
  }

  resetCompression(): void {
    this.rawBytes = 0;
    this.storedBytes = 0;
    this.maxAbsError = 0;
    this.maxRelError = 0;
    this.errorUnknown = false;
  }

  compression(): CompressionCounters {
    const counters = { codec: this.codec.name, rawBytes: this.rawBytes, storedBytes: this.storedBytes };
    // A lossy codec reports its measured errors (0 while everything was stored exactly).
    if (this.codec.lastError === undefined || this.errorUnknown) return counters;
    return { ...counters, maxAbsError: this.maxAbsError, maxRelError: this.maxRelError };
  }
}
