import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFwi, type FwiJobResult } from '../../src/cli/fwi/inversion-job.ts';
import { readNpy } from '../../src/io/npy.ts';
import { runCli, scratchDir } from './cli-helpers.ts';

const scratch = scratchDir('fwi');
afterAll(() => scratch.remove());

interface Summary {
  misfit: number[];
  modelError: number[];
  inversion: { iterations: number; evaluations: number; bounds: [number, number] };
  seconds: { total: number; fwi: number; perIteration: number[] };
}

// 60 × 30 points, 2 shots, 2 iterations; vmax 3.0 below the salt's 4.5 so the upper bound is
// active. One thread: on a busy 2-core machine two spinning OpenMP threads make the times erratic.
const bounds: [number, number] = [1.5, 3.0];

describe('devito-ts fwi (the inversion job), tiny', () => {
  const out = join(scratch.dir, 'out');
  const lines: string[] = [];
  let result: FwiJobResult;
  beforeAll(() => {
    result = runFwi({
      nx: 60, nz: 30, shots: 2, iterations: 2, tn: 500, f0: 0.015, bounds, maxStep: 0.3, smoothing: 30,
      memoryBytes: 1e6, out, spaceOrder: 8, nbl: 10, nthreads: 1, interactive: false, log: (line) => lines.push(line),
    });
  });

  it('misfit and model error fall at every iteration', () => {
    expect(result.iterations).toBe(2);
    expect(result.misfit).toHaveLength(3);
    expect(result.modelError).toHaveLength(3);
    for (let k = 1; k < 3; k++) {
      expect(result.misfit[k]!).toBeLessThan(result.misfit[k - 1]!);
      expect(result.modelError[k]!).toBeLessThan(result.modelError[k - 1]!);
    }
    // One line per pass over the shots (RTM, then each evaluation) and one per iteration.
    expect(lines.filter((l) => /^ {2}evaluation \d+ +2 shots: forward \+ adjoint, [\d.]+ s$/.test(l))).toHaveLength(result.evaluations);
    expect(lines.filter((l) => l.startsWith('  RTM (start model)'))).toHaveLength(1);
    expect(lines.filter((l) => /^iteration \d\/2: misfit /.test(l))).toHaveLength(2);
  });

  it('every model stays inside the bounds, and the upper one is reached', () => {
    const models = [result.vp, readNpy(join(out, 'vp_iteration_1.npy')).data, readNpy(join(out, 'vp_iteration_2.npy')).data];
    for (const vp of models) {
      expect(Math.min(...vp)).toBeGreaterThanOrEqual(bounds[0]);
      expect(Math.max(...vp)).toBeLessThanOrEqual(bounds[1]);
    }
    expect(result.vp.some((v) => v === bounds[1])).toBe(true);
    expect(Array.from(readNpy(join(out, 'vp_iteration_2.npy')).data)).toEqual(Array.from(Float32Array.from(result.vp)));
  });

  it('writes every model, the first gradient and the RTM image as [nx, nz] .npy with a PNG, and the misfit plot', () => {
    const names = ['vp_true', 'vp_start', 'vp_iteration_1', 'vp_iteration_2', 'gradient', 'rtm'];
    for (const name of names) {
      const array = readNpy(join(out, `${name}.npy`));
      expect(array.shape).toEqual([60, 30]);
      expect(array.data.every(Number.isFinite)).toBe(true);
      expect(existsSync(join(out, `${name}.png`))).toBe(true);
      expect(result.files).toContain(`${name}.npy`);
    }
    expect(Math.max(...readNpy(join(out, 'vp_true.npy')).data)).toBe(4.5);
    expect(Math.max(...readNpy(join(out, 'vp_start.npy')).data)).toBeLessThan(3.1); // no salt in the start
    // The water is muted: the gradient is exactly 0 in the top rows.
    const gradient = readNpy(join(out, 'gradient.npy')).data;
    for (let i = 0; i < 60; i++) expect(gradient[i * 30]).toBe(0);
    const png = PNG.sync.read(readFileSync(join(out, 'misfit.png')));
    expect(png.width).toBeGreaterThan(200);
  });

  it('summary.json holds the numbers the job returned', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.misfit).toEqual(result.misfit);
    expect(summary.modelError).toEqual(result.modelError);
    expect(summary.inversion.iterations).toBe(result.iterations);
    expect(summary.inversion.evaluations).toBe(result.evaluations);
    expect(summary.inversion.bounds).toEqual(bounds);
    expect(summary.seconds.total).toBe(result.seconds.total);
    expect(summary.seconds.perIteration).toEqual(result.seconds.perIteration);
  });

  it('the command rejects bad bounds with a one-line error', async () => {
    const run = await runCli(['fwi', '--vmin', '3', '--vmax', '2', '--out', join(scratch.dir, 'bad')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('devito-ts: --vmin must be below --vmax, got 3 and 2');
  });
});
