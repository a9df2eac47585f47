import { checkOptionKeys, optionKeys } from '../../dsl/options.ts';
import { CheckpointCorruptError, DevitoError, InvalidArgumentError } from '../../errors.ts';
import type { CompilerOptions } from '../../jit/compiler.ts';
import type { Codec, LossyError } from './codec.ts';
import { checkSegments, planPieces, type ZfpPiece, type ZfpSegment } from './zfp-layout.ts';
import { loadZfp, ZFP_STATUS, type ZfpLibrary } from './zfp-library.ts';

/** Options of the lossy ZFP codec (fixed-accuracy mode). */
export interface ZfpOptions {
  /** Error bound for every value, > 0: absolute, or relative to the largest |value| (see `toleranceMode`). */
  readonly tolerance: number;
  /**
   * `'absolute'` (default): |restored − saved| ≤ tolerance. `'relative'`: ≤ tolerance × the
   * largest |value| of the segment at the time of the save, for data whose scale is not known ahead.
   */
  readonly toleranceMode?: 'absolute' | 'relative';
  /**
   * Where the arrays lie in a checkpoint slot (e.g. `checkpointSegments(fields)` for a
   * `Checkpoint`); bytes outside every segment are kept exactly. Default: the slot is one flat
   * float32 array, which compresses far less than the fields' true 2D/3D shapes (and is wrong
   * for float64 data, whose error would not be bounded: give segments).
   */
  readonly segments?: readonly ZfpSegment[];
  /**
   * Decompress each segment right after compressing it, to measure the error (reported in the
   * storage's compression counters) and keep exactly any segment that misses the bound — zfp's
   * guarantee has known exceptions (non-finite values, extreme ranges). Default true; it costs
   * one decompression per save (saves take up to ~1.8× longer); off, no error is reported.
   */
  readonly verify?: boolean;
  /** Where the zfp shim is compiled (cache directory, compiler); default the project's JIT cache. */
  readonly compiler?: CompilerOptions;
}

/** A ZFP codec described by plain data, as in a `StorageSpec`'s `compression`. */
// A ZfpSpec (its `codec` too) reaches the constructor as is.
const ZFP_KEYS = optionKeys<ZfpSpec>({ codec: true, tolerance: true, toleranceMode: true, segments: true, verify: true, compiler: true });

export interface ZfpSpec extends ZfpOptions {
  readonly codec: 'zfp';
}

// Payload: header (magic, piece count), one record per piece (kind, stored bytes, tolerance),
// then each piece's bytes padded to 8 so every zfp stream starts word-aligned.
const MAGIC = 0x50465a44; // "DZFP" little-endian
const HEADER_BYTES = 8;
const RECORD_BYTES = 24;
const KIND_ZFP = 0;
const KIND_EXACT = 1;

interface Plan {
  readonly slotBytes: number;
  readonly pieces: readonly ZfpPiece[];
  /** Per piece, the bytes it may take in a payload (≥ zfp's maximum size, a multiple of 8). */
  readonly capacities: readonly number[];
  readonly payloadBytes: number;
  readonly largestPiece: number;
}

