import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApplyArgumentError, Eq, Function, Grid, Operator, TimeFunction, solve, type OperatorOptions } from '../../src/index.ts';
import { bufferOf } from '../helpers.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'devito-ts-blocking-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function acoustic3d(options: OperatorOptions) {
  const grid = new Grid({ shape: [23, 19, 17], extent: [220, 180, 160] });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 8 });
  const m = new Function({ name: 'm', grid, spaceOrder: 8 });
  const values = new Float32Array(23 * 19 * 17).map((_, i) => 1 / (1.5 + 0.001 * (i % 101)) ** 2);
  m.data.assign(values);
  const pulse = new Float32Array(3 * 23 * 19 * 17);
  for (let i = 0; i < 23; i++) for (let j = 0; j < 19; j++) for (let k = 0; k < 17; k++) {
    const g = Math.exp(-((i - 11) ** 2 + (j - 9) ** 2 + (k - 8) ** 2) / 5);
    pulse[(i * 19 + j) * 17 + k] = g;
    pulse[23 * 19 * 17 + (i * 19 + j) * 17 + k] = g;
  }
  u.data.assign(pulse);
  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'blocked3d', ...options, compiler: { cacheDir } });
  return { u, op };
}


describe('cache blocking', () => {
  it('tiles the two outer loops of 3D nests with runtime block sizes, collapsed under one parallel for', () => {
    const { op } = acoustic3d({ passes: { timeTiling: false } });
    expect(op.ccode).toContain('#pragma omp parallel for collapse(2) schedule(static) num_threads(nthreads)');
    expect(op.ccode).toContain('for (int x0_blk0 = x_m; x0_blk0 <= x_M; x0_blk0 += x0_blk0_size)');
    expect(op.ccode).toContain('for (int y = y0_blk0; y <= MIN(y_M, y0_blk0 + y0_blk0_size - 1); y += 1)');
    expect(op.kernel.parameters.filter((p) => p.kind === 'blockSize').map((p) => p.name)).toEqual(['x0_blk0_size', 'y0_blk0_size']);
    const { op: plain } = acoustic3d({ passes: { blocking: false } });
    expect(plain.ccode).not.toContain('blk0');
    // In a time tile the threads already run: the block loops are shared out over the wave's planes.
    const { op: tiled } = acoustic3d({});
    expect(tiled.ccode).toContain('#pragma omp for collapse(2) schedule(static)\n');
    expect(tiled.ccode).toContain('for (int x0_blk0 = x_wave_m; x0_blk0 <= x_wave_M; x0_blk0 += x0_blk0_size)');
  });

  it('blocked and unblocked kernels give bitwise identical fields, for block sizes that do not divide the grid', () => {
    const { u: reference, op: plain } = acoustic3d({ passes: { blocking: false } });
    plain.apply({ timeMin: 1, timeMax: 12, dt: 1.5, nthreads: 2 });
    for (const [bx, by] of [[5, 7], [3, 19], [23, 4], [1, 1], [64, 64]] as const) {
      const { u, op } = acoustic3d({});
      op.apply({ timeMin: 1, timeMax: 12, dt: 1.5, nthreads: 2, x0_blk0_size: bx, y0_blk0_size: by });
      expect(bufferOf(u.data.raw).equals(bufferOf(reference.data.raw))).toBe(true);
    }
    expect(Math.max(...reference.data.toArray().map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('autotune picks sizes from its candidates, stores them on disk and leaves the results unchanged', () => {
    const { u: reference, op: plain } = acoustic3d({ passes: { blocking: false } });
    plain.apply({ timeMin: 1, timeMax: 8, dt: 1.5, nthreads: 2 });
    const { u, op } = acoustic3d({});
    op.apply({ timeMin: 1, timeMax: 8, dt: 1.5, nthreads: 2, autotune: true });
    expect(bufferOf(u.data.raw).equals(bufferOf(reference.data.raw))).toBe(true);
    const file = join(cacheDir, 'autotune.json');
    expect(existsSync(file)).toBe(true);
    const tuned = Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, number>>);
    expect(tuned).toHaveLength(1);
    expect(tuned[0]!.x0_blk0_size).toBeGreaterThanOrEqual(1);
    expect(tuned[0]!.x0_blk0_size).toBeLessThanOrEqual(23);
  });

  it('rejects a non-positive block size before C runs', () => {
    const { u, op } = acoustic3d({});
    const before = u.data.raw.slice();
    expect(() => op.apply({ timeMin: 1, timeMax: 2, dt: 1.5, x0_blk0_size: 0 })).toThrow(ApplyArgumentError);
    expect(bufferOf(u.data.raw).equals(bufferOf(before))).toBe(true);
  });
});
