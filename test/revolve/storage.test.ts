import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointCorruptError } from '../../src/errors.ts';
import {
  CompressedStorage,
  createCodec,
  createStorage,
  DiskStorage,
  MemoryStorage,
  predictForwardSteps,
  Revolver,
  summarizeSchedule,
  TwoLevelStorage,
  type CheckpointStorage,
} from '../../src/revolve/index.ts';
import { descending, ToyProblem } from './toy.ts';
import { slabLayout } from '../../src/revolve/storage/memory.ts';

const root = mkdtempSync(join(tmpdir(), 'devito-ts-revolve-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const layout = (nSlots: number, slotBytes: number) => ({ nSlots, slotBytes, restoresPerSlot: Array(nSlots).fill(1) });

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

function roundTrip(storage: CheckpointStorage, slot: number, data: Uint8Array): Uint8Array {
  storage.write(slot, data.length, (dst) => dst.set(data));
  let out = new Uint8Array(0);
  storage.read(slot, (src) => (out = src.slice()));
  return out;
}

/** Runs a full adjoint of the toy problem on `storage` and checks the contract. */
function adjoint(storage: CheckpointStorage, n = 60, c = 5, nbytes = 4096, payload: 'pattern' | 'random' = 'pattern') {
  const toy = new ToyProblem({ nbytes, payload, log: false });
  const revolver = new Revolver({ ...toy, nTimesteps: n, nCheckpoints: c, storage });
  revolver.applyForward();
  revolver.applyReverse();
  expect(toy.violations).toEqual([]);
  expect(toy.reversed).toEqual(descending(n));
  expect(toy.forwardSteps).toBe(predictForwardSteps(n, c));
  return { toy, revolver, stats: revolver.stats };
}

describe('MemoryStorage', () => {
  it('reserves one slab up front and hands out views of it, without allocating per save', () => {
    const storage = new MemoryStorage();
    storage.open(layout(4, 100));
    const buffers = new Set<ArrayBufferLike>();
    const views: Uint8Array[] = [];
    for (let slot = 0; slot < 4; slot++) {
      storage.write(slot, 100, (dst) => {
        buffers.add(dst.buffer);
        views.push(dst);
        dst.fill(slot + 1);
      });
    }
    expect(buffers.size).toBe(1);
    expect([...buffers][0].byteLength).toBe(400);
    storage.write(2, 100, (dst) => expect(dst).toBe(views[2])); // the same view object each time
    expect(storage.counters().reservedBytes).toBe(400);
    storage.read(3, (src) => expect(src.every((b) => b === 4)).toBe(true));
  });

  it('past the largest buffer, cuts slots into as few slabs as hold them (in-place reads need a ring inside one buffer)', () => {
    expect(slabLayout(10, 3, 10)).toEqual([3, 3, 3, 1]);
    expect(slabLayout(4, 3, 12)).toEqual([4]);
    expect(slabLayout(2, 20, 10)).toEqual([1, 1]);
    expect(slabLayout(1001, 6_370_000).reduce((a, b) => a + b)).toBe(1001);
  });

  it('refuses to read a released or never-written slot', () => {
    const storage = new MemoryStorage();
    storage.open(layout(2, 8));
    expect(() => storage.read(0, () => {})).toThrow(CheckpointCorruptError);
    roundTrip(storage, 1, bytes(8, 1));
    storage.release(1);
    expect(() => storage.read(1, () => {})).toThrow(CheckpointCorruptError);
  });
});

describe('DiskStorage', () => {
  it('round-trips slots through checksummed files in a private directory, and cleans up', () => {
    const storage = new DiskStorage({ directory: root });
    storage.open(layout(3, 1000));
    expect(storage.directory.startsWith(root)).toBe(true);
    for (let slot = 0; slot < 3; slot++) expect(roundTrip(storage, slot, bytes(1000, slot))).toEqual(bytes(1000, slot));
    expect(roundTrip(storage, 1, bytes(10, 9))).toEqual(bytes(10, 9)); // shorter payloads too
    expect(readdirSync(storage.directory).sort()).toEqual(['slot-0.ckpt', 'slot-1.ckpt', 'slot-2.ckpt']);
    storage.release(0);
    expect(existsSync(storage.pathOf(0))).toBe(false);
    const first = storage.directory;
    storage.close();
    expect(existsSync(first)).toBe(false);
    // Closed storage opens again, in a new directory, as memory storage does.
    storage.open(layout(2, 500));
    expect(storage.directory).not.toBe(first);
    expect(roundTrip(storage, 1, bytes(500, 4))).toEqual(bytes(500, 4));
    expect(() => storage.open(layout(2, 500))).toThrow(/twice/);
    const second = storage.directory;
    expect(existsSync(second)).toBe(true);
    storage.close();
    expect(existsSync(second)).toBe(false);
  });

  const damages: [string, (path: string) => void, RegExp][] = [
    ['a flipped payload byte', (p) => flip(p, 100), /payload checksum mismatch/],
    ['a flipped header byte', (p) => flip(p, 17), /header checksum mismatch/],
    ['a truncated file', (p) => writeFileSync(p, readFileSync(p).subarray(0, 500)), /bytes, expected/],
    ['a deleted file', (p) => unlinkSync(p), /is missing/],
    ['an empty file', (p) => writeFileSync(p, ''), /bytes, expected/],
  ];
  for (const [what, damage, reason] of damages) {
    it(`reports ${what} as CheckpointCorruptError naming the file`, () => {
      const storage = new DiskStorage({ directory: root });
      storage.open(layout(2, 1000));
      roundTrip(storage, 0, bytes(1000, 3));
      const path = storage.pathOf(0);
      damage(path);
      const error = catchError(() => storage.read(0, () => {}));
      expect(error).toBeInstanceOf(CheckpointCorruptError);
      expect(error.message).toContain(path);
      expect(error.message).toMatch(reason);
      storage.close();
    });
  }

  it('detects a stale file (an older checkpoint of the same slot) and a file from another slot', () => {
    const storage = new DiskStorage({ directory: root });
    storage.open(layout(2, 64));
    roundTrip(storage, 0, bytes(64, 1));
    const old = readFileSync(storage.pathOf(0));
    roundTrip(storage, 0, bytes(64, 2));
    writeFileSync(storage.pathOf(0), old);
    expect(() => storage.read(0, () => {})).toThrow(/stale/);
    roundTrip(storage, 1, bytes(64, 3));
    writeFileSync(storage.pathOf(0), readFileSync(storage.pathOf(1)));
    expect(() => storage.read(0, () => {})).toThrow(/written for slot 1/);
    storage.close();
  });

  it('runs a whole adjoint, and a file damaged between the sweeps stops the reverse sweep', () => {
    const { stats } = adjoint(new DiskStorage({ directory: root }));
    expect(stats.bytesWritten).toBe(stats.saves * 4096);

    for (const damage of [(p: string) => flip(p, 2000), (p: string) => unlinkSync(p)]) {
      const storage = new DiskStorage({ directory: root });
      const toy = new ToyProblem({ nbytes: 4096, log: false });
      const revolver = new Revolver({ ...toy, nTimesteps: 60, nCheckpoints: 5, storage });
      revolver.applyForward();
      const path = storage.pathOf(0);
      damage(path);
      const error = catchError(() => revolver.applyReverse());
      expect(error).toBeInstanceOf(CheckpointCorruptError);
      expect(error.message).toContain(path);
      expect(toy.violations).toEqual([]); // the damaged state never reached the simulation
      revolver.close();
    }
  });
});

describe('TwoLevelStorage', () => {
  it('keeps the most restored slots in memory and the rest on disk', () => {
    const n = 200;
    const c = 8;
    const summary = summarizeSchedule(n, c);
    const fast = new MemoryStorage();
    const storage = new TwoLevelStorage({ fast, slow: new DiskStorage({ directory: root }), fastSlots: 3 });
    const { stats } = adjoint(storage, n, c, 512);
    const byRestores = summary.restoresPerSlot.map((r, slot) => ({ r, slot })).sort((p, q) => q.r - p.r || q.slot - p.slot);
    const fastSlots = byRestores.slice(0, 3).map((e) => e.slot);
    for (let slot = 0; slot < summary.peakSlots; slot++) {
      expect(storage.tierOf(slot)).toBe(fastSlots.includes(slot) ? 'fast' : 'slow');
    }
    const tiers = storage.tierCounters();
    const fastRestores = fastSlots.reduce((sum, slot) => sum + summary.restoresPerSlot[slot], 0);
    expect(tiers.fast.reads).toBe(fastRestores);
    expect(tiers.fast.reads + tiers.slow.reads).toBe(stats.restores);
    expect(tiers.fast.reads).toBeGreaterThan(tiers.slow.reads); // 3 of 8 slots take most of the traffic
    expect(stats.reservedBytes).toBe(3 * 512);
    storage.close();
  });

  it('works with every slot fast, or none', () => {
    for (const fastSlots of [0, 100]) {
      const storage = createStorage({ kind: 'two-level', fastSlots, directory: root });
      adjoint(storage, 40, 4, 256);
      storage.close();
    }
  });
});

describe('compression', () => {
  for (const codec of ['lz4', 'deflate'] as const) {
    it(`${codec}: round-trips and reports the ratio achieved`, () => {
      const c = createCodec(codec);
      const data = bytes(10_000, 5);
      const packed = c.compress(data);
      expect(packed.length).toBeLessThan(data.length);
      const out = new Uint8Array(data.length);
      c.decompress(packed, out);
      expect(out).toEqual(data);

      const storage = createStorage({ kind: 'memory', compression: codec });
      const { stats } = adjoint(storage, 60, 5, 4096, 'pattern');
      expect(stats.compressionRatio).toBeGreaterThan(4);
      expect(stats.bytesWritten).toBeLessThan((stats.saves * 4096) / 4);
      expect(stats.reservedBytes).toBeLessThanOrEqual(5 * 4096); // sized for raw data, whatever the ratio
    });
  }

  it('stores incompressible states raw, never larger', () => {
    const inner = new MemoryStorage();
    const storage = new CompressedStorage(inner, 'lz4');
    storage.open(layout(1, 4096));
    const noise = new Uint8Array(randomBytes(4096));
    expect(roundTrip(storage, 0, noise)).toEqual(noise);
    expect(inner.counters().bytesWritten).toBe(4096);
    expect(storage.compression()).toMatchObject({ rawBytes: 4096, storedBytes: 4096 });

    const { stats } = adjoint(new CompressedStorage(new MemoryStorage(), 'lz4'), 30, 4, 4096, 'random');
    expect(stats.compressionRatio).toBeGreaterThanOrEqual(1);
    expect(stats.bytesWritten).toBeLessThanOrEqual(stats.saves * 4096);
  });

  it('compressed files on disk are still checksummed', () => {
    const disk = new DiskStorage({ directory: root });
    const storage = new CompressedStorage(disk, 'deflate');
    storage.open(layout(1, 4096));
    roundTrip(storage, 0, bytes(4096, 1));
    expect(readFileSync(disk.pathOf(0)).length).toBeLessThan(1000);
    flip(disk.pathOf(0), 45);
    expect(() => storage.read(0, () => {})).toThrow(CheckpointCorruptError);
    storage.close();
  });

  it('a payload that does not decompress is CheckpointCorruptError', () => {
    const inner = new MemoryStorage();
    const storage = new CompressedStorage(inner, 'lz4');
    storage.open(layout(1, 4096));
    storage.write(0, 4096, (dst) => dst.set(bytes(4096, 1)));
    inner.write(0, 20, (dst) => dst.fill(0xab)); // damage behind the wrapper's back
    expect(() => storage.read(0, () => {})).toThrow(/lz4: payload declares/);
    // Truncated: the block ends early. (lz4 blocks carry no checksum; the disk tier's CRC covers them.)
    const packed = createCodec('lz4').compress(bytes(4096, 1)).subarray(0, 30);
    inner.write(0, packed.length, (dst) => dst.set(packed));
    expect(() => storage.read(0, () => {})).toThrow(CheckpointCorruptError);
  });

  it('two-level compresses its disk tier only', () => {
    const storage = createStorage({ kind: 'two-level', fastSlots: 2, directory: root, compression: 'lz4' });
    const { stats } = adjoint(storage, 80, 6, 4096);
    expect(stats.compressionRatio).toBeGreaterThan(4);
    expect(stats.reservedBytes).toBe(2 * 4096);
    storage.close();
  });
});

function flip(path: string, offset: number): void {
  const data = readFileSync(path);
  data[offset] ^= 0xff;
  writeFileSync(path, data);
}

function catchError(f: () => void): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