const roundUp8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Lossy compression of checkpoint slots with zfp's fixed-accuracy mode (Debian's libzfp): each
 * segment (a field's time level) is compressed as its own 1D/2D/3D array, so smooth wavefields
 * shrink several-fold while every value stays within the tolerance. Building one needs libzfp
 * (`CompressionUnavailableError` otherwise). `compress` returns a view its next call reuses.
 */
export class ZfpCodec implements Codec {
  readonly name = 'zfp';
  readonly tolerance: number;
  readonly toleranceMode: 'absolute' | 'relative';
  readonly verify: boolean;
  private readonly segments: readonly ZfpSegment[] | undefined;
  private readonly zfp: ZfpLibrary;
  private plan: Plan | undefined;
  private out = new Uint8Array(0);
  private input = new Uint8Array(0);
  private staged = new Uint8Array(0);
  private check = new Uint8Array(0);
  private last: LossyError | undefined;

  constructor(options: ZfpOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('zfp: give options { tolerance, … }');
    checkOptionKeys('ZfpCodec', options, ZFP_KEYS);
    const { tolerance, toleranceMode = 'absolute', verify = true } = options;
    if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance <= 0) {
      throw new InvalidArgumentError(`zfp: tolerance must be a finite number > 0, got ${String(tolerance)}`);
    }
    if (toleranceMode !== 'absolute' && toleranceMode !== 'relative') {
      throw new InvalidArgumentError(`zfp: toleranceMode must be 'absolute' or 'relative', got ${JSON.stringify(toleranceMode)}`);
    }
    this.tolerance = tolerance;
    this.toleranceMode = toleranceMode;
    this.verify = verify;
    this.segments = options.segments === undefined ? undefined : checkSegments(options.segments);
    this.zfp = loadZfp(options.compiler);
  }

  /** Checks the layout against the slot size before anything is saved. */
  open(slotBytes: number): void {
    this.planFor(slotBytes);
  }

  /** The error of the last `compress` output (`undefined` when `verify` is off). */
  lastError(): LossyError | undefined {
    return this.last;
  }

  compress(src: Uint8Array): Uint8Array {
    const plan = this.planFor(src.length);
    if (this.out.length < plan.payloadBytes) this.out = new Uint8Array(plan.payloadBytes);
    const out = this.out;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, plan.pieces.length, true);
    let at = HEADER_BYTES + RECORD_BYTES * plan.pieces.length;
    let maxAbsError = 0;
    let maxRelError = 0;
    plan.pieces.forEach((piece, i) => {
      let kind = KIND_EXACT;
      let stored = piece.byteLength;
      let tolerance = 0;
      if (piece.kind === 'zfp') {
        const values = this.aligned(src, piece);
        const peak = this.zfp.maxAbs(piece.scalar, values, piece.count);
        // zfp cannot represent Inf or NaN: such a segment is kept exactly.
        if (Number.isFinite(peak)) {
          tolerance = this.toleranceMode === 'absolute' || peak === 0 ? this.tolerance : this.tolerance * peak;
          const stream = out.subarray(at, at + plan.capacities[i]);
          const bytes = this.zfp.compress(piece.scalar, piece.extents, tolerance, values, stream);
          if (bytes < 0) throw new DevitoError(`zfp: compressing a segment failed (${ZFP_STATUS[bytes] ?? bytes})`);
          const error = bytes < piece.byteLength && this.verify ? this.measure(piece, tolerance, stream, bytes, values) : 0;
          if (bytes < piece.byteLength && error <= tolerance) {
            kind = KIND_ZFP;
            stored = bytes;
            maxAbsError = Math.max(maxAbsError, error);
            if (peak > 0) maxRelError = Math.max(maxRelError, error / peak);
          }
        }
      }
      if (kind === KIND_EXACT) out.set(src.subarray(piece.byteOffset, piece.byteOffset + piece.byteLength), at);
      out.fill(0, at + stored, at + roundUp8(stored));
      const record = HEADER_BYTES + RECORD_BYTES * i;
      view.setUint32(record, kind, true);
      view.setUint32(record + 4, 0, true);
      view.setFloat64(record + 8, stored, true);
      view.setFloat64(record + 16, tolerance, true);
      at += roundUp8(stored);
    });
    this.last = this.verify ? { maxAbsError, maxRelError } : undefined;
    return out.subarray(0, at);
  }

  decompress(src: Uint8Array, dst: Uint8Array): void {
    const plan = this.planFor(dst.length);
    const count = plan.pieces.length;
    const corrupt = (what: string): never => {
      throw new CheckpointCorruptError(`zfp: ${what}`);
    };
    if (src.length < HEADER_BYTES + RECORD_BYTES * count || src.length > plan.payloadBytes) {
      corrupt(`payload of ${src.length} bytes cannot hold a ${dst.length}-byte checkpoint`);
    }
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    if (view.getUint32(0, true) !== MAGIC) corrupt('payload does not start with the zfp codec magic');
    if (view.getUint32(4, true) !== count) corrupt(`payload has ${view.getUint32(4, true)} segments, expected ${count}`);
    // NOTE: zfp's reader has no bounds checks; an aligned copy with each segment's full capacity
    // behind its start keeps a damaged stream from reading past the buffer.
    if (this.input.length < plan.payloadBytes) this.input = new Uint8Array(plan.payloadBytes);
    this.input.set(src);
    let at = HEADER_BYTES + RECORD_BYTES * count;
    plan.pieces.forEach((piece, i) => {
      const record = HEADER_BYTES + RECORD_BYTES * i;
      const kind = view.getUint32(record, true);
      const stored = view.getFloat64(record + 8, true);
      const tolerance = view.getFloat64(record + 16, true);
      const where = `segment ${i} (byte offset ${piece.byteOffset})`;
      if (!Number.isSafeInteger(stored) || stored < 0 || stored > plan.capacities[i] || at + stored > src.length) {
        corrupt(`${where} declares ${stored} bytes, beyond the payload`);
      }
      if (kind === KIND_EXACT) {
        if (stored !== piece.byteLength) corrupt(`${where} is stored exactly in ${stored} bytes, expected ${piece.byteLength}`);
        dst.set(src.subarray(at, at + stored), piece.byteOffset);
      } else if (kind === KIND_ZFP && piece.kind === 'zfp') {
        const target = dst.subarray(piece.byteOffset, piece.byteOffset + piece.byteLength);
        const direct = target.byteOffset % (piece.scalar === 1 ? 8 : 4) === 0;
        const into = direct ? target : this.scratch('check', piece.byteLength);
        const stream = this.input.subarray(at, at + plan.capacities[i]);
        const used = this.zfp.decompress(piece.scalar, piece.extents, tolerance, stream, stored, into);
        if (used < 0) corrupt(`${where} does not decompress (${ZFP_STATUS[used] ?? used})`);
        if (!direct) target.set(into.subarray(0, piece.byteLength));
      } else {
        corrupt(`${where} has unknown kind ${kind}`);
      }
      at += roundUp8(stored);
    });
    if (at !== src.length) corrupt(`payload has ${src.length - at} bytes after its last segment`);
  }

  private planFor(slotBytes: number): Plan {
    if (this.plan?.slotBytes === slotBytes) return this.plan;
    const pieces = planPieces(this.segments, slotBytes);
    // In fixed-accuracy mode zfp's worst case does not depend on the tolerance.
    const capacities = pieces.map((piece) =>
      roundUp8(piece.kind === 'zfp' ? Math.max(this.zfp.maximumSize(piece.scalar, piece.extents, this.tolerance), piece.byteLength) : piece.byteLength),
    );
    const payloadBytes = HEADER_BYTES + RECORD_BYTES * pieces.length + capacities.reduce((a, b) => a + b, 0);
    const largestPiece = pieces.reduce((most, piece) => Math.max(most, piece.byteLength), 0);
    this.plan = { slotBytes, pieces, capacities, payloadBytes, largestPiece };
    return this.plan;
  }

  /** The piece's bytes of `src`, copied to an aligned buffer if they are not aligned for their type. */
  private aligned(src: Uint8Array, piece: Extract<ZfpPiece, { kind: 'zfp' }>): Uint8Array {
    const bytes = src.subarray(piece.byteOffset, piece.byteOffset + piece.byteLength);
    if (bytes.byteOffset % (piece.scalar === 1 ? 8 : 4) === 0) return bytes;
    const staged = this.scratch('staged', piece.byteLength);
    staged.set(bytes);
    return staged;
  }

  /** Decodes a just-written stream and returns its largest error against `values`. */
  private measure(piece: Extract<ZfpPiece, { kind: 'zfp' }>, tolerance: number, stream: Uint8Array, bytes: number, values: Uint8Array): number {
    const check = this.scratch('check', piece.byteLength);
    const used = this.zfp.decompress(piece.scalar, piece.extents, tolerance, stream, bytes, check);
    return used < 0 ? Number.POSITIVE_INFINITY : this.zfp.maxAbsDiff(piece.scalar, values, check, piece.count);
  }

  /** A reusable buffer (aligned: views at offset 0 of their own memory) of at least `bytes` bytes. */
  private scratch(which: 'staged' | 'check', bytes: number): Uint8Array {
    const size = Math.max(bytes, this.plan?.largestPiece ?? 0);
    if (this[which].length < bytes) this[which] = new Uint8Array(size);
    return this[which].subarray(0, bytes);
  }
}
