import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserFileError } from './compile-load.ts';
import { importOptional } from './optional.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchOptions {
  /** Benchmark script under bench/, without `.ts` (default `acoustic`). */
  readonly name: string;
  /** A small, short run: a quick check that the benchmark works. */
  readonly quick: boolean;
  /** Extra arguments passed through to the script. */
  readonly args: readonly string[];
}

/** The runnable benchmarks (other files under bench/ are their helpers) and their quick settings. */
const BENCHMARKS: Readonly<Record<string, readonly string[]>> = {
  acoustic: ['--size', '64', '--reps', '1', '--min-seconds', '0.2', '--stream-n', '20000000'],
  seismic: ['--size', '48'],
  checkpointing: ['--quick'],
  schedules: ['--quick'],
  mpi: ['--size', '48', '--steps', '5'],
};

/** Runs `node --import tsx bench/<name>.ts` with inherited stdio; resolves to its exit status. */
export async function runBench(options: BenchOptions): Promise<number> {
  if (!existsSync(`${ROOT}bench`)) {
    throw new UserFileError('bench: the benchmarks run from a clone of the devito-ts repository (bench/ is not part of the package)');
  }
  await importOptional('tsx', 'devito-ts bench (the benchmarks are TypeScript)', () => import('tsx/esm/api'));
  const script = `${ROOT}bench/${options.name}.ts`;
  if (!(options.name in BENCHMARKS) || !existsSync(script)) {
    const available = Object.keys(BENCHMARKS).filter((name) => existsSync(`${ROOT}bench/${name}.ts`));
    throw new UserFileError(`bench: no benchmark named ${options.name}; available: ${available.join(', ') || 'none'}`);
  }
  const args = [...(options.quick ? BENCHMARKS[options.name]! : []), ...options.args];
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 2;
}
