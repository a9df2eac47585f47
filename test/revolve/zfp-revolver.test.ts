import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Checkpoint,
  CheckpointOperator,
  Eq,
  Function,
  Grid,
  Operator,
  Revolver,
  solve,
  TimeFunction,
  type Checkpointable,
  type Stepper,
} from '../../src/index.ts';
import { checkpointSegments, createStorage, predictForwardSteps, ZfpCodec, type StorageSpec } from '../../src/revolve/index.ts';
import { descending } from './toy.ts';
import { bytesOf, maxAbsDiff } from './zfp-fields.ts';

const root = mkdtempSync(join(tmpdir(), 'devito-ts-zfp-revolver-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The exact state k of the toy: a pulse travelling across a 2D grid over a rotating sine pattern. */
function exact(k: number, ny: number, nx: number): Float64Array {
  const out = new Float64Array(ny * nx);
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const x = j / nx;
      const y = i / ny;
      const r2 = (x - 0.2 - 0.01 * k) ** 2 + (y - 0.5) ** 2;
      out[i * nx + j] = (1 - r2 / 0.004) * Math.exp(-r2 / 0.004) + 0.3 * Math.sin(2 * Math.PI * (2 * x + 3 * y) + 0.05 * k);
    }
  }
  return out;
}

/**
 * A float64 2D state advanced by u += exact(k+1) − exact(k), so an error restored into it is
 * carried forward unchanged: after `depth` lossy restores in a state's history its error is at
 * most depth × tolerance. It records the error and depth it sees at each reverse step.
 */
class SmoothToy {
  readonly u: Float64Array;
  step = 0;
  /** Lossy round trips in the live state's history. */
  depth = 0;
  readonly reversed: number[] = [];
  readonly seen: { t: number; error: number; depth: number }[] = [];
  readonly violations: string[] = [];
  private readonly depthAt = new Map<number, number>();
  readonly checkpoint: Checkpointable;
  readonly forward: Stepper;
  readonly reverse: Stepper;

  constructor(readonly ny: number, readonly nx: number) {
    this.u = exact(0, ny, nx);
    this.checkpoint = {
      nbytes: this.u.byteLength,
      save: (slot, step) => {
        if (step !== this.step) this.violations.push(`save of ${step} with ${this.step} live`);
        slot.set(bytesOf(this.u));
        this.depthAt.set(step, this.depth);
      },
      load: (slot, step) => {
        bytesOf(this.u).set(slot);
        this.step = step;
        this.depth = (this.depthAt.get(step) ?? Number.NaN) + 1;
      },
    };
    this.forward = {
      apply: (tStart, tEnd) => {
        if (tStart !== this.step) this.violations.push(`forward(${tStart}) with ${this.step} live`);
        for (let k = tStart; k < tEnd; k++) {
          const [a, b] = [exact(k, ny, nx), exact(k + 1, ny, nx)];
          for (let i = 0; i < this.u.length; i++) this.u[i] += b[i] - a[i];
        }
        this.step = tEnd;
      },
    };
    this.reverse = {
      apply: (t) => {
        if (this.step !== t + 1) this.violations.push(`reverse(${t}) with ${this.step} live`);
        this.reversed.push(t);
        this.seen.push({ t, error: maxAbsDiff(this.u, exact(t + 1, ny, nx)), depth: this.depth });
        this.u.fill(Number.NaN); // the adjoint may reuse the forward buffers
        this.step = Number.NaN;
      },
    };
  }
}

