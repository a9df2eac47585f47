import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointCorruptError, CompilationError, DevitoError, InvalidArgumentError } from '../../src/errors.ts';
import {
  CompressedStorage,
  CompressionUnavailableError,
  createCodec,
  loadZfp,
  MemoryStorage,
  ZfpCodec,
  type ZfpSegment,
} from '../../src/revolve/index.ts';
import { bytesOf, maxAbs, maxAbsDiff, wavefield, type FloatArrayType } from './zfp-fields.ts';

const root = mkdtempSync(join(tmpdir(), 'devito-ts-zfp-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const like = (a: FloatArrayType): FloatArrayType => (a instanceof Float32Array ? new Float32Array(a.length) : new Float64Array(a.length));

/** Compresses `data` alone with `codec`, restores it, and returns the restored copy and the ratio. */
function roundTrip(codec: ZfpCodec, data: FloatArrayType) {
  const packed = codec.compress(bytesOf(data)).slice();
  const out = like(data);
  codec.decompress(packed, bytesOf(out));
  return { out, ratio: data.byteLength / packed.length, packed };
}

describe('ZfpCodec: fixed-accuracy round trips on smooth wavefield-like data', () => {
  const cases: ['float32' | 'float64', number[], number[]][] = [
    ['float32', [400, 400], [1e-2, 1e-3, 1e-4, 1e-5]],
    ['float32', [80, 80, 80], [1e-2, 1e-3, 1e-4, 1e-5]],
    ['float64', [400, 400], [1e-3, 1e-5, 1e-8]],
    ['float64', [100, 100, 100], [1e-3, 1e-5, 1e-8]],
  ];
  for (const [dtype, shape, tolerances] of cases) {
    it(`${dtype} ${shape.join('×')}: max |error| ≤ tolerance, ratio > 1 and growing as the tolerance loosens`, () => {
      const data = wavefield(dtype, shape);
      const ratios: number[] = [];
      for (const tolerance of tolerances) {
        const codec = new ZfpCodec({ tolerance, segments: [{ dtype, shape, byteOffset: 0 }] });
        const { out, ratio } = roundTrip(codec, data);
        const error = maxAbsDiff(data, out);
        expect(error, `tolerance ${tolerance}`).toBeLessThanOrEqual(tolerance);
        expect(error, `tolerance ${tolerance}: lossy, not stored exactly`).toBeGreaterThan(0);
        // The codec's own measure (what reaches the stats) is the true error.
        expect(codec.lastError()?.maxAbsError).toBe(error);
        expect(codec.lastError()?.maxRelError).toBeCloseTo(error / maxAbs(data), 12);
        ratios.push(ratio);
      }
      expect(Math.min(...ratios)).toBeGreaterThan(2);
      for (let i = 1; i < ratios.length; i++) expect(ratios[i]).toBeLessThan(ratios[i - 1]);
      // A loose tolerance pays: ≥ 6× in float32, ≥ 12× in float64 at 1e-3.
      expect(ratios[dtype === 'float32' ? 1 : 0]).toBeGreaterThan(dtype === 'float32' ? 6 : 12);
    });
  }

  it('compresses 2D/3D far better with the layout than as the default flat float32 array', () => {
    const shape = [80, 80, 80];
    const data = wavefield('float32', shape);
    const shaped = roundTrip(new ZfpCodec({ tolerance: 1e-4, segments: [{ dtype: 'float32', shape, byteOffset: 0 }] }), data);
    const flat = roundTrip(new ZfpCodec({ tolerance: 1e-4 }), data);
    expect(maxAbsDiff(data, flat.out)).toBeLessThanOrEqual(1e-4);
    expect(flat.ratio).toBeGreaterThan(1);
    expect(shaped.ratio).toBeGreaterThan(1.5 * flat.ratio);
  });

  it('relative tolerance scales the bound with the largest |value| of each segment', () => {
    for (const scale of [1e-6, 1, 1e4]) {
      const data = wavefield('float64', [200, 300]).map((v) => v * scale);
      const codec = new ZfpCodec({ tolerance: 1e-4, toleranceMode: 'relative', segments: [{ dtype: 'float64', shape: [200, 300], byteOffset: 0 }] });
      const { out, ratio } = roundTrip(codec, data);
      const peak = maxAbs(data);
      expect(maxAbsDiff(data, out)).toBeLessThanOrEqual(1e-4 * peak);
      expect(maxAbsDiff(data, out)).toBeGreaterThan(1e-6 * peak);
      expect(codec.lastError()!.maxRelError).toBeLessThanOrEqual(1e-4);
      expect(ratio).toBeGreaterThan(5);
    }
  });
});

describe('ZfpCodec: checkpoint slot layouts', () => {
  it('compresses each segment with its own dtype and shape and keeps every other byte exactly', () => {
    // [4 header bytes][float32 120×90][10 bytes][float64 30×40×50 at an offset not aligned to 8][5 bytes]
    const a = wavefield('float32', [120, 90], 2);
    const b = wavefield('float64', [30, 40, 50], 3);
    const aAt = 4;
    const bAt = aAt + a.byteLength + 10;
    expect(bAt % 8).not.toBe(0);
    const slot = new Uint8Array(bAt + b.byteLength + 5);
    for (let i = 0; i < slot.length; i++) slot[i] = (i * 37) & 0xff;
    slot.set(bytesOf(a), aAt);
    slot.set(bytesOf(b), bAt);
    const segments: ZfpSegment[] = [
      { dtype: 'float64', shape: [30, 40, 50], byteOffset: bAt }, // any order
      { dtype: 'float32', shape: [120, 90], byteOffset: aAt },
    ];
    const codec = new ZfpCodec({ tolerance: 1e-3, segments });
    codec.open(slot.length);
    const packed = codec.compress(slot).slice();
    expect(packed.length).toBeLessThan(slot.length / 5);
    const out = new Uint8Array(slot.length);
    codec.decompress(packed, out);
    const outA = new Float32Array(out.slice(aAt, aAt + a.byteLength).buffer);
    const outB = new Float64Array(out.slice(bAt, bAt + b.byteLength).buffer);
    expect(maxAbsDiff(a, outA)).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(b, outB)).toBeLessThanOrEqual(1e-3);
    expect(out.subarray(0, aAt)).toEqual(slot.subarray(0, aAt));
    expect(out.subarray(aAt + a.byteLength, bAt)).toEqual(slot.subarray(aAt + a.byteLength, bAt));
    expect(out.subarray(bAt + b.byteLength)).toEqual(slot.subarray(bAt + b.byteLength));
    // Misaligned destination too (a view at an odd offset of a larger buffer).
    const odd = new Uint8Array(slot.length + 3).subarray(3);
    codec.decompress(packed, odd);
    expect(Buffer.from(odd).equals(Buffer.from(out))).toBe(true);
  });

  it('keeps exactly a segment zfp cannot represent (NaN, Inf) or cannot shrink (noise below its precision)', () => {
    const smooth = wavefield('float32', [64, 64]);
    const broken = smooth.slice();
    broken[100] = Number.NaN;
    broken[200] = Number.POSITIVE_INFINITY;
    const noise = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const slot = new Float32Array(3 * 64 * 64);
    slot.set(smooth, 0);
    slot.set(broken, 4096);
    slot.set(noise, 8192);
    const segments: ZfpSegment[] = [0, 1, 2].map((k) => ({ dtype: 'float32', shape: [64, 64], byteOffset: k * 4096 * 4 }));
    const codec = new ZfpCodec({ tolerance: 1e-9, segments });
    const { out } = roundTrip(codec, slot);
    expect(maxAbsDiff(slot.subarray(0, 4096), out.subarray(0, 4096))).toBeLessThanOrEqual(1e-9);
    expect(Buffer.from(bytesOf(out.subarray(4096))).equals(Buffer.from(bytesOf(slot.subarray(4096))))).toBe(true); // bitwise, NaN included
  });

  it('a Checkpoint-sized slot that the segments do not fit is reported at open, before any save', () => {
    const codec = new ZfpCodec({ tolerance: 1e-3, segments: [{ dtype: 'float32', shape: [10, 10], byteOffset: 8 }] });
    expect(() => codec.open(400)).toThrow(/ends past the 400-byte checkpoint/);
    const storage = new CompressedStorage(new MemoryStorage(), codec);
    expect(() => storage.open({ nSlots: 2, slotBytes: 400, restoresPerSlot: [1, 1] })).toThrow(InvalidArgumentError);
    expect(() => codec.open(408)).not.toThrow();
  });

  it('rejects bad options with InvalidArgumentError', () => {
    const bad: unknown[] = [
      { tolerance: 0 },
      { tolerance: -1 },
      { tolerance: Number.NaN },
      { tolerance: Number.POSITIVE_INFINITY },
      { tolerance: '1e-3' },
      { tolerance: 1e-3, toleranceMode: 'percent' },
      { tolerance: 1e-3, segments: [{ dtype: 'int32', shape: [4], byteOffset: 0 }] },
      { tolerance: 1e-3, segments: [{ dtype: 'float32', shape: [4, 0], byteOffset: 0 }] },
      { tolerance: 1e-3, segments: [{ dtype: 'float32', shape: [4], byteOffset: -4 }] },
      { tolerance: 1e-3, segments: [{ dtype: 'float32', shape: [4], byteOffset: 0 }, { dtype: 'float32', shape: [4], byteOffset: 12 }] },
      undefined,
    ];
    for (const options of bad) {
      expect(() => new ZfpCodec(options as never), JSON.stringify(options)).toThrow(InvalidArgumentError);
    }
    expect(() => createCodec({ codec: 'zstd' } as never)).toThrow(/use 'lz4', 'deflate' or \{ codec: 'zfp', tolerance \}/);
  });
});

describe('ZfpCodec: damaged payloads', () => {
  const shape = [60, 70];
  const data = wavefield('float32', shape);
  const codec = new ZfpCodec({ tolerance: 1e-4, segments: [{ dtype: 'float32', shape, byteOffset: 0 }] });
  const packed = codec.compress(bytesOf(data)).slice();
  const out = new Uint8Array(data.byteLength);

  it('reports a wrong magic, segment count, size or tolerance, and truncation, as CheckpointCorruptError', () => {
    const damages: [string, (p: Uint8Array) => Uint8Array][] = [
      ['magic', (p) => (p[0] ^= 1, p)],
      ['segment count', (p) => (p[4] = 2, p)],
      ['declared size', (p) => (new DataView(p.buffer).setFloat64(16, 1e9, true), p)],
      ['tolerance', (p) => (new DataView(p.buffer).setFloat64(24, 1e-3, true), p)],
      ['truncation', (p) => p.subarray(0, p.length - 8)],
      ['a trailing word', (p) => Uint8Array.from([...p, 0, 0, 0, 0, 0, 0, 0, 0])],
      ['the zfp stream header', (p) => (p[32] ^= 0xff, p)],
    ];
    for (const [what, damage] of damages) {
      expect(() => codec.decompress(damage(packed.slice()), out), what).toThrow(CheckpointCorruptError);
    }
  });

  it('never reads or writes out of bounds on random damage to the stream (it throws or decodes garbage)', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let thrown = 0;
    for (let trial = 0; trial < 300; trial++) {
      const damaged = packed.slice();
      for (let k = 0; k < 1 + trial % 20; k++) damaged[32 + Math.floor(random() * (damaged.length - 32))] = Math.floor(random() * 256);
      try {
        codec.decompress(damaged, out);
      } catch (error) {
        expect(error).toBeInstanceOf(CheckpointCorruptError);
        thrown++;
      }
    }
    expect(thrown).toBeGreaterThan(0); // some damage is caught (the rest is for the disk tier's CRC)
    codec.decompress(packed, out); // and the codec still works
    expect(maxAbsDiff(data, new Float32Array(out.buffer))).toBeLessThanOrEqual(1e-4);
  });
});

