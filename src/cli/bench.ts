import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserFileError } from './compile-load.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchOptions {
  /** Benchmark script under bench/, without `.ts` (default `acoustic`). */
  readonly name: string;
  /** Small problem (`--size 64`) for a quick check that the benchmark runs. */
  readonly quick: boolean;
  /** Extra arguments passed through to the script. */
  readonly args: readonly string[];
}

/** Runs `node --import tsx bench/<name>.ts` with inherited stdio; resolves to its exit status. */
export function runBench(options: BenchOptions): number {
  const script = `${ROOT}bench/${options.name}.ts`;
  if (!/^[\w-]+$/.test(options.name) || !existsSync(script)) {
    const available = existsSync(`${ROOT}bench`) ? readdirSync(`${ROOT}bench`).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)) : [];
    throw new UserFileError(`bench: no benchmark named ${options.name}; bench/ has ${available.join(', ') || 'none'}`);
  }
  const args = [...(options.quick ? ['--size', '64'] : []), ...options.args];
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 2;
}
