import type { FwiGradientOptions } from '../../../src/cli/fwi/job.ts';
import type { FwiJobOptions } from '../../../src/cli/fwi/inversion-job.ts';

/**
 * A seconds-long fwi-gradient job shared by the MPI program and the test's one-process reference:
 * 4 shots (so 2 groups take 2 rounds), and a memory budget of a few checkpoints, so the
 * Revolver recomputes (the gathered per-shot counters then differ from the plain sweep's).
 */
export const TINY_JOB: Omit<FwiGradientOptions, 'out' | 'log'> = {
  nx: 60, nz: 40, shots: 4, tn: 300, f0: 0.015, memoryBytes: 160_000, storage: 'memory', spaceOrder: 4, nbl: 10, nthreads: 1, interactive: false,
};

/** A seconds-long `fwi` job: 2 shots, one L-BFGS iteration, RTM included. */
export const TINY_FWI: Omit<FwiJobOptions, 'out' | 'log'> = {
  nx: 60, nz: 40, shots: 2, iterations: 1, tn: 300, f0: 0.01, bounds: [1.5, 4.5], maxStep: 0.4, memoryBytes: 160_000,
  spaceOrder: 4, nbl: 10, nthreads: 1, interactive: false,
};
