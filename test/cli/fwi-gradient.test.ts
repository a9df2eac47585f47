import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/io/npy.ts';
import { parseBytes } from '../../src/cli/flags.ts';
import { runCli, scratchDir, type RunResult } from './cli-helpers.ts';

const scratch = scratchDir('fwi-gradient');

interface Counters { forwardSteps: number; reverseSteps: number; saves: number; peakSlots: number; peakCheckpointBytes: number }
interface Summary {
  objective: number;
  shots: number;
  checkpointing: { nCheckpoints: number; peakSlots: number; forwardStepsPerShot: number };
  revolverPerShot: Counters[];
  revolverTotal: Counters & { shots: number };
}
afterAll(() => scratch.remove());

describe('devito-ts fwi-gradient (the main job), small', () => {
  let run: RunResult;
  const out = join(scratch.dir, 'out');
  beforeAll(async () => {
    run = await runCli(['fwi-gradient', '--small', '--no-progress', '--memory', '2MB', '--out', out, '--threads', '2']);
  });

  it('exits 0, reports the checkpoint plan under the budget and the misfit of each shot', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/memory {4}budget 1\.9 MiB, state 0\.\d+ MiB → \d+ checkpoint slots \(\d+ used\) for 608 steps/);
    expect(run.stdout.match(/misfit ½‖d_pred − d_obs‖² = /g)).toHaveLength(2);
  });

  it('summary.json: the plan the console printed, per-shot Revolver counters and their labelled totals; "wrote" lists it', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const [, slots, used] = /→ (\d+) checkpoint slots \((\d+) used\)/.exec(run.stdout)!;
    expect(summary.checkpointing.nCheckpoints).toBe(Number(slots));
    expect(summary.checkpointing.peakSlots).toBe(Number(used));
    expect(summary.shots).toBe(2);
    expect(summary.revolverPerShot).toHaveLength(2);
    for (const shot of summary.revolverPerShot) {
      expect(shot.peakSlots).toBe(Number(used));
      expect(shot.forwardSteps).toBe(summary.checkpointing.forwardStepsPerShot);
      expect(shot.forwardSteps).toBeGreaterThan(608); // the budget forces recomputation
      expect(shot.reverseSteps).toBe(608);
      expect(run.stdout).toContain(`${shot.forwardSteps} forward + 608 reverse steps, ${shot.saves} saves, peak ${used} slots`);
    }
    const total = summary.revolverTotal;
    expect(total.shots).toBe(2);
    expect(total.forwardSteps).toBe(summary.revolverPerShot[0]!.forwardSteps + summary.revolverPerShot[1]!.forwardSteps);
    expect(total.saves).toBe(summary.revolverPerShot[0]!.saves + summary.revolverPerShot[1]!.saves);
    expect(total.peakCheckpointBytes).toBeLessThanOrEqual(2e6);
    expect(summary.objective).toBeGreaterThan(0);
    expect(run.stdout).toContain(`          ${join(out, 'summary.json')}`);
  });

  it('writes PNG figures that decode to non-constant images', () => {
    for (const name of ['vp_true', 'vp_start', 'shot_record', 'gradient']) {
      const png = PNG.sync.read(readFileSync(join(out, `${name}.png`)));
      expect(png.width).toBeGreaterThanOrEqual(60);
      expect(png.height).toBeGreaterThanOrEqual(60);
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
      expect(colours.size).toBeGreaterThan(name === 'vp_true' ? 3 : 10); // the true model has five velocities
    }
  });

  it('writes .npy arrays: shapes from the header, finite values, a gradient that is non-zero inside the model', () => {
    const vp = readNpy(join(out, 'vp_true.npy'));
    expect(vp.shape).toEqual([120, 60]);
    expect(Math.max(...vp.data)).toBeCloseTo(4.5, 5);
    const record = readNpy(join(out, 'shot_record.npy'));
    expect(record.shape[1]).toBe(120);
    expect(record.data.every(Number.isFinite)).toBe(true);
    const gradient = readNpy(join(out, 'gradient.npy'));
    expect(gradient.shape).toEqual([120, 60]);
    expect(gradient.data.every(Number.isFinite)).toBe(true);
    let interior = 0;
    for (let i = 20; i < 100; i++) for (let j = 15; j < 50; j++) interior = Math.max(interior, Math.abs(gradient.data[i * 60 + j]!));
    expect(interior).toBeGreaterThan(0);
  });
});

