import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PASS_NAMES, passOperator, type PassName } from './pass-ops.ts';

function fixture(name: string): string {
  const url = new URL(`../fixtures/passes/without-${name}.c`, import.meta.url);
  if (!existsSync(url)) throw new Error(`missing golden fixture ${url.pathname}; regenerate it from test/passes/pass-ops.ts and review it`);
  return readFileSync(url, 'utf8');
}

/** Runs 10 steps from a fixed start; returns the final raw buffer. */
function run(without: PassName | undefined, dtype: 'float32' | 'float64', padding = true) {
  const { u, m, op } = passOperator(without, dtype, padding);
  const [nx, ny, nz] = u.grid.shape as [number, number, number];
  const size = nx * ny * nz;
  const start = new Float64Array(3 * size);
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) for (let k = 0; k < nz; k++) {
    const g = Math.exp(-((i - 10) ** 2 + (j - 8) ** 2 + (k - 7) ** 2) / 6);
    start[(i * ny + j) * nz + k] = g;
    start[size + (i * ny + j) * nz + k] = g;
  }
  u.data.assign(dtype === 'float32' ? Float32Array.from(start) : start);
  const mv = Float64Array.from({ length: size }, (_, i) => 1 / (1.5 + 0.5 * Math.sin(i)) ** 2);
  m.data.assign(dtype === 'float32' ? Float32Array.from(mv) : mv);
  const blocks = without === 'blocking' ? {} : { x0_blk0_size: 6, y0_blk0_size: 5 };
  // Tiles of 3 steps (10 steps: 3, 3, 3, 1) in waves of 5 planes (21 planes: 4 waves and 1).
  const tiles = without === 'timeTiling' ? {} : { time_tile_size: 3, x_wave_size: 5 };
  op.apply({ timeMin: 1, timeMax: 10, dt: 2, nthreads: 2, ...blocks, ...tiles });
  return u.data.toArray();
}

/** The fully optimised kernel's result per dtype, computed once and compared against by every case. */
const optimised = new Map<'float32' | 'float64', Float32Array | Float64Array>();
function reference(dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  if (!optimised.has(dtype)) optimised.set(dtype, run(undefined, dtype));
  return optimised.get(dtype)!;
}

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    norm = Math.max(norm, Math.abs(b[i]!));
  }
  return diff / norm;
}

// Passes that only reschedule loops keep every operation of every point: bitwise equal.
// Factorisation and hoisting re-associate products and sums; CSE's temporaries re-enter the
// canonical (sorted) operand order under new names, which reorders some sums: equal to round-off.
const BITWISE: Record<PassName, boolean> = { factorize: false, hoist: false, cse: false, blocking: true, timeTiling: true, jam: true, fixedStrides: true, openmp: true, vectorWindows: true };

describe('optimisation passes: golden C with each pass off, and the same numbers', () => {
  it('with every pass on, the C matches its golden file', () => {
    expect(passOperator().op.ccode).toBe(fixture('none'));
  });

  for (const pass of PASS_NAMES) {
    it(`without ${pass}: golden C, and results ${BITWISE[pass] ? 'bitwise equal' : 'equal to round-off'} to the fully optimised kernel`, () => {
      const { op } = passOperator(pass);
      expect(op.ccode).toBe(fixture(pass));
      expect(op.ccode).not.toBe(fixture('none').replace(/acoustic_all/g, `acoustic_${pass}`)); // the pass did something
      const all = reference('float64');
      const off = run(pass, 'float64');
      expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.05);
      if (BITWISE[pass]) {
        expect(Buffer.from(off.buffer).equals(Buffer.from(all.buffer))).toBe(true);
        const all32 = reference('float32');
        const off32 = run(pass, 'float32');
        expect(Buffer.from(off32.buffer).equals(Buffer.from(all32.buffer))).toBe(true);
      } else {
        expect(relativeDifference(off, all)).toBeLessThan(1e-13);
        expect(relativeDifference(run(pass, 'float32'), reference('float32'))).toBeLessThan(1e-5);
      }
    });
  }

  it('dense rows (padding: false): golden C differing only in the row extent, and bitwise equal results', () => {
    const dense = passOperator(undefined, 'float32', false);
    expect(dense.u.data.allocatedShape).toEqual([3, 25, 22, 19]);
    expect(passOperator().u.data.allocatedShape).toEqual([3, 25, 22, 32]);
    expect(dense.op.ccode).toBe(fixture('none-dense'));
    // The row extent appears in the array casts ([32]) and in the vector loop's row offsets (*32).
    expect(dense.op.ccode).toBe(fixture('none').replace(/acoustic_all/g, 'acoustic_dense').replace(/\[32\]/g, '[19]').replace(/\)\*32 \+/g, ')*19 +'));
    for (const dtype of ['float32', 'float64'] as const) {
      const padded = reference(dtype);
      const unpadded = run(undefined, dtype, false);
      expect(Math.max(...padded.map(Math.abs))).toBeGreaterThan(0.05);
      expect(Buffer.from(unpadded.buffer).equals(Buffer.from(padded.buffer))).toBe(true);
    }
  });

  it('factorisation lowers the flop count; CSE and hoisting do too', () => {
    const all = passOperator().op.flopsPerPoint;
    expect(passOperator('factorize').op.flopsPerPoint).toBeGreaterThan(all);
    expect(passOperator('cse').op.flopsPerPoint).toBeGreaterThan(all);
    expect(passOperator('hoist').op.flopsPerPoint).toBeGreaterThan(all);
  });
});
