import type { Grid } from '../dsl/grid.ts';
import { collectives } from '../dsl/parallel.ts';
import { diskSlotsFor, resolveCheckpoints } from '../revolve/budget.ts';
import type { Checkpointable, Stepper } from '../revolve/contracts.ts';
import { measureCosts } from '../revolve/measure.ts';
import type { RevolverOptions } from '../revolve/revolver.ts';
import type { CostModel } from '../revolve/schedules/types.ts';

/** The Revolver settings a solver passes on: slots or budgets, schedule, disk, costs. */
type Settings = Pick<RevolverOptions, 'nCheckpoints' | 'memoryBudgetBytes' | 'diskBudgetBytes' | 'schedule' | 'costs' | 'diskDirectory'>;

/**
 * On a grid split over MPI ranks every rank must run the same schedule (each forward and reverse
 * call exchanges halos with the neighbours, so one rank running a step the others skip would wait
 * forever). A rank's state is its own box, whose bytes differ between ranks: budgets are turned
 * into slot counts for the largest state of any rank (each rank then stays within its budget),
 * and the step and copy times the automatic choice weighs are rank 0's, sent to all.
 */
export function agreedSettings<T extends Settings>(grid: Grid, settings: T, checkpoint: Checkpointable, forward: Stepper, nTimesteps: number): T {
  const distributor = grid.distributor;
  if (!distributor) return settings;
  const mpi = collectives();
  const { comm } = distributor;
  const largest = mpi.allreduce(comm, Float64Array.of(checkpoint.nbytes), 'max')[0]!;
  let agreed: T = { ...settings };
  if (settings.memoryBudgetBytes !== undefined) {
    const nCheckpoints = resolveCheckpoints({ nTimesteps, stateBytes: largest, memoryBudgetBytes: settings.memoryBudgetBytes });
    agreed = { ...agreed, memoryBudgetBytes: undefined, nCheckpoints };
  }
  if (settings.diskBudgetBytes !== undefined) {
    // The same number of disk slots on every rank: the budget each rank's own state size turns into it.
    const slots = diskSlotsFor(settings.diskBudgetBytes, largest, nTimesteps);
    agreed = { ...agreed, diskBudgetBytes: slots * checkpoint.nbytes };
  }
  if ((settings.schedule ?? 'binomial') === 'auto' && settings.costs === undefined) {
    const disk = agreed.diskBudgetBytes !== undefined && agreed.diskBudgetBytes > 0 ? { ...(settings.diskDirectory === undefined ? {} : { directory: settings.diskDirectory }) } : undefined;
    const measured = measureCosts(checkpoint, forward, disk);
    const numbers = Float64Array.of(measured.forwardStepMs, measured.reverseStepMs, measured.memory.writeMs, measured.memory.readMs, measured.disk.writeMs, measured.disk.readMs);
    mpi.broadcast(comm, numbers, 0);
    const costs: CostModel = {
      forwardStepMs: numbers[0]!, reverseStepMs: numbers[1]!,
      memory: { writeMs: numbers[2]!, readMs: numbers[3]! }, disk: { writeMs: numbers[4]!, readMs: numbers[5]! },
    };
    agreed = { ...agreed, costs };
  }
  return agreed;
}
