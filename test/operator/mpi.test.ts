import { describe, expect, it } from 'vitest';
import { runMpi } from '../support/mpirun.ts';

const program = (name: string): string => new URL(`./mpi-programs/${name}.ts`, import.meta.url).pathname;

interface WaveReport {
  case: string;
  u: boolean;
  rec: boolean;
  energy: number;
  recNorm: number;
}

/** The JSON lines a run printed (rank 0's), failing with mpirun's output when it did not succeed. */
function reports<T>(run: ReturnType<typeof runMpi>): T[] {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as T);
}

describe('Operator on a grid split over MPI ranks', () => {
  // Each case: a variable-velocity wave with sources and receivers on and beside rank borders,
  // split over the ranks and whole in one process: fields and records must be bitwise equal.
  it.each([
    [2, ['2:basic:4', '2:overlap:8', '3:overlap:4']],
    [4, ['2:overlap:4', '3:basic:8']],
  ])('on %i ranks, in basic and overlap modes, 2D and 3D, u and the receivers are bitwise those of one process', (np, cases) => {
    const found = reports<WaveReport>(runMpi(np, program('wave'), cases, 240_000));
    expect(found.map((r) => r.case)).toEqual(cases);
    for (const report of found) {
      expect(report, report.case).toMatchObject({ u: true, rec: true });
      // The waves did propagate: a zero field would compare equal too.
      expect(report.energy).toBeGreaterThan(1e3);
      expect(report.recNorm).toBeGreaterThan(10);
    }
  }, 300_000);

  it('on 4 ranks, linear, nearest and sinc injection and interpolation across rank borders and near the grid edges are bitwise one process\'s', () => {
    const found = reports<{ kind: string; u: boolean; rec: boolean; recNorm: number }>(runMpi(4, program('sparse-kinds'), [], 180_000));
    expect(found.map((r) => r.kind)).toEqual(['linear', 'nearest', 'sinc']);
    for (const report of found) {
      expect(report, report.kind).toMatchObject({ u: true, rec: true });
      expect(report.recNorm).toBeGreaterThan(10);
    }
  }, 240_000);

  it('on 4 ranks, subdomains, SubDimension strips and index conditions that cross rank borders keep their global meaning, bitwise', () => {
    const [report] = reports<{ u: boolean; marks: boolean; band: boolean; marked: number; banded: number }>(runMpi(4, program('subdomains'), [], 120_000));
    expect(report).toMatchObject({ u: true, marks: true, band: true });
    // x 9…12 × y 0…11 of the strip, x 10…13 × y 8…18 of the band: each spans two ranks' boxes.
    expect(report!.marked).toBe(48);
    expect(report!.banded).toBe(44);
  }, 180_000);

  it('a rank that dies while the others wait for its halos in a kernel ends the job with an error, not a hang', () => {
    const run = runMpi(3, program('rank-dies'), [], 60_000);
    expect(run.timedOut).toBe(false);
    expect(run.status).not.toBe(0);
    expect(run.stdout).not.toContain('finished');
    expect(run.stderr).toContain('rank 1 fails on purpose');
  }, 90_000);

  it('refuses, on every rank and before any C runs, boxes narrower than the halo, topologies that do not match the ranks and sums across ranks', () => {
    const found = reports<{ rank: number; errors: { name: string; message: string }[] }>(runMpi(4, program('refused'), [], 120_000));
    expect(found.map((r) => r.rank).sort()).toEqual([0, 1, 2, 3]);
    for (const { errors } of found) {
      expect(errors[0]!.name).toBe('LoweringError');
      expect(errors[0]!.message).toContain('split over 4 ranks leave a rank 2 points, fewer than the halo of u (4');
      expect(errors[1]!.name).toBe('InvalidArgumentError');
      expect(errors[1]!.message).toContain('topology [5, 1] has 5 parts but the program runs on 4 ranks');
      expect(errors[2]!.name).toBe('none');
      expect(errors[3]!.name).toBe('LoweringError');
      expect(errors[3]!.message).toContain('Inc(column, …) collects over x, along which the grid is split over MPI ranks');
    }
  }, 180_000);
});
