import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, NpyFormatError, parseNpyHeader, readNpy, writeNpy } from '../../src/io/npy.ts';
import { ShapeError } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'devito-ts-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The exact header NumPy 2.x writes for np.save(f, np.float32 array of shape (2, 3)). */
const NUMPY_HEADER_2x3_F4 = "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + ' '.repeat(58) + '\n';

describe('npy', () => {
  it('writes exactly the bytes NumPy writes (header, padding to 64 bytes, little-endian data)', () => {
    const bytes = encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(bytes.length).toBe(128 + 24);
    expect(Buffer.from(bytes.subarray(0, 128)).toString('latin1')).toBe(NUMPY_HEADER_2x3_F4);
    expect(Array.from(new Float32Array(bytes.slice(128).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('round-trips float32 and float64 arrays of any rank, bit for bit', () => {
    const cases = [
      { data: Float32Array.from({ length: 60 }, (_, i) => Math.sin(i) * 1e-3), shape: [3, 4, 5] },
      { data: Float64Array.from({ length: 7 }, (_, i) => Math.PI ** i), shape: [7] },
      { data: Float64Array.from([-0, Number.MIN_VALUE, Infinity, Number.NaN]), shape: [2, 2] },
      { data: Float32Array.from([42]), shape: [] },
      { data: new Float64Array(0), shape: [0, 3] },
    ];
    for (const [i, { data, shape }] of cases.entries()) {
      const path = join(dir, `case${i}.npy`);
      writeNpy(path, data, shape);
      const back = readNpy(path);
      expect(back.shape).toEqual(shape);
      expect(back.dtype).toBe(data instanceof Float32Array ? 'float32' : 'float64');
      expect(Buffer.from(back.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
    }
  });

  it('parses headers as NumPy writes them: 1-D tuples, scalars, extra spaces, Python 2 longs', () => {
    expect(parseNpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }")).toEqual({ descr: '<f8', fortranOrder: false, shape: [5] });
    expect(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }").shape).toEqual([]);
    expect(parseNpyHeader("{'shape': (3L, 4L), 'fortran_order': True,'descr':'>f4'}")).toEqual({ descr: '>f4', fortranOrder: true, shape: [3, 4] });
    expect(() => parseNpyHeader("{'descr': '<f4'}")).toThrow(NpyFormatError);
  });

  it('reads big-endian data and format 2.0 headers', () => {
    const header = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }";
    const padded = header.padEnd(64 - 12 - 1, ' ') + '\n';
    const bytes = new Uint8Array(12 + padded.length + 16);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(bytes.buffer).setUint32(8, padded.length, true);
    bytes.set(Buffer.from(padded, 'latin1'), 12);
    const view = new DataView(bytes.buffer, 12 + padded.length);
    view.setFloat64(0, 1.5, false);
    view.setFloat64(8, -2.25, false);
    const array = decodeNpy(bytes);
    expect(array.dtype).toBe('float64');
    expect(Array.from(array.data)).toEqual([1.5, -2.25]);
  });

  it('refuses what it cannot represent, saying what to do', () => {
    expect(() => encodeNpy(Float32Array.from([1, 2, 3]), [2, 2])).toThrow(ShapeError);
    const path = join(dir, 'ints.npy');
    const bytes = encodeNpy(Float32Array.from([1, 2]), [2]);
    const text = Buffer.from(bytes).toString('latin1').replace("'<f4'", "'<i4'");
    writeFileSync(path, Buffer.from(text, 'latin1'));
    expect(() => readNpy(path)).toThrow(/dtype <i4 is not supported; save float32 or float64/);
    expect(() => decodeNpy(new Uint8Array(16))).toThrow(/not a NumPy \.npy file/);
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 4))).toThrow(/needs 8 bytes of data, the file has 4/);
    const fortran = Buffer.from(Buffer.from(encodeNpy(Float32Array.from([1, 2, 3, 4]), [2, 2])).toString('latin1').replace('False', 'True '), 'latin1');
    expect(() => decodeNpy(fortran)).toThrow(/Fortran-ordered/);
    expect(readFileSync(join(dir, 'case0.npy')).length).toBeGreaterThan(0);
  });
});
