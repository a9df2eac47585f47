import { bytesPerElement, checkDtype, type Dtype } from '../../dsl/dtype.ts';
import { Function, TimeFunction } from '../../dsl/functions.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { ZfpExtents, ZfpScalar } from './zfp-library.ts';

/**
 * One array inside a checkpoint slot: `shape` (row-major, last axis fastest) values of `dtype`
 * starting `byteOffset` bytes into the slot. A slot is described by a list of these.
 */
export interface ZfpSegment {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly byteOffset: number;
}

/** A run of slot bytes the codec handles one way: zfp-compressed floats, or bytes kept exactly. */
export type ZfpPiece =
  | {
      readonly kind: 'zfp';
      readonly scalar: ZfpScalar;
      readonly extents: ZfpExtents;
      readonly count: number;
      readonly byteOffset: number;
      readonly byteLength: number;
    }
  | { readonly kind: 'bytes'; readonly byteOffset: number; readonly byteLength: number };

/**
 * Fields → the segments of the slot a `Checkpoint` of those fields (same order) fills: per field,
 * one segment per time level saved (a TimeFunction's `stateLevels`, a Function's one), each
 * the field's allocated space shape, halo included (halo values come back within the tolerance
 * too; all-zero 4×4(×4) blocks come back exactly zero).
 * NOTE: mirrors the byte order of `Checkpoint.save`; the ZFP tests hold the two together.
 */
export function checkpointSegments(fields: readonly (Function | TimeFunction)[]): ZfpSegment[] {
  const segments: ZfpSegment[] = [];
  let byteOffset = 0;
  for (const field of fields) {
    if (!(field instanceof Function)) throw new InvalidArgumentError(`checkpointSegments: ${String(field)} is not a Function or TimeFunction`);
    const isTime = field instanceof TimeFunction;
    const shape = Object.freeze(field.data.allocatedShape.slice(isTime ? 1 : 0));
    const levels = field instanceof TimeFunction ? field.stateLevels : 1;
    const bytes = shape.reduce((a, b) => a * b, 1) * bytesPerElement(field.dtype);
    for (let level = 0; level < levels; level++) {
      segments.push(Object.freeze({ dtype: field.dtype, shape, byteOffset }));
      byteOffset += bytes;
    }
  }
  return segments;
}

/** Segments → the same, validated (dtypes, positive integer shapes, offsets) and sorted by offset. */
export function checkSegments(segments: readonly ZfpSegment[]): ZfpSegment[] {
  if (!Array.isArray(segments)) throw new InvalidArgumentError('zfp: segments must be an array of { dtype, shape, byteOffset }');
  const sorted = segments
    .map((segment, i) => {
      const what = `zfp: segment ${i}`;
      checkDtype(segment?.dtype, what);
      const { shape, byteOffset } = segment;
      if (!Array.isArray(shape) || shape.length === 0 || !shape.every((n) => Number.isSafeInteger(n) && n > 0)) {
        throw new InvalidArgumentError(`${what}: shape must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`);
      }
      if (!Number.isSafeInteger(byteOffset) || byteOffset < 0) {
        throw new InvalidArgumentError(`${what}: byteOffset must be an integer ≥ 0, got ${String(byteOffset)}`);
      }
      return Object.freeze({ dtype: segment.dtype, shape: Object.freeze([...shape]), byteOffset });
    })
    .sort((a, b) => a.byteOffset - b.byteOffset);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    if (previous.byteOffset + segmentBytes(previous) > sorted[i].byteOffset) {
      throw new InvalidArgumentError(`zfp: segments at byte offsets ${previous.byteOffset} and ${sorted[i].byteOffset} overlap`);
    }
  }
  return sorted;
}

function segmentBytes(segment: ZfpSegment): number {
  return segment.shape.reduce((a, b) => a * b, 1) * bytesPerElement(segment.dtype);
}

/**
 * Checked, sorted segments and a slot size → pieces covering the slot exactly: a zfp piece per
 * segment and a bytes piece per gap. Without segments the slot is one flat float32 array (plus
 * its last `slotBytes mod 4` bytes, kept exactly).
 */
export function planPieces(segments: readonly ZfpSegment[] | undefined, slotBytes: number): ZfpPiece[] {
  const used = segments ?? [{ dtype: 'float32', shape: [Math.floor(slotBytes / 4)], byteOffset: 0 }];
  const pieces: ZfpPiece[] = [];
  let at = 0;
  for (const segment of used) {
    const byteLength = segmentBytes(segment);
    if (byteLength === 0) continue;
    if (segment.byteOffset + byteLength > slotBytes) {
      throw new InvalidArgumentError(
        `zfp: a segment at byte offset ${segment.byteOffset} of ${byteLength} bytes ends past the ${slotBytes}-byte checkpoint; ` +
          'describe the layout of the checkpoint actually saved (see checkpointSegments)',
      );
    }
    if (segment.byteOffset > at) pieces.push({ kind: 'bytes', byteOffset: at, byteLength: segment.byteOffset - at });
    const count = byteLength / bytesPerElement(segment.dtype);
    pieces.push({ kind: 'zfp', scalar: segment.dtype === 'float64' ? 1 : 0, extents: zfpExtents(segment.shape), count, byteOffset: segment.byteOffset, byteLength });
    at = segment.byteOffset + byteLength;
  }
  if (at < slotBytes) pieces.push({ kind: 'bytes', byteOffset: at, byteLength: slotBytes - at });
  return pieces;
}

/**
 * Row-major shape → zfp extents (fastest first): axes of one point are dropped (zfp pads each
 * axis to blocks of 4) and axes past three merged into the slowest, which zfp's 3D mode handles.
 */
export function zfpExtents(shape: readonly number[]): ZfpExtents {
  const axes = shape.filter((n) => n > 1);
  while (axes.length > 3) axes.splice(0, 2, axes[0] * axes[1]);
  const fastestFirst = axes.reverse();
  switch (fastestFirst.length) {
    case 0:
      return [1];
    case 1:
      return [fastestFirst[0]];
    case 2:
      return [fastestFirst[0], fastestFirst[1]];
    default:
      return [fastestFirst[0], fastestFirst[1], fastestFirst[2]];
  }
}
