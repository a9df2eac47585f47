import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { predictForwardSteps } from '../../src/revolve/index.ts';
import { runCli, scratchDir } from './cli-helpers.ts';

/** `label  value` lines of the totals → a map. */
function totals(stdout: string): Map<string, string> {
  return new Map(stdout.split('\n').flatMap((line) => {
    const match = /^([a-z ]+?)\s{2,}(.*)$/.exec(line);
    return match ? [[match[1]!, match[2]!] as [string, string]] : [];
  }));
}

describe('devito-ts schedule', () => {
  const scratch = scratchDir('cli-schedule');
  afterAll(() => scratch.remove());

  it('prints the totals of the binomial schedule', async () => {
    const { code, stdout, stderr } = await runCli(['schedule', '--steps', '1000', '--checkpoints', '10']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const t = totals(stdout);
    expect(t.get('forward steps')).toMatch(new RegExp(`^${predictForwardSteps(1000, 10)} \\(forward sweep 1000, reverse sweep ${predictForwardSteps(1000, 10) - 1000};`));
    expect(t.get('reverse steps')).toBe('1000');
    expect(t.get('predicted time')).toMatch(new RegExp(`^${predictForwardSteps(1000, 10) + 1000}\\.0 ms`));
  });

  it('prints one line per action and writes the figure', async () => {
    const png = join(scratch.dir, 'mixed.png');
    const { code, stdout } = await runCli(['schedule', '--steps', '12', '--checkpoints', '3', '--schedule', 'mixed', '--actions', '--png', png]);
    expect(code).toBe(0);
    const actions = stdout.split('\n').filter((line) => /^\s*\d+  [a-z]+/.test(line));
    expect(actions[0]).toMatch(/^ 0  advance  0 -> 1$/);
    expect(actions.at(-1)).toMatch(/terminate$/);
    expect(actions.filter((line) => line.includes('reverse  step'))).toHaveLength(12);
    expect(totals(stdout).get('forward steps')).toMatch(new RegExp(`^${1 + predictForwardSteps(11, 3)} `));
    expect(existsSync(png)).toBe(true);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('picks a schedule from memory and disk budgets and says why', async () => {
    const { code, stdout } = await runCli([
      'schedule', '--steps', '300', '--memory', '8MB', '--state-bytes', '1000000', '--disk', '100MB', '--schedule', 'auto', '--step-ms', '0.5',
    ]);
    expect(code).toBe(0);
    const t = totals(stdout);
    expect(t.get('picked')).toMatch(/least predicted time/);
    expect(t.get('slots')).toMatch(/memory [1-8],/);
  });

  it('rejects missing or contradictory budgets with a one-line message', async () => {
    for (const args of [
      ['--steps', '10'],
      ['--steps', '10', '--checkpoints', '3', '--memory', '1MB'],
      ['--steps', '10', '--memory', '1MB'],
      ['--steps', '10', '--checkpoints', '3', '--schedule', 'revolve'],
    ]) {
      const { code, stderr } = await runCli(['schedule', ...args]);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
