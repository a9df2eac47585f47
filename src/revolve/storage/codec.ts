// The byte codec interface, shared by CompressedStorage (compressed.ts) and the codecs it builds (zfp.ts).

/** The largest error a lossy codec measured on what it compressed. */
export interface LossyError {
  readonly maxAbsError: number;
  /** Errors relative to the largest |value| of the array they occurred in. */
  readonly maxRelError: number;
}

/**
 * A byte codec. `decompress` must fill `dst` exactly or throw; `compress` may return a view that
 * its next call reuses. A lossy codec restores values only within its own bound.
 */
export interface Codec {
  readonly name: string;
  compress(src: Uint8Array): Uint8Array;
  decompress(src: Uint8Array, dst: Uint8Array): void;
  /** Called when a storage opens, with its slot size: a codec checks its layout here. */
  open?(slotBytes: number): void;
  /** Lossy codecs: the error of the last `compress` output (`undefined` when not measured). */
  lastError?(): LossyError | undefined;
}
