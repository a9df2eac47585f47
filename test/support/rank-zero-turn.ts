import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * For test programs under mpirun where rank 0 alone runs a long serial reference: the other ranks
 * wait for it asleep instead of inside their next MPI call, where OpenMPI polls and takes CPU from
 * rank 0 (and from the rest of the test suite) on an oversubscribed machine. The ranks of one
 * mpirun are children of the same launcher, whose pid names the flag files.
 */
const flag = (tag: string): string => join(tmpdir(), `devito-ts-mpi-${process.ppid}-${tag}`);

/** Rank 0: the reference `tag` is done; the others may go on. */
export function finishTurn(tag: string): void {
  writeFileSync(flag(tag), '');
}

/** Other ranks: sleep until rank 0 has finished its reference `tag` (at most `timeoutMs`). */
export function awaitTurn(tag: string, timeoutMs = 600_000): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(flag(tag))) {
    if (Date.now() > deadline) throw new Error(`rank-zero-turn: rank 0 did not finish ${tag} within ${timeoutMs} ms`);
    Atomics.wait(pause, 0, 0, 20);
  }
}

/**
 * Rank 0 removes the flags `tags`: at its start (stale ones of an earlier launcher with the same
 * pid; the others cannot be waiting yet, they wait only after a collective with rank 0) and at
 * its end after a barrier (when every rank has seen them).
 */
export function clearTurns(tags: readonly string[]): void {
  for (const tag of tags) rmSync(flag(tag), { force: true });
}
