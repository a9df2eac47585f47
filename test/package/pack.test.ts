// The package as a user gets it: `npm pack`, installed into a fresh project, used from plain
// JavaScript, from strict TypeScript (NodeNext) and through its `bin`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Eq, Function, Grid, Operator, TimeFunction, solve } from '../../src/index.ts';
import { ROOT } from '../cli/cli-helpers.ts';

interface PackResult {
  readonly filename: string;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const pinned = (name: string): string => `${name}@${rootPackage.devDependencies[name]!}`;

const work = mkdtempSync(join(tmpdir(), 'devito-ts-pack-'));
const project = join(work, 'project');
let pack: PackResult;

/** npm in `cwd`, from the local cache when it can (only the npm registry is reachable anyway). */
function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
}
const install = (...specs: string[]): string => npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], project);

function run(command: string, args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, [...args], { cwd: project, encoding: 'utf8', timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same small wave program the TypeScript user file runs; its field's sum, printed with full precision. */
const WAVE_PROGRAM = `
const grid = new Grid({ shape: [31, 27], extent: [300, 260] });
const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: 4 });
const m = new Function({ name: 'm', grid });
m.data.fill(1 / 1.5 ** 2);
u.data.set(1, 15, 13, 1);
const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], { name: 'wave' });
op.apply({ timeMin: 1, timeMax: 30, dt: 2 });
`;

function waveSumHere(): number {
  const run = new globalThis.Function('Grid', 'TimeFunction', 'Function', 'Eq', 'solve', 'Operator', `${WAVE_PROGRAM}\nreturn u.data.toArray();`) as (...args: unknown[]) => Float32Array;
  return run(Grid, TimeFunction, Function, Eq, solve, Operator).reduce((sum, value) => sum + value, 0);
}

beforeAll(() => {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], ROOT)) as PackResult[];
  pack = packed!;
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  install(join(work, pack.filename), pinned('typescript'), pinned('@types/node'));
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the build, templates, bin, README and LICENSE, and nothing of tests, benches or sources', () => {
    const paths = pack.files.map((f) => f.path);
    console.log(`tarball ${pack.filename}: ${paths.length} files, ${(pack.unpackedSize / 1e6).toFixed(2)} MB unpacked`);
    for (const needed of ['dist/index.js', 'dist/index.d.ts', 'dist/io/index.js', 'dist/revolve/index.d.ts', 'templates/kernel.c.hbs', 'templates/zfp-shim.c', 'bin/devito-ts.js', 'README.md', 'LICENSE', 'package.json']) {
      expect(paths).toContain(needed);
    }
    expect(paths.filter((p) => !/^(dist|templates|bin)\/|^(README\.md|LICENSE|package\.json)$/.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|bench|fixtures|__tests__)\/|\.test\.|\.tsbuildinfo$|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(pack.unpackedSize).toBeLessThan(2_000_000);
  });
});

describe('installed into a fresh project', () => {
  it("runs the README's Example as plain .mjs with node", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from 'devito-ts'");
    writeFileSync(join(project, 'example.mjs'), example!);
    const result = run(process.execPath, ['example.mjs']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/int forward\(/);
    expect(Number(/([\d.e+-]+) GPts\/s/.exec(result.stdout)?.[1])).toBeGreaterThan(0);
  });

  it('type-checks a strict NodeNext .ts file (noUncheckedIndexedAccess) with tsc and runs it, bitwise equal to the sources', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true, outDir: 'build', types: ['node'] },
      include: ['main.ts'],
    }));
    writeFileSync(join(project, 'main.ts'), [
      "import { Grid, Function, TimeFunction, Eq, solve, Operator, DevitoError, type FieldData } from 'devito-ts';",
      "import { Revolver, type StorageSpec } from 'devito-ts/revolve';",
      "import { encodeNpy } from 'devito-ts/io';",
      WAVE_PROGRAM,
      'const data: FieldData = u.data;',
      'const values = data.toArray();',
      'const first: number | undefined = values[0];',
      "const spec: StorageSpec = { kind: 'memory' };",
      'let sum = 0;',
      'for (const value of values) sum += value;',
      'console.log(JSON.stringify({ sum, first, revolver: typeof Revolver, npy: encodeNpy(values, data.shape).length, error: DevitoError.name, spec: spec.kind }));',
    ].join('\n'));
    const tsc = run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    const result = run(process.execPath, ['build/main.js']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { sum: number; revolver: string; npy: number; error: string; spec: string };
    expect(printed.sum).toBe(waveSumHere());
    expect(printed.sum).not.toBe(0);
    expect(printed).toMatchObject({ revolver: 'function', error: 'DevitoError', spec: 'memory' });
    expect(printed.npy).toBe(128 + 3 * 31 * 27 * 4); // three time slots of float32
  });

  it('runs devito-ts --help and devito-ts compile through the installed bin, naming ts-morph when it is missing', () => {
    const bin = join(project, 'node_modules/.bin/devito-ts');
    const help = run(bin, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/compile \[options\] <file>/);

    writeFileSync(join(project, 'heat.ts'), [
      "import { Grid, TimeFunction, Eq, solve, Operator } from 'devito-ts';",
      "const grid = new Grid({ shape: [21, 21], extent: [1, 1], dtype: 'float64' });",
      "const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });",
      "export const heat = new Operator([new Eq(u.forward, solve(u.dt.sub(u.laplace.mul(0.1)), u.forward))], { name: 'heat' });",
    ].join('\n'));
    const noTsMorph = run(bin, ['compile', 'heat.ts', '--out', 'kernels']);
    expect(noTsMorph.code).toBe(1);
    expect(noTsMorph.stderr).toMatch(/^devito-ts: devito-ts compile .* needs the package ts-morph, which is not installed: npm install --save-dev ts-morph\n$/);

    install(pinned('ts-morph'), pinned('tsx'));
    const compiled = run(bin, ['compile', 'heat.ts', '--out', 'kernels']);
    expect(compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    for (const file of ['heat.c', 'heat.so', 'heat.ts', 'manifest.json']) expect(existsSync(join(project, 'kernels', file))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(project, 'kernels/manifest.json'), 'utf8')) as { operators: { name: string }[] };
    expect(manifest.operators.map((o) => o.name)).toEqual(['heat']);
  });
});
