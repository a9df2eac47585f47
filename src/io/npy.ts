import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Dtype, FloatArray } from '../dsl/dtype.ts';
import { DevitoError, ShapeError } from '../errors.ts';
import { writeFileAtomic } from '../support/atomic-write.ts';

/** A file that is not a NumPy .npy array devito-ts can read. */
export class NpyFormatError extends DevitoError {}

/** An array read from (or to be written to) a .npy file: dense row-major data and its shape. */
export interface NpyArray {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly dtype: Dtype;
}

/** The parsed header dictionary of a .npy file. */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN = endianness() === 'LE';
const DESCR: Record<Dtype, string> = { float32: '<f4', float64: '<f8' };

function checkShape(length: number, shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ShapeError(`${what}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== length) throw new ShapeError(`${what}: shape [${shape.join(', ')}] holds ${size} values but the array has ${length}`);
}

/** `(3, 4)`, `(5,)` or `()`: Python's tuple syntax, as NumPy writes it. */
const tuple = (shape: readonly number[]): string => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

/**
 * Float array and shape → the bytes of a NumPy .npy file (format 1.0, little-endian, C order),
 * header padded so the data starts on a 64-byte boundary as NumPy does.
 */
export function encodeNpy(data: FloatArray, shape: readonly number[]): Uint8Array {
  const dtype: Dtype | undefined = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : undefined;
  if (!dtype) throw new ShapeError(`encodeNpy: expected a Float32Array or Float64Array, got ${(data as object)?.constructor?.name ?? typeof data}`);
  checkShape(data.length, shape, 'encodeNpy');
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${tuple(shape)}, }`;
  // Format 2.0 only when the header outgrows a 16-bit length (a shape with thousands of axes).
  const version = dict.length + 11 > 0xffff ? 2 : 1;
  const prefix = MAGIC.length + 2 + (version === 1 ? 2 : 4);
  const headerLength = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  const header = `${dict.padEnd(headerLength - 1, ' ')}\n`;
  const out = new Uint8Array(prefix + headerLength + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(new TextEncoder().encode(header), prefix);
  writeValues(view, prefix + headerLength, data);
  return out;
}

function writeValues(view: DataView, offset: number, data: FloatArray): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(view.buffer, offset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return;
  }
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (size === 4) view.setFloat32(offset + 4 * i, data[i]!, true);
    else view.setFloat64(offset + 8 * i, data[i]!, true);
  }
}

/** The header dictionary text (`{'descr': '<f4', ...}`) → its fields; throws on anything else. */
export function parseNpyHeader(text: string, what = 'npy header'): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(`${what}: header ${JSON.stringify(text.trim())} lacks descr, fortran_order or shape`);
  }
  const shape = shapeText.split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s !== '').map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new NpyFormatError(`${what}: bad shape (${shapeText})`);
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** Bytes of a .npy file (format 1.0, 2.0 or 3.0) holding float32 or float64 → a dense array and its shape. */
export function decodeNpy(bytes: Uint8Array, what = 'npy data'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyFormatError(`${what}: not a NumPy .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new NpyFormatError(`${what}: .npy format version ${major}.${bytes[7]} is not supported (1.0 to 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthSize = major === 1 ? 2 : 4;
  const headerLength = lengthSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthSize + headerLength;
  if (start > bytes.length) throw new NpyFormatError(`${what}: truncated header`);
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  const header = parseNpyHeader(decoder.decode(bytes.subarray(8 + lengthSize, start)), what);
  const kind = /^([<>|=])f([48])$/.exec(header.descr);
  if (!kind) throw new NpyFormatError(`${what}: dtype ${header.descr} is not supported; save float32 or float64 (np.float32 / np.float64)`);
  if (header.fortranOrder && header.shape.length > 1) {
    throw new NpyFormatError(`${what}: Fortran-ordered arrays are not supported; save np.ascontiguousarray(a)`);
  }
  const size = Number(kind[2]);
  const dtype: Dtype = size === 4 ? 'float32' : 'float64';
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start < count * size) {
    throw new NpyFormatError(`${what}: shape (${header.shape.join(', ')}) needs ${count * size} bytes of data, the file has ${bytes.length - start}`);
  }
  const data: FloatArray = size === 4 ? new Float32Array(count) : new Float64Array(count);
  const little = kind[1] !== '>';
  if (little === LITTLE_ENDIAN) {
    // Copy: the data offset need not be aligned for a typed-array view on the file's buffer.
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + count * size));
  } else {
    for (let i = 0; i < count; i++) data[i] = size === 4 ? view.getFloat32(start + 4 * i, little) : view.getFloat64(start + 8 * i, little);
  }
  return { data, shape: header.shape, dtype };
}

/** Writes `data` with `shape` to `path` as a .npy file (temporary file + rename, so readers never see half of it). */
export function writeNpy(path: string, data: FloatArray, shape: readonly number[]): void {
  const bytes = encodeNpy(data, shape);
  writeFileAtomic(path, bytes);
}

/** Reads a float32 or float64 .npy file → its data (dense, row-major) and shape. */
export function readNpy(path: string): NpyArray {
  return decodeNpy(readFileSync(path), path);
}
