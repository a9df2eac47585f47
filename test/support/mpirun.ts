import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What one `mpirun` of a TypeScript program gave back. */
export interface MpiRun {
  /** mpirun's exit status; null when it was killed (for instance by the timeout). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The run took longer than the timeout: a hang, since every program here takes seconds. */
  readonly timedOut: boolean;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Environment for test runs: root is allowed (containers run as root), and the byte transfer
 * layers are the shared-memory ones, so OpenMPI neither probes the network nor needs ptrace
 * rights between ranks (single-copy CMA fails in many containers).
 */
const MPI_ENV: Readonly<Record<string, string>> = Object.freeze({
  OMPI_ALLOW_RUN_AS_ROOT: '1',
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
  OMPI_MCA_btl: 'self,vader',
  OMPI_MCA_btl_vader_single_copy_mechanism: 'none',
});

/**
 * Runs `node --import tsx <file> <args>` on `np` ranks with `mpirun --oversubscribe` (the test
 * machine may have fewer cores than ranks), from the repository root, and waits at most
 * `timeoutMs`: mpirun is then killed and the result says `timedOut`, so a deadlock fails a test
 * instead of hanging it.
 */
export function runMpi(np: number, file: string, args: readonly string[] = [], timeoutMs = 60_000): MpiRun {
  const result = spawnSync('mpirun', ['--oversubscribe', '-np', String(np), process.execPath, '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...MPI_ENV },
    encoding: 'utf8',
    timeout: timeoutMs,
    // SIGTERM, not SIGKILL: mpirun then kills the ranks it started instead of orphaning them.
    killSignal: 'SIGTERM',
  });
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (result.error && !timedOut) throw result.error;
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', timedOut };
}