describe('Revolver with zfp storage', () => {
  const tolerance = 1e-5;
  const [ny, nx] = [160, 200];
  const segments = [{ dtype: 'float64', shape: [ny, nx], byteOffset: 0 }] as const;
  const zfp = { codec: 'zfp', tolerance, segments } as const;
  const specs: [string, () => StorageSpec][] = [
    ['memory', () => ({ kind: 'memory', compression: zfp })],
    ['disk', () => ({ kind: 'disk', directory: root, compression: zfp })],
    ['two-level', () => ({ kind: 'two-level', fastSlots: 2, directory: root, compression: zfp })],
  ];
  for (const [label, spec] of specs) {
    it(`${label}: completes the adjoint, reports ratio and error in stats, and errors stay within depth × tolerance`, () => {
      const n = 60;
      const c = 5;
      const toy = new SmoothToy(ny, nx);
      const revolver = new Revolver({ ...toy, nTimesteps: n, nCheckpoints: c, storage: spec() });
      revolver.applyForward();
      revolver.applyReverse();
      const stats = revolver.stats;
      revolver.close();

      expect(toy.violations).toEqual([]);
      expect(toy.reversed).toEqual(descending(n));
      expect(stats.forwardSteps).toBe(predictForwardSteps(n, c));
      expect(stats.compression?.codec).toBe('zfp');
      expect(stats.compressionRatio).toBeGreaterThan(4);
      const counters = stats.compression!;
      expect(counters.rawBytes / counters.storedBytes).toBe(stats.compressionRatio);
      if (label === 'two-level') {
        // Only the disk tier compresses; the two most restored slots stay raw in memory.
        expect(counters.rawBytes).toBeLessThan(stats.saves * toy.checkpoint.nbytes);
        expect(counters.rawBytes).toBeGreaterThan(0);
      } else {
        expect(counters.rawBytes).toBe(stats.saves * toy.checkpoint.nbytes);
        expect(stats.bytesWritten).toBe(counters.storedBytes);
      }
      expect(stats.compression?.maxAbsError).toBeGreaterThan(0);
      expect(stats.compression?.maxAbsError).toBeLessThanOrEqual(tolerance);
      expect(stats.compression?.maxRelError).toBeLessThanOrEqual(tolerance);
      for (const { t, error, depth } of toy.seen) {
        expect(error, `reverse step ${t}, ${depth} lossy restores deep`).toBeLessThanOrEqual(depth * tolerance + 1e-12);
      }
      // Binomial schedules restore states that were themselves recomputed from restores.
      expect(Math.max(...toy.seen.map((s) => s.depth))).toBeGreaterThan(1);
    });
  }

  it('runs with the default flat float32 layout on float data too (within tolerance, ratio > 1)', () => {
    const state = new Float32Array(exact(0, 100, 100));
    let step = 0;
    const checkpoint: Checkpointable = {
      nbytes: state.byteLength,
      save: (slot) => slot.set(bytesOf(state)),
      load: (slot, s) => {
        bytesOf(state).set(slot);
        step = s;
      },
    };
    let worst = 0;
    const forward: Stepper = { apply: (_a, b) => void (state.set(exact(b, 100, 100)), (step = b)) };
    const reverse: Stepper = { apply: (t) => void (worst = Math.max(worst, maxAbsDiff(state, new Float32Array(exact(t + 1, 100, 100)))), expect(step).toBe(t + 1)) };
    const revolver = new Revolver({ checkpoint, forward, reverse, nTimesteps: 30, nCheckpoints: 4, storage: { kind: 'memory', compression: { codec: 'zfp', tolerance: 1e-3 } } });
    revolver.applyForward();
    revolver.applyReverse();
    // Each restored state is recomputed exactly by this forward, so the error is one round trip's.
    expect(worst).toBeLessThanOrEqual(1e-3);
    expect(revolver.stats.compressionRatio).toBeGreaterThan(1.5);
    revolver.close();
  });

  it('verify: false skips the measurement, and the stats then report no error', () => {
    const toy = new SmoothToy(64, 64);
    const storage = createStorage({ kind: 'memory', compression: { codec: 'zfp', tolerance: 1e-4, segments: [{ dtype: 'float64', shape: [64, 64], byteOffset: 0 }], verify: false } });
    const revolver = new Revolver({ ...toy, nTimesteps: 20, nCheckpoints: 3, storage });
    revolver.applyForward();
    revolver.applyReverse();
    expect(toy.violations).toEqual([]);
    expect(revolver.stats.compressionRatio).toBeGreaterThan(2);
    expect(revolver.stats.compression).toBeDefined();
    expect(revolver.stats.compression?.maxAbsError).toBeUndefined();
    for (const { error, depth } of toy.seen) expect(error).toBeLessThanOrEqual(depth * 1e-4 + 1e-12);
    revolver.close();
  });
});

