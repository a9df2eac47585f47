import { describe, expect, it } from 'vitest';
import { runMpi } from '../support/mpirun.ts';

const program = (name: string): string => new URL(`./mpi-programs/${name}.ts`, import.meta.url).pathname;
const RESULTS = ['rec', 'uLast', 'srca', 'v', 'born', 'gradient', 'checkpointed', 'forwardSteps'] as const;

describe('AcousticWaveSolver on a model split over MPI ranks', () => {
  // Sources and receivers sit on and beside the borders of the ranks' boxes.
  it.each([
    [2, ['2:basic', '3:overlap']],
    [4, ['2:overlap', '3:basic']],
  ])('on %i ranks: forward, adjoint, Born, the stored and the checkpointed gradient are bitwise those of one process', (np, cases) => {
    const run = runMpi(np, program('acoustic'), cases, 300_000);
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.status, run.stderr).toBe(0);
    const found = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, number | boolean | string>);
    expect(found.map((r) => r.case)).toEqual(cases);
    for (const report of found) {
      for (const key of RESULTS) expect(report[key], `${report.case}: ${key}`).toBe(true);
      expect(report.gradientVsCheckpointed, String(report.case)).toBe(true);
      // Non-trivial results: a field of zeros would compare equal too.
      for (const key of ['rec', 'v', 'born', 'gradient']) expect(report[`${key}Norm`] as number, `${report.case}: ${key}`).toBeGreaterThan(1);
      // 6 slots of memory for the steps of the run: recomputation happened (more forward steps than the steps).
      expect(report.forwardStepsNorm as number).toBeGreaterThan(report.case === '2:basic' || report.case === '2:overlap' ? 200 : 90);
    }
  }, 360_000);
});
