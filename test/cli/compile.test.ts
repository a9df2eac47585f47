import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runNode, scratchDir, type RunResult } from './cli-helpers.ts';

const FIXTURE = 'test/fixtures/cli/two-operators.ts';

interface ManifestOperator {
  name: string;
  files: { c: string; library: string; binding: string };
  parameters: { name: string; kind: string; ctype: string; role?: string; value?: number }[];
  fields: { name: string; dtype: string; allocatedShape: number[]; domainShape: number[]; halo: number[] }[];
  compiler: { command: string; flags: string[]; version: string; target: { cpu: string; options: string[] } | null };
  hash: string;
  sourceSha256: string;
}

describe('devito-ts compile', () => {
  const scratch = scratchDir('cli-compile');
  const out = join(scratch.dir, 'kernels');
  let compiled: RunResult;

  beforeAll(async () => {
    compiled = await runCli(['compile', FIXTURE, '--out', out]);
  });
  afterAll(() => scratch.remove());

  it('writes .c, .so, .ts per exported operator and a manifest', () => {
    expect(compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    for (const name of ['heat', 'wave']) {
      for (const ext of ['c', 'so', 'ts']) expect(existsSync(join(out, `${name}.${ext}`)), `${name}.${ext}`).toBe(true);
      expect(readFileSync(join(out, `${name}.c`), 'utf8')).toContain(`int ${name}(`);
    }
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { operators: ManifestOperator[] };
    expect(manifest.operators.map((op) => op.name)).toEqual(['heat', 'wave']);
    const [heat, wave] = manifest.operators;
    expect(heat!.parameters[0]).toEqual({ name: 'u_vec', kind: 'field', ctype: 'float *restrict', ffi: 'float *', of: 'u' });
    expect(heat!.fields[0]).toMatchObject({ name: 'u', dtype: 'float32', allocatedShape: [2, 20, 16, 16], domainShape: [2, 16, 12, 10], halo: [2, 2, 2], padding: 2 });
    expect(heat!.parameters.filter((p) => p.kind === 'blockSize').map((p) => [p.name, p.role, p.value])).toEqual([
      ['x0_blk0_size', 'block', 32], ['y0_blk0_size', 'block', 32], ['time_tile_size', 'timeTile', 4], ['x_wave_size', 'wave', 2],
    ]);
    expect(wave!.fields.map((f) => f.dtype)).toEqual(['float64', 'float64']);
    expect(wave!.parameters.find((p) => p.name === 'src_coords')).toMatchObject({ kind: 'coordinates', ctype: 'const double *restrict' });
    expect(heat!.compiler.flags).toContain('-fopenmp');
    expect(heat!.compiler.version).toMatch(/\d+\.\d+/);
    // The default flags hold -march=native: the manifest says what it meant here (part of the cache key).
    expect(heat!.compiler.flags).toContain('-march=native');
    expect(heat!.compiler.target?.cpu).toMatch(/^[\w.-]+$/);
    expect(heat!.compiler.target?.cpu).not.toBe('native');
    expect(heat!.compiler.target?.options).toContain(`-march=${heat!.compiler.target?.cpu}`);
    expect(readFileSync(join(out, 'heat.ts'), 'utf8')).toContain(`// Built for ${heat!.compiler.target?.cpu} (-march=native where it was compiled)`);
    expect(heat!.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(heat!.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a separate program runs the generated bindings and gets the Operators\' results bit for bit', async () => {
    const run = await runNode(['--import', 'tsx', 'test/fixtures/cli/run-binding.ts', out]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('heat u: identical');
    expect(run.stdout).toContain('heat u, blocks 4×3: identical');
    expect(run.stdout).toContain('wave v: identical');
    expect(run.stdout).toContain('wave rec: identical');
    expect(run.stdout).toContain('rec energy non-zero');
    expect(run.stdout).toContain('wrong dtype: heat.apply: u must be a Float32Array, got Float64Array');
    expect(run.stdout).toMatch(/point outside: wave\.apply: src_coords: point 0 .* outside the grid/);
    expect(run.code).toBe(0);
  });

  it('a binding reports a kernel out of memory with its own KernelOutOfMemoryError, and other statuses as internal', async () => {
    // The same binding with its C function swapped for a stub returning a fixed status.
    const text = readFileSync(join(out, 'heat.ts'), 'utf8');
    expect(text).toMatch(/export class KernelOutOfMemoryError extends Error/);
    const stubbed = async (status: number): Promise<unknown> => {
      const file = join(out, `heat-status${status}.ts`);
      const stub = text.replace(/const kernel = library\.func\([^;]*\);/, `const kernel = (..._args: unknown[]): number => ${status};`);
      expect(stub).not.toBe(text);
      writeFileSync(file, stub);
      type Binding = { apply(args: object): unknown; fields: { u: { length: number } }; KernelOutOfMemoryError: ErrorConstructor };
      const binding = (await import(pathToFileURL(file).href)) as Binding;
      try {
        binding.apply({ u: new Float32Array(binding.fields.u.length), timeMax: 1, dt: 1e-4 });
      } catch (error) {
        return { error, Class: binding.KernelOutOfMemoryError };
      }
      return undefined;
    };
    const oom = (await stubbed(1)) as { error: Error; Class: ErrorConstructor };
    expect(oom.error).toBeInstanceOf(oom.Class);
    expect(oom.error.name).toBe('KernelOutOfMemoryError');
    expect(oom.error.message).toMatch(/^heat: out of memory ordering the receivers of a time-tiled loop/);
    const other = (await stubbed(5)) as { error: Error; Class: ErrorConstructor };
    expect(other.error).not.toBeInstanceOf(other.Class);
    expect(other.error.message).toBe('internal: heat: the kernel returned status 5');
  });

  it('the generated bindings type-check in strict mode, and their types catch wrong buffers', () => {
    // A typed downstream use: correct calls compile, wrong ones must not.
    writeFileSync(join(out, 'usage.ts'), [
      "import { apply as heat, fields } from './heat.ts';",
      "import { apply as wave, type WaveTimers } from './wave.ts';",
      'const u = new Float32Array(fields.u.length);',
      'const timers: number = heat({ u, timeMax: 3, dt: 1e-4, alpha: 0.25, x0_blk0_size: 8 }).sections.section0;',
      "declare const f64: Float64Array;",
      'const w: WaveTimers = wave({ m: f64, v: f64, src: f64, rec: f64, src_coords: f64, rec_coords: f64, dt: 1 });',
      '// @ts-expect-error u is float32',
      'heat({ u: f64, timeMax: 3, dt: 1e-4 });',
      '// @ts-expect-error dt is required',
      'heat({ u, timeMax: 3 });',
      '// @ts-expect-error sizes are fixed when compiled',
      'heat({ u, timeMax: 3, dt: 1e-4, u_x_size: 30 });',
      '// @ts-expect-error no such argument',
      'heat({ u, timeMax: 3, dt: 1e-4, z0_blk0_size: 4 });',
      'export { timers, w };',
      '',
    ].join('\n'));
    const program = ts.createProgram({
      rootNames: ['heat.ts', 'wave.ts', 'usage.ts'].map((name) => join(out, name)),
      options: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noImplicitReturns: true,
        noUnusedLocals: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        types: ['node'],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(diagnostics).toEqual([]);
  });

  it('--name compiles one operator; --print prints its C and writes nothing', async () => {
    const only = join(scratch.dir, 'only-wave');
    const [named, printed] = await Promise.all([
      runCli(['compile', FIXTURE, '--no-typecheck', '--name', 'wave', '--out', only]),
      runCli(['compile', FIXTURE, '--no-typecheck', '--name', 'heat', '--print', '--out', join(scratch.dir, 'printed')]),
    ]);
    expect(named.code).toBe(0);
    expect(existsSync(join(only, 'wave.ts'))).toBe(true);
    expect(existsSync(join(only, 'heat.ts'))).toBe(false);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('int heat(');
    expect(printed.stdout).not.toContain('int wave(');
    expect(existsSync(join(scratch.dir, 'printed'))).toBe(false);
  });
});