describe('zfp checkpoints of real fields', () => {
  it('checkpointSegments lays out exactly the bytes a Checkpoint saves, field by field and level by level', () => {
    const grid = new Grid({ shape: [30, 40], extent: [300, 400] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
    const v = new TimeFunction({ name: 'v', grid, timeOrder: 1, spaceOrder: 8, dtype: 'float64' });
    const m = new Function({ name: 'm', grid, spaceOrder: 2 });
    const fields = [u, v, m];
    const checkpoint = new Checkpoint(fields);
    const segments = checkpointSegments(fields);
    expect(segments.map((s) => [s.dtype, s.shape.join('×')])).toEqual([
      // Rows padded to 64 bytes: 44 → 48 float32, 48 float64 already whole, 42 → 48 float32.
      ['float32', '34×48'], ['float32', '34×48'], ['float64', '38×48'], ['float32', '32×48'],
    ]);
    const last = segments[segments.length - 1];
    expect(last.byteOffset + 32 * 48 * 4).toBe(checkpoint.nbytes);

    // Distinct smooth data in each saved level; the ring slot outside the state is left alone.
    const fill = (f: Function, slot: number, k: number) => {
      const [ny, nx] = f.data.allocatedShape.slice(-2);
      const values = exact(k, ny, nx);
      const per = ny * nx;
      for (let i = 0; i < per; i++) f.data.raw[slot * per + i] = values[i];
    };
    fill(u, 0, 0); fill(u, 2, 1); fill(v, 0, 2); fill(m, 0, 3);
    const before = [u, v, m].map((f) => f.data.raw.slice());
    const slot = new Uint8Array(checkpoint.nbytes);
    checkpoint.save(slot, 0);
    const codec = new ZfpCodec({ tolerance: 1e-4, segments });
    const packed = codec.compress(slot).slice();
    expect(packed.length).toBeLessThan(slot.length / 2);
    for (const f of fields) f.data.raw.fill(0);
    const restored = new Uint8Array(slot.length);
    codec.decompress(packed, restored);
    checkpoint.load(restored, 0);
    const per = (f: Function) => f.data.raw.length / (f instanceof TimeFunction ? f.timeSlots : 1);
    expect(maxAbsDiff(u.data.raw.subarray(0, per(u)), before[0].subarray(0, per(u)))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(u.data.raw.subarray(2 * per(u)), before[0].subarray(2 * per(u)))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(v.data.raw.subarray(0, per(v)), before[1].subarray(0, per(v)))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(m.data.raw, before[2])).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(u.data.raw.subarray(0, per(u)), before[0].subarray(0, per(u)))).toBeGreaterThan(0);
  });

  it('a 2D acoustic kernel under the Revolver with zfp checkpoints stays within a stated bound of the exact run', () => {
    const n = 101;
    const nTimesteps = 150;
    const tolerance = 1e-4;
    const grid = new Grid({ shape: [n, n], extent: [1000, 1000] });
    const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 8 });
    const m = new Function({ name: 'm', grid, spaceOrder: 8 });
    m.data.fill(1 / 1.5 ** 2);
    const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'zfp_cp_forward' });
    const initial = new Float32Array(3 * n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const g = Math.exp(-((i - 50) ** 2 + (j - 40) ** 2) / 30);
      initial[i * n + j] = g;
      initial[2 * n * n + i * n + j] = 0.95 * g;
    }
    const slice = (t: number) => u.data.toArray().slice((((t % 3) + 3) % 3) * n * n, ((((t % 3) + 3) % 3) + 1) * n * n);
    u.data.assign(initial);
    const reference = [slice(0)];
    for (let t = 0; t < nTimesteps; t++) {
      op.apply({ timeMin: t, timeMax: t, dt: 2 });
      reference.push(slice(t + 1));
    }
    u.data.assign(initial);

    const checkpoint = new Checkpoint([u]);
    const storage = createStorage({ kind: 'memory', compression: { codec: 'zfp', tolerance, segments: checkpointSegments([u]) } });
    let worst = 0;
    const reverse: Stepper = {
      apply(t) {
        worst = Math.max(worst, maxAbsDiff(slice(t + 1), reference[t + 1]), maxAbsDiff(slice(t), reference[t]));
      },
    };
    const revolver = new Revolver({ checkpoint, forward: new CheckpointOperator(op, { dt: 2 }), reverse, nTimesteps, nCheckpoints: 4, storage });
    revolver.applyForward();
    revolver.applyReverse();
    const stats = revolver.stats;
    revolver.close();
    // NOTE: the stated bound: nCheckpoints × tolerance. Each restore is within the tolerance, a
    // state recomputed from restores carries at most one restore's error per nesting level (≤ c),
    // and this stable scheme does not amplify it (measured: 0.93 × tolerance).
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(4 * tolerance);
    expect(stats.compression?.maxAbsError).toBeLessThanOrEqual(tolerance);
    expect(stats.compressionRatio).toBeGreaterThan(3);
  });
});