describe('ZfpCodec: the shim and its library', () => {
  it('is compiled once and loaded once per process', () => {
    expect(loadZfp()).toBe(loadZfp());
  });

  it('names the Debian package when libzfp is missing, and only then', () => {
    // A stand-in compiler that fails the way gcc does without libzfp-dev.
    const fake = join(root, 'gcc-without-zfp');
    writeFileSync(
      fake,
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "fake-gcc 0"; exit 0; fi\n' +
        'echo "zfp-shim.c:11:10: fatal error: zfp.h: No such file or directory" >&2\nexit 1\n',
    );
    chmodSync(fake, 0o755);
    const compiler = { compiler: fake, cacheDir: join(root, 'cache') };
    const error = catchError(() => new ZfpCodec({ tolerance: 1e-3, compiler }));
    expect(error).toBeInstanceOf(CompressionUnavailableError);
    expect(error).toBeInstanceOf(DevitoError);
    expect(error.message).toMatch(/apt-get install libzfp-dev/);
    expect(error.message).toMatch(/zfp\.h: No such file/);

    // Other compile failures stay compile failures.
    const broken = join(root, 'gcc-broken');
    writeFileSync(broken, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "broken-gcc 0"; exit 0; fi\necho "internal compiler error" >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    expect(() => loadZfp({ compiler: broken, cacheDir: join(root, 'cache') })).toThrow(CompilationError);
  });
});

function catchError(f: () => void): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