describe('devito-ts fwi-gradient --model file.npy', () => {
  it('runs on a user model read from NumPy format and writes its gradient in that shape', async () => {
    const path = join(scratch.dir, 'gradient-model.npy');
    const vp = Float32Array.from({ length: 70 * 40 }, (_, k) => (k % 40 < 15 ? 1.6 : 2.2 + 0.3 * Math.sin(k / 40)));
    writeNpy(path, vp, [70, 40]);
    const out = join(scratch.dir, 'from-npy');
    const result = await runCli(['fwi-gradient', '--model', path, '--small', '--no-progress', '--threads', '1', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`model     ${path}: 70 × 40 points`);
    const gradient = readNpy(join(out, 'gradient.npy'));
    expect(gradient.shape).toEqual([70, 40]);
    expect(gradient.data.some((g) => g !== 0)).toBe(true);
  });
});

describe('devito-ts fwi-gradient --storage disk', () => {
  it('checkpoints on disk under <out>/checkpoints (saves counted), and no folder left behind', async () => {
    const out = join(scratch.dir, 'disk');
    const result = await runCli(['fwi-gradient', '--nx', '40', '--nz', '30', '--nbl', '10', '--tn', '120', '--shots', '1', '--memory', '200kB', '--storage', 'disk', '--no-progress', '--threads', '1', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.revolverTotal.saves).toBeGreaterThan(0);
    expect(existsSync(join(out, 'checkpoints'))).toBe(false);
    expect(existsSync(join(out, 'gradient.npy'))).toBe(true);
  });
});

describe('devito-ts fwi-gradient: bad input is one line and exit code 1', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing model file', () => ['--model', join(scratch.dir, 'nope.npy')], /no such file/],
    ['a raw model of the wrong size', () => {
      const path = join(scratch.dir, 'model.bin');
      writeFileSync(path, Buffer.alloc(100 * 4));
      writeFileSync(`${path}.json`, JSON.stringify({ shape: [30, 20], spacing: [10, 10] }));
      return ['--model', path];
    }, /400 bytes, but shape \[30, 20\] of float32 needs 2400/],
    ['a header that is not JSON', () => {
      const path = join(scratch.dir, 'broken.bin');
      writeFileSync(path, Buffer.alloc(16 * 16 * 4));
      writeFileSync(`${path}.json`, '{ shape: ');
      return ['--model', path];
    }, /not valid JSON/],
    ['--memory below one checkpoint', () => ['--small', '--memory', '1kB'], /budget/i],
    ['--memory that is not a size', () => ['--small', '--memory', 'lots'], /cannot read "lots"/],
  ];
  for (const [label, args, message] of cases) {
    it(label, async () => {
      const result = await runCli(['fwi-gradient', '--no-progress', '--out', join(scratch.dir, 'bad'), ...args()]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^devito-ts: /);
      expect(lines[0]).toMatch(message);
      expect(existsSync(join(scratch.dir, 'bad', 'gradient.npy'))).toBe(false);
    });
  }

  it('parses memory sizes', () => {
    expect(parseBytes('256MB', '--memory')).toBe(256e6);
    expect(parseBytes('1GiB', '--memory')).toBe(2 ** 30);
    expect(parseBytes('1.5 kib', '--memory')).toBe(1536);
    expect(parseBytes('4096', '--memory')).toBe(4096);
  });
});
