import { describe, expect, it } from 'vitest';
import { runMpi } from '../support/mpirun.ts';

const PROGRAM = new URL('./mpi-programs/data.ts', import.meta.url).pathname;

describe('field data on a grid split over MPI ranks', () => {
  it.each([2, 4])('on %i ranks: localRange, global get/set/assign/toArray, gather on rank 0, scatter from it, norm as one process', (np) => {
    const run = runMpi(np, PROGRAM, [], 60_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    const reports = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(reports.map((r) => r.rank).sort()).toEqual(Array.from({ length: np }, (_, i) => i));
    for (const report of reports) {
      expect(report).toMatchObject({ ranks: np, boxMatches: true, gatherOnRootOnly: true, toArray: true, scatter: true });
      // The split: MPI_Dims_create's balance over the 7 × 5 × 6 grid.
      expect(report.topology).toEqual(np === 2 ? [2, 1, 1] : [2, 2, 1]);
      expect(report.norm).toBe(report.normExpected);
      // A point another rank holds cannot be read here (x 0 and x 6 are on different ranks).
      expect(report.getThrows).toBe(true);
    }
  }, 90_000);
});
