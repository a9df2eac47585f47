import type { Command } from 'commander';
import { InvalidArgumentError } from '../errors.ts';
import { writeScheduleFigure } from '../io/schedule-figure.ts';
import {
  buildSchedule,
  checkpointsForBudget,
  checkScheduleName,
  chooseSchedule,
  predictTime,
  printSchedule,
  printTotals,
  type CostModel,
  type LevelledSchedule,
} from '../revolve/index.ts';
import { diskSlotsFor } from '../revolve/budget.ts';
import { parseBytes, positiveInteger, positiveNumber } from './flags.ts';

/** The flags of `devito-ts schedule`, as commander hands them over. */
interface ScheduleFlags {
  readonly steps: string;
  readonly checkpoints?: string;
  readonly memory?: string;
  readonly stateBytes?: string;
  readonly disk?: string;
  readonly schedule: string;
  readonly png?: string;
  readonly actions?: boolean;
  readonly stepMs: string;
  readonly memoryGbps: string;
  readonly diskGbps: string;
}

/** The cost model of the flags: a step time and copy times from bandwidths and the state size. */
function costsOf(flags: ScheduleFlags, stateBytes: number | undefined): CostModel {
  const step = positiveNumber(flags.stepMs, '--step-ms');
  const copyMs = (gbps: number) => ((stateBytes ?? 0) / (gbps * 1e9)) * 1e3;
  const memory = copyMs(positiveNumber(flags.memoryGbps, '--memory-gbps'));
  const disk = copyMs(positiveNumber(flags.diskGbps, '--disk-gbps'));
  return { forwardStepMs: step, reverseStepMs: step, memory: { writeMs: memory, readMs: memory }, disk: { writeMs: disk, readMs: disk } };
}

/** Runs `devito-ts schedule`: builds the schedule, prints its totals (and actions), writes the PNG. */
export function runSchedule(flags: ScheduleFlags, log: (line: string) => void): LevelledSchedule {
  const n = positiveInteger(flags.steps, '--steps');
  const stateBytes = flags.stateBytes === undefined ? undefined : positiveInteger(flags.stateBytes, '--state-bytes');
  if ((flags.checkpoints === undefined) === (flags.memory === undefined)) {
    throw new InvalidArgumentError('give exactly one of --checkpoints C and --memory BYTES (with --state-bytes)');
  }
  if ((flags.memory !== undefined || flags.disk !== undefined) && stateBytes === undefined) {
    throw new InvalidArgumentError('--memory and --disk need --state-bytes, the bytes of one checkpoint');
  }
  const memorySlots =
    flags.checkpoints !== undefined
      ? positiveInteger(flags.checkpoints, '--checkpoints')
      : checkpointsForBudget(n, stateBytes!, parseBytes(flags.memory!, '--memory'));
  const diskSlots = diskSlotsFor(flags.disk === undefined ? undefined : parseBytes(flags.disk, '--disk'), stateBytes!, n);
  const costs = costsOf(flags, stateBytes);
  const request = { nTimesteps: n, memorySlots, diskSlots, costs };
  let schedule: LevelledSchedule;
  if (flags.schedule === 'auto') {
    const choice = chooseSchedule(request);
    schedule = choice.schedule;
    log(`picked           ${choice.why}`);
  } else {
    schedule = buildSchedule(checkScheduleName(flags.schedule), request);
  }
  if (flags.actions) log(printSchedule(schedule));
  log(printTotals(schedule, predictTime(schedule, costs), 'ms'));
  if (flags.png !== undefined) {
    const { width, height } = writeScheduleFigure(flags.png, schedule);
    log(`figure           ${flags.png} (${width}×${height})`);
  }
  return schedule;
}

/** Registers `devito-ts schedule` on `program`. */
export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('show a checkpointing schedule: its totals, its actions (--actions) and a figure (--png)')
    .requiredOption('--steps <n>', 'time steps')
    .option('--checkpoints <c>', 'memory slots, the initial state included')
    .option('--memory <bytes>', 'memory budget (e.g. 64MB), with --state-bytes')
    .option('--state-bytes <bytes>', 'bytes of one checkpoint')
    .option('--disk <bytes>', 'disk budget (e.g. 1GB), with --state-bytes')
    .option('--schedule <name>', 'binomial, none, online, mixed, multistage, hrevolve, diskRevolve, periodicDisk or auto', 'binomial')
    .option('--png <file>', 'write the schedule as a PNG figure')
    .option('--actions', 'print every action, one per line')
    .option('--step-ms <ms>', 'time of one forward (and reverse) step, for the predicted time', '1')
    .option('--memory-gbps <GB/s>', 'memory copy bandwidth', '10')
    .option('--disk-gbps <GB/s>', 'disk bandwidth', '1')
    .addHelpText('after', [
      '',
      'Examples:',
      '  devito-ts schedule --steps 1000 --checkpoints 10',
      '  devito-ts schedule --steps 2000 --memory 64MB --state-bytes 2200000 --disk 1GB --schedule auto --step-ms 0.2',
      '  devito-ts schedule --steps 40 --checkpoints 4 --schedule mixed --actions --png mixed.png',
    ].join('\n'))
    .action((flags: ScheduleFlags) => {
      runSchedule(flags, (line) => console.log(line));
    });
}
