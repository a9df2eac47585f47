import { collectives } from '../dsl/parallel.ts';
import { diskSlotsFor, resolveCheckpoints } from './budget.ts';
import type { Checkpointable, Stepper } from './contracts.ts';
import { measureCosts } from './measure.ts';
import type { CostModel, ScheduleName } from './schedules/types.ts';

/** The Revolver settings the ranks must agree on: slots or budgets, schedule, disk, costs. */
interface Settings {
  readonly nCheckpoints?: number;
  readonly memoryBudgetBytes?: number;
  readonly diskBudgetBytes?: number;
  readonly schedule?: ScheduleName | 'auto';
  readonly costs?: CostModel;
  readonly diskDirectory?: string;
}

/**
 * On a grid split over MPI ranks every rank must run the same schedule (each forward and reverse
 * call exchanges halos with the neighbours, so one rank running a step the others skip would wait
 * forever). A rank's state is its own box, whose bytes differ between ranks: budgets are turned
 * into slot counts for the largest state of any rank, the fewest any rank's budget buys (each
 * rank then stays within its budget), and the step and copy times the automatic choice weighs
 * are rank 0's, sent to all.
 */
export function agreedSettings<T extends Settings>(settings: T, checkpoint: Checkpointable, forward: Stepper, nTimesteps: number): T {
  const { comm } = checkpoint;
  if (!comm || comm.size === 1) return settings;
  const mpi = collectives();
  const largest = mpi.allreduce(comm, Float64Array.of(checkpoint.nbytes), 'max')[0]!;
  let agreed: T = { ...settings };
  // Budgets may differ between ranks too: the fewest slots any rank's budget buys.
  const fewest = (slots: number): number => mpi.allreduce(comm, Float64Array.of(slots), 'min')[0]!;
  if (settings.memoryBudgetBytes !== undefined) {
    const nCheckpoints = fewest(resolveCheckpoints({ nTimesteps, stateBytes: largest, memoryBudgetBytes: settings.memoryBudgetBytes }));
    agreed = { ...agreed, memoryBudgetBytes: undefined, nCheckpoints };
  }
  if (settings.diskBudgetBytes !== undefined) {
    // The same number of disk slots on every rank: the budget each rank's own state size turns into it.
    const slots = fewest(diskSlotsFor(settings.diskBudgetBytes, largest, nTimesteps));
    agreed = { ...agreed, diskBudgetBytes: slots * checkpoint.nbytes };
  }
  if ((settings.schedule ?? 'binomial') === 'auto' && settings.costs === undefined) {
    const disk = agreed.diskBudgetBytes !== undefined && agreed.diskBudgetBytes > 0 ? { ...(settings.diskDirectory === undefined ? {} : { directory: settings.diskDirectory }) } : undefined;
    const measured = measureCosts(checkpoint, forward, disk, nTimesteps);
    const { memory } = measured;
    const numbers = Float64Array.of(measured.forwardStepMs, measured.reverseStepMs, memory.writeMs, memory.readMs, memory.firstTouchMs ?? 0, measured.disk.writeMs, measured.disk.readMs);
    mpi.broadcast(comm, numbers, 0);
    const costs: CostModel = {
      forwardStepMs: numbers[0]!, reverseStepMs: numbers[1]!,
      memory: { writeMs: numbers[2]!, readMs: numbers[3]!, firstTouchMs: numbers[4]! }, disk: { writeMs: numbers[5]!, readMs: numbers[6]!, firstTouchMs: numbers[4]! },
    };
    agreed = { ...agreed, costs };
  }
  return agreed;
}
