import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INDEX, runCli, scratchDir } from './cli-helpers.ts';

const scratch = scratchDir('cli-errors');
afterAll(() => scratch.remove());

/** Writes a user file into the scratch directory; `DEVITO` stands for the package's entry point. */
function userFile(name: string, lines: readonly string[]): string {
  const path = join(scratch.dir, name);
  writeFileSync(path, lines.join('\n').replaceAll('DEVITO', INDEX));
  return path;
}

/** One line on stderr, prefixed with the program name. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^devito-ts: /);
  return lines[0]!;
}

const HEAT = [
  "import { Eq, Grid, Operator, TimeFunction, type OperatorOptions } from 'DEVITO';",
  'const grid = new Grid({ shape: [8, 8] });',
  "const u = new TimeFunction({ name: 'u', grid });",
];

describe('devito-ts compile: user errors are one line and exit 1', () => {
  it('a missing file', async () => {
    const run = await runCli(['compile', 'no-such-model.ts']);
    expect(run.code).toBe(1);
    expect(expectOneLine(run.stderr)).toBe('devito-ts: no-such-model.ts: no such file; give the path of a .ts file that exports Operators');
  });

  it('a type error, reported at its file, line and column', async () => {
    const file = userFile('type-error.ts', [...HEAT, "const steps: number = 'ten';", "export const op = new Operator([new Eq(u.forward, u.add(steps))], { name: 'typo' });"]);
    const run = await runCli(['compile', file]);
    expect(run.code).toBe(1);
    const line = expectOneLine(run.stderr);
    expect(line).toContain('type-error.ts:4:7: error TS2322:');
    expect(line).toContain("Type 'string' is not assignable to type 'number'");
  });

  it('a throw while the file runs, at the user\'s line (not inside devito-ts)', async () => {
    const file = userFile('throws.ts', [...HEAT, "export const op = new Operator([new Eq(u.forward, u.add(1))], { name: 'bad name' });"]);
    const run = await runCli(['compile', file, '--no-typecheck']);
    expect(run.code).toBe(1);
    const line = expectOneLine(run.stderr);
    expect(line).toMatch(/throws\.ts:4:\d+: InvalidNameError: Operator name "bad name" is not a valid C identifier/);
    const verbose = await runCli(['compile', file, '--no-typecheck', '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toContain('Caused by: InvalidNameError');
  });

  it('a syntax error', async () => {
    const file = userFile('syntax.ts', [...HEAT, 'export const op = new Operator([;']);
    const run = await runCli(['compile', file]);
    expect(run.code).toBe(1);
    expect(expectOneLine(run.stderr)).toMatch(/syntax\.ts:4:\d+: error TS\d+/);
  });

  it('a file that exports no Operator', async () => {
    const file = userFile('empty.ts', ['export const answer = 42;']);
    const run = await runCli(['compile', file, '--no-typecheck']);
    expect(run.code).toBe(1);
    expect(expectOneLine(run.stderr)).toMatch(/empty\.ts: exports no Operator/);
  });

  it('--opt other than 3 on operators built at import is refused; on an exported function it sets the passes', async () => {
    const instances = userFile('instances.ts', [...HEAT, "export const op = new Operator([new Eq(u.forward, u.add(1))], { name: 'fixed' });"]);
    const factory = userFile('factory.ts', [
      ...HEAT,
      "export const build = (options: OperatorOptions = {}) => new Operator([new Eq(u.forward, u.laplace.mul(0.1).add(u))], { ...options, name: 'built' });",
    ]);
    const [refused, level0, level3, unknownName] = await Promise.all([
      runCli(['compile', instances, '--no-typecheck', '--opt', '0']),
      runCli(['compile', factory, '--no-typecheck', '--opt', '0', '--print']),
      runCli(['compile', factory, '--no-typecheck', '--print']),
      runCli(['compile', factory, '--no-typecheck', '--name', 'nope', '--print']),
    ]);
    expect(refused.code).toBe(1);
    expect(expectOneLine(refused.stderr)).toContain('--opt 0: ');
    expect(refused.stderr).toContain('export a function instead');
    expect(level0.code).toBe(0);
    expect(level0.stdout).toContain('int built(');
    expect(level0.stdout).not.toContain('#pragma omp');
    expect(level3.stdout).toContain('#pragma omp parallel for');
    expect(unknownName.code).toBe(1);
    expect(expectOneLine(unknownName.stderr)).toContain('--name nope: ');
  });

  it('an invalid --opt is a usage error', async () => {
    const run = await runCli(['compile', 'x.ts', '--opt', '7']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("argument '7' is invalid");
  });
});

describe('found by trying the command line as a new user (issue 15)', () => {
  // Before: "internal error: the TypeScript program lost plain.js" (exit 2).
  it('compile on a JavaScript file runs it untyped; on another kind of file, a user error', async () => {
    const plain = userFile('plain.js', ['export const answer = 42;']);
    const notes = userFile('notes.txt', ['hello']);
    const [js, txt] = await Promise.all([runCli(['compile', plain]), runCli(['compile', notes])]);
    expect(js.code).toBe(1);
    expect(expectOneLine(js.stderr)).toMatch(/plain\.js: exports no Operator/);
    expect(txt.code).toBe(1);
    expect(expectOneLine(txt.stderr)).toMatch(/notes\.txt: not a TypeScript or JavaScript file; give a \.ts \(or \.js\) file that exports Operators$/);
  });

  // Before: an internal ENOTDIR, exit 2.
  it('compile --out through a file is a user error', async () => {
    const file = userFile('out-through-file.ts', [...HEAT, "export const op = new Operator([new Eq(u.forward, u.add(1))], { name: 'blocked' });"]);
    const blocker = userFile('blocker', ['a file, not a directory']);
    const run = await runCli(['compile', file, '--no-typecheck', '--out', join(blocker, 'kernels')]);
    expect(run.code).toBe(1);
    expect(expectOneLine(run.stderr)).toMatch(/--out .*blocker\/kernels: cannot create the output directory \(a file is in the way\); give a directory path$/);
  });

  // Before: demo --threads 0 ran on every core while fwi-gradient refused 0; --memory 0 named the
  // API's memoryBudgetBytes; --small --shots 0 ran with 2 shots (--small overrode explicit flags).
  it('one --threads rule for every command, --memory named as the flag, explicit flags win over --small', async () => {
    const out = join(scratch.dir, 'never');
    const runs = await Promise.all([
      runCli(['demo', '--threads', '0']),
      runCli(['fwi-gradient', '--threads', '0', '--out', out]),
      runCli(['demo', '--threads', '2000']),
      runCli(['fwi-gradient', '--memory', '0', '--out', out]),
      runCli(['fwi-gradient', '--small', '--shots', '0', '--out', out]),
      runCli(['fwi-gradient', '--small', '--tn', '-5', '--out', out]),
    ]);
    const lines = runs.map((run) => {
      expect(run.code).toBe(1);
      return expectOneLine(run.stderr);
    });
    expect(lines).toEqual([
      'devito-ts: --threads must be a positive integer, got 0',
      'devito-ts: --threads must be a positive integer, got 0',
      'devito-ts: --threads must be at most 1024, got 2000',
      'devito-ts: --memory must be a positive size (e.g. 256MB), got 0',
      'devito-ts: --shots must be a positive integer, got 0',
      'devito-ts: --tn must be a positive number, got -5',
    ]);
  });

  // Before: 64 threads on 2 cores ran 30–100× slower with no word.
  it('more threads than cores: one warning line on stderr, and the run goes on', async () => {
    const threads = availableParallelism() + 1;
    const run = await runCli(['demo', '--size', '16', '--steps', '2', '--space-order', '2', '--threads', String(threads)]);
    expect(run.code).toBe(0);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `devito-ts: warning: ${threads} threads on ${threads - 1} core${threads === 2 ? '' : 's'}: the kernels run several times slower oversubscribed; use at most ${threads - 1} threads`,
    ]);
    expect(run.stdout).toContain(`on ${threads} thread(s)`);
  });
});

describe('devito-ts help and other commands', () => {
  it('every command has --help with examples; the program lists exit codes', async () => {
    const runs = await Promise.all([[], ['compile'], ['bench'], ['cache'], ['demo']].map((command) => runCli([...command, '--help'])));
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Examples:');
    }
    expect(runs[0]!.stdout).toContain('Exit codes: 0 ok, 1 user error');
  });

  it('bench refuses an unknown benchmark with exit 1', async () => {
    const run = await runCli(['bench', 'no_such_bench']);
    expect(run.code).toBe(1);
    expect(expectOneLine(run.stderr)).toMatch(/^devito-ts: bench: no benchmark named no_such_bench; available: .*acoustic/);
  });
});
