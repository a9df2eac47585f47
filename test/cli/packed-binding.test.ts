import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir, type RunResult } from './cli-helpers.ts';

// A kernel with more parameters than koffi binds one by one takes them in one struct; its
// generated binding declares that struct to koffi and fills it per call.
describe('devito-ts compile: a kernel with more than 64 parameters', () => {
  const scratch = scratchDir('cli-packed');
  const out = join(scratch.dir, 'kernels');
  let compiled: RunResult;

  beforeAll(async () => {
    compiled = await runCli(['compile', 'test/fixtures/cli/many-fields.ts', '--out', out]);
  });
  afterAll(() => scratch.remove());

  it('its binding passes the arguments in one struct and gets the Operator\'s result bit for bit', async () => {
    expect(compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    const text = readFileSync(join(out, 'sum30.ts'), 'utf8');
    expect(text).toContain('const Arguments = koffi.struct({');
    expect(text).toContain("library.func('sum30', 'int', [koffi.pointer(Arguments)])");
    expect(readFileSync(join(out, 'sum30.c'), 'utf8')).toContain('const struct sum30_arguments *restrict args');
    type Binding = { apply(args: Record<string, unknown>): { elapsedSeconds: number } };
    const binding = (await import(pathToFileURL(join(out, 'sum30.ts')).href)) as Binding;
    const fixture = await import('../fixtures/cli/many-fields.ts');
    const buffers = Object.fromEntries(fixture.fs.map((f) => [f.name, f.data.raw.slice()]));
    const u = fixture.u.data.raw.slice();
    binding.apply({ ...buffers, u, timeMin: 0, timeMax: 2, x0_blk0_size: 2, nthreads: 2 });
    fixture.sum30.apply({ timeMin: 0, timeMax: 2, nthreads: 1 });
    expect(u).toEqual(fixture.u.data.raw);
    expect(Math.max(...u)).toBeGreaterThan(10);
  });
});
