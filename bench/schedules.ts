// `npm run bench:schedules`: every checkpointing schedule the Revolver runs, measured on ONE 2D
// acoustic FWI gradient case (one shot, float32, the two-layer model of bench:checkpointing) with
// a memory budget AND a disk budget, to check two goals:
//   1. 'auto' (the schedule the Revolver picks by its cost model) is within 10% of the fastest
//      schedule measured on the same case;
//   2. the Revolver's orchestration overhead, gradient s ÷ (kernels + storage as the Revolver
//      timed them), is ≤ 1.05 for every schedule.
//
//   npm run bench:schedules -- [--size 400] [--nbl 40] [--steps 1000] [--order 8] [--threads 1]
//        [--memory 2] [--disk 30|inf] [--dir DIR] [--schedules binomial,mixed,...,auto] [--warm 1] [--quick]
//
// Everything runs in this one process: the cost model is measured once, then each schedule gets a
// Revolver of its own with the same budgets and the same costs, so every plan.predicted (and
// 'auto's choice) comes from one model. A schedule the Revolver refuses for the budgets (a
// DevitoError from its constructor, e.g. 'none' needs n − 1 slots, diskRevolve more disk slots
// than --disk holds) is listed as skipped. The exit code is 1 only when a correctness
// check fails (a gradient not bitwise equal to the reference schedule's (binomial), a shot record
// not the plain sweep's, a step, save or restore count not the plan's, a run crashed); the two
// goals are reported, not enforced.
//
// Definitions (also printed under the table):
// - n = forward steps (nt = n + 2 samples); a state = the 2 time levels of u the next step reads,
//   halo included: stateBytes. --memory and --disk are percentages of (n + 1) × stateBytes (the
//   memory at which nothing is recomputed); slots = whole states that fit (at most n + 1).
// - The cost model (plan.costs of every Revolver): t_fwd = a plain forward sweep (n steps in one
//   kernel call, no checkpoints) ÷ n; t_rev = the median of 60 single reverse steps; memory and disk
//   write/read ms per state = measureCosts (copies timed against RAM; disk through DiskStorage in
//   --dir, i.e. including the page cache: this script does not drop caches).
// - gradient s = wall time of revolver.applyForward() + revolver.applyReverse(), run 1 + --warm
//   times on the same Revolver: 1st = fresh (its checkpoint memory and files touched for the first
//   time), 2nd = warm (with --warm N > 1: the fastest of the N warm runs, which a short burst of
//   other work on the machine slows less). predicted s = plan.predicted.totalMs; meas÷pred uses 2nd.
// - overhead = gradient s ÷ (forwardMs + reverseMs + storageMs of revolver.stats): what is left
//   is the Revolver's own work between kernel calls and copies.
// - best measured = the least 2nd-run gradient s among the named schedules that ran within the
//   budgets ('auto' itself left out: it runs one of them).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FloatArray } from '../src/dsl/dtype.ts';
import type { SparseTimeFunction } from '../src/dsl/sparse.ts';
import { DevitoError } from '../src/errors.ts';
import { DEFAULT_FLAGS } from '../src/jit/compiler.ts';
import { measureCosts } from '../src/revolve/measure.ts';
import { Revolver, type RevolverPlan, type RevolverStats } from '../src/revolve/revolver.ts';
import { SCHEDULE_NAMES, type CostModel, type ScheduleName } from '../src/revolve/schedules/types.ts';
import type { GradientStepping } from '../src/seismic/acoustic-solver.ts';
import { buildProblem, plainSweep, processCpuSeconds, REVERSE_PROBE, reverseStepMs, sameBits, stateFacts, wall, warmUp, type ProblemSpec } from './checkpointing-run.ts';
import { busyText, cpuSample, machineFacts, otherCpuUse, otherShare } from './machine.ts';
import { fixed, renderTable } from './table.ts';

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string' },
    nbl: { type: 'string', default: '40' },
    steps: { type: 'string' },
    order: { type: 'string', default: '8' },
    threads: { type: 'string', default: '1' },
    memory: { type: 'string', default: '2' },
    disk: { type: 'string', default: '30' },
    dir: { type: 'string' },
    schedules: { type: 'string' },
    warm: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
  },
});

// ---------------------------------------------------------------------------------------------
// Constants and types

const MiB = 2 ** 20;
/** Goal 1: auto's measured time ÷ the best measured time. */
const AUTO_GOAL = 1.1;
/** Goal 2: gradient time ÷ (kernels + storage). */
const OVERHEAD_GOAL = 1.05;

/** The schedules in the order they run: the reference (binomial) first, 'auto' last. */
const PREFERRED_ORDER: readonly ScheduleName[] = ['binomial', 'mixed', 'online', 'multistage', 'hrevolve', 'diskRevolve', 'periodicDisk', 'none'];
/** Every schedule the library knows (one added later is measured too), then 'auto'. */
const ALL_SCHEDULES: readonly Choice[] = [
  ...PREFERRED_ORDER.filter((name) => SCHEDULE_NAMES.includes(name)),
  ...SCHEDULE_NAMES.filter((name) => !PREFERRED_ORDER.includes(name)),
  'auto',
];

type Choice = ScheduleName | 'auto';

/** What one invocation measures. */
interface Settings {
  readonly spec: ProblemSpec;
  /** Percentages of (n + 1) × stateBytes; disk Infinity: no limit. */
  readonly memoryPercent: number;
  readonly diskPercent: number;
  readonly schedules: readonly Choice[];
  readonly directory: string;
  /** Warm gradient runs after the fresh one. */
  readonly warmRuns: number;
}

interface Budgets {
  readonly memoryBytes: number;
  /** Infinity: no limit. */
  readonly diskBytes: number;
  readonly directory: string;
}

/** One gradient (forward sweep + reverse sweep) on a schedule's Revolver. */
interface GradientRun {
  readonly wallSeconds: number;
  readonly stats: RevolverStats;
  /** wall ÷ (forwardMs + reverseMs + storageMs). */
  readonly overhead: number;
  /** Process CPU time ÷ (wall × threads): well below 1 means other processes took our cores. */
  readonly cpuShare: number;
  readonly gradient: FloatArray;
  readonly recordEqual: boolean;
}

interface Measured {
  readonly name: Choice;
  readonly plan: RevolverPlan;
  /** The 1st gradient (fresh Revolver), then the warm ones on the same Revolver. */
  readonly first: GradientRun;
  readonly warm: readonly GradientRun[];
  /** The fastest warm run: "2nd" in the report. */
  readonly second: GradientRun;
  /** Share of all CPUs other processes kept busy while this schedule ran (undefined: unknown). */
  readonly otherBusy: number | undefined;
}

type Outcome = Measured | { readonly name: Choice; readonly skipped: string } | { readonly name: Choice; readonly error: string };

const isMeasured = (outcome: Outcome): outcome is Measured => 'plan' in outcome;

// ---------------------------------------------------------------------------------------------
// Options

function integer(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`bench:schedules: --${name} must be an integer >= ${min}, got ${text}`);
  return value;
}

/** A percentage ≥ 0 (> 0 when `positive`), or Infinity for 'inf' when `infinite` is allowed. */
function percent(name: string, text: string, options: { positive: boolean; infinite: boolean }): number {
  if (options.infinite && /^inf(inity)?$/i.test(text.trim())) return Infinity;
  const value = Number(text);
  const ok = Number.isFinite(value) && (options.positive ? value > 0 : value >= 0);
  if (!ok) throw new Error(`bench:schedules: --${name} must be a percentage ${options.positive ? '> 0' : '>= 0'}${options.infinite ? " or 'inf'" : ''}, got ${text}`);
  return value;
}

function selectedSchedules(text: string | undefined): Choice[] {
  if (text === undefined) return [...ALL_SCHEDULES];
  const asked = new Set(text.split(',').map((name) => name.trim()).filter(Boolean));
  for (const name of asked) {
    if (!(ALL_SCHEDULES as readonly string[]).includes(name)) {
      throw new Error(`bench:schedules: unknown schedule '${name}'; use some of ${ALL_SCHEDULES.join(', ')}`);
    }
  }
  // The canonical order, so that binomial (the reference gradient) runs first when asked.
  return ALL_SCHEDULES.filter((name) => asked.has(name));
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** The cost model every Revolver gets: step times from this problem's kernels, copy times from measureCosts. */
function measureCostModel(stepping: GradientStepping, plainSeconds: number, residual: SparseTimeFunction, directory: string): CostModel {
  const copies = measureCosts(stepping.checkpoint, stepping.forward, { directory }, stepping.nSteps);
  return { ...copies, forwardStepMs: (1000 * plainSeconds) / stepping.nSteps, reverseStepMs: reverseStepMs(stepping, residual) };
}

function newRevolver(stepping: GradientStepping, name: Choice, budgets: Budgets, costs: CostModel): Revolver {
  return new Revolver({
    checkpoint: stepping.checkpoint,
    forward: stepping.forward,
    reverse: stepping.reverse,
    nTimesteps: stepping.nSteps,
    memoryBudgetBytes: budgets.memoryBytes,
    diskBudgetBytes: budgets.diskBytes,
    diskDirectory: budgets.directory,
    schedule: name,
    costs,
    // storage left to the Revolver: memory, or two-level when the schedule uses disk slots.
  });
}

function gradientRun(revolver: Revolver, stepping: GradientStepping, residual: SparseTimeFunction, nthreads: number): GradientRun {
  const cpu0 = process.cpuUsage();
  stepping.startForward();
  const forwardSeconds = wall(() => revolver.applyForward());
  const record = stepping.finishForward();
  stepping.startReverse(residual);
  const reverseSeconds = wall(() => revolver.applyReverse());
  const cpu = process.cpuUsage(cpu0);
  const gradient = stepping.finishReverse();
  const stats = revolver.stats;
  const wallSeconds = forwardSeconds + reverseSeconds;
  const insideSeconds = (stats.forwardMs + stats.reverseMs + stats.storageMs) / 1000;
  return {
    wallSeconds,
    stats,
    overhead: wallSeconds / insideSeconds,
    cpuShare: (cpu.user + cpu.system) / 1e6 / (wallSeconds * nthreads),
    gradient,
    recordEqual: sameBits(record.data.raw, residual.data.raw),
  };
}

/** Builds the schedule's Revolver (skipped when refused), runs the gradient 1 + `warmRuns` times, closes it. */
function measureSchedule(name: Choice, stepping: GradientStepping, residual: SparseTimeFunction, budgets: Budgets, costs: CostModel, nthreads: number, warmRuns: number): Outcome {
  let revolver: Revolver;
  try {
    revolver = newRevolver(stepping, name, budgets, costs);
  } catch (error) {
    if (error instanceof DevitoError) return { name, skipped: error.message };
    throw error;
  }
  const samples = { before: cpuSample(), cpu: processCpuSeconds() };
  try {
    const first = gradientRun(revolver, stepping, residual, nthreads);
    const warm = Array.from({ length: warmRuns }, () => gradientRun(revolver, stepping, residual, nthreads));
    const otherBusy = otherShare(samples.before, cpuSample(), processCpuSeconds() - samples.cpu);
    const second = warm.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
    return { name, plan: revolver.plan, first, warm, second, otherBusy };
  } catch (error) {
    return { name, error: error instanceof Error ? error.message : String(error) };
  } finally {
    revolver.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Every measured schedule against the reference gradient, the plain sweep's record and its own plan: what is wrong (empty: nothing). */
function checkResults(outcomes: readonly Outcome[], reference: Measured | undefined): string[] {
  const problems: string[] = [];
  for (const outcome of outcomes) {
    if ('error' in outcome) problems.push(`${outcome.name}: run failed: ${outcome.error}`);
    if (!isMeasured(outcome)) continue;
    [outcome.first, ...outcome.warm].forEach((run, i) => {
      const which = i === 0 ? '1st' : `warm ${i}`;
      if (reference && !sameBits(run.gradient, reference.first.gradient)) problems.push(`${outcome.name} ${which}: gradient ≠ ${reference.name}'s`);
      if (!run.recordEqual) problems.push(`${outcome.name} ${which}: shot record ≠ the plain sweep's`);
      if (run.stats.forwardSteps !== outcome.plan.forwardSteps) problems.push(`${outcome.name} ${which}: ${run.stats.forwardSteps} forward steps, plan ${outcome.plan.forwardSteps}`);
      if (run.stats.reverseSteps !== outcome.plan.nTimesteps) problems.push(`${outcome.name} ${which}: ${run.stats.reverseSteps} reverse steps, n = ${outcome.plan.nTimesteps}`);
      const plannedSaves = outcome.plan.memory.saves + outcome.plan.disk.saves;
      const plannedRestores = outcome.plan.memory.restores + outcome.plan.disk.restores;
      if (run.stats.saves !== plannedSaves || run.stats.restores !== plannedRestores) {
        problems.push(`${outcome.name} ${which}: ${run.stats.saves} saves / ${run.stats.restores} restores, plan ${plannedSaves} / ${plannedRestores}`);
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Report

const seconds = (ms: number): string => fixed(ms / 1000, 3);
const mib = (bytes: number): string => (Number.isFinite(bytes) ? `${fixed(bytes / MiB, 1)} MiB` : 'unlimited');

function label(outcome: Outcome): string {
  return isMeasured(outcome) && outcome.name === 'auto' ? `auto → ${outcome.plan.schedule}` : outcome.name;
}

function tableRow(outcome: Outcome): string[] {
  if (!isMeasured(outcome)) {
    const note = 'skipped' in outcome ? `skipped: ${outcome.skipped}` : `FAILED: ${outcome.error}`;
    return [label(outcome), '', '', '', '', '', '', '', '', '', '', '', '', '', note];
  }
  const { plan, first, second } = outcome;
  const predictedSeconds = plan.predicted.totalMs / 1000;
  const notes = [
    (outcome.otherBusy ?? 0) > 0.1 ? 'disturbed' : '',
    Math.min(first.cpuShare, second.cpuShare) < 0.9 ? `cpu ${fixed(100 * Math.min(first.cpuShare, second.cpuShare), 0)}%` : '',
  ].filter(Boolean);
  return [
    label(outcome),
    String(plan.memory.slots),
    String(plan.disk.slots),
    String(second.stats.forwardSteps),
    `${plan.memory.saves}/${plan.disk.saves}`,
    `${plan.memory.restores}/${plan.disk.restores}`,
    String(second.stats.inPlaceRestores),
    fixed(predictedSeconds, 3),
    fixed(first.wallSeconds, 3),
    fixed(second.wallSeconds, 3),
    fixed(second.wallSeconds / predictedSeconds, 3),
    fixed(first.overhead, 3),
    fixed(second.overhead, 3),
    outcome.otherBusy === undefined ? '?' : fixed(100 * outcome.otherBusy, 0),
    notes.join(', '),
  ];
}

function printTable(outcomes: readonly Outcome[]): void {
  console.log(
    renderTable(
      [
        { header: 'schedule', align: 'left' }, { header: 'mem slots' }, { header: 'disk slots' }, { header: 'fwd steps' },
        { header: 'saves mem/disk' }, { header: 'restores mem/disk' }, { header: 'in place' }, { header: 'predicted s' },
        { header: 'meas 1st s' }, { header: 'meas 2nd s' }, { header: 'meas÷pred 2nd' }, { header: 'overhead 1st' },
        { header: 'overhead 2nd' }, { header: 'others %' }, { header: 'note', align: 'left' },
      ],
      outcomes.map(tableRow),
    ),
  );
}

/** Kernel and storage split of the 2nd run, to see where a schedule's time goes against its prediction. */
function printSplit(measured: readonly Measured[]): void {
  console.log(
    renderTable(
      [
        { header: 'schedule', align: 'left' }, { header: 'fwd kernel s' }, { header: 'pred fwd s' }, { header: 'rev kernel s' },
        { header: 'pred rev s' }, { header: 'storage s' }, { header: 'pred storage s' }, { header: 'rest s' }, { header: 'fwd calls' },
      ],
      measured.map((m) => {
        const { stats } = m.second;
        const inside = stats.forwardMs + stats.reverseMs + stats.storageMs;
        return [
          label(m), seconds(stats.forwardMs), seconds(m.plan.predicted.forwardMs), seconds(stats.reverseMs), seconds(m.plan.predicted.reverseMs),
          seconds(stats.storageMs), seconds(m.plan.predicted.storageMs), fixed(m.second.wallSeconds - inside / 1000, 3), String(stats.forwardCalls),
        ];
      }),
    ),
  );
}

function printAutoChoice(auto: Measured | undefined): void {
  if (!auto) return;
  console.log(`auto     plan.why: ${auto.plan.why}`);
  for (const candidate of auto.plan.candidates) {
    const what = candidate.predicted ? `predicted ${fixed(candidate.predicted.totalMs / 1000, 3)} s` : `left out: ${candidate.skipped ?? '?'}`;
    console.log(`         candidate ${candidate.name.padEnd(12)} ${what}`);
  }
}

/** Goal 1: auto's 2nd run against the fastest 2nd run of the named schedules (the Revolver refuses any beyond the budgets). */
function autoGoalLine(measured: readonly Measured[]): string {
  const auto = measured.find((m) => m.name === 'auto');
  const contenders = measured.filter((m) => m.name !== 'auto');
  if (!auto || !contenders.length) return `goal     auto within ${fixed(100 * (AUTO_GOAL - 1), 0)}% of the best measured schedule: not measured (needs 'auto' and another schedule)`;
  const best = contenders.reduce((a, b) => (b.second.wallSeconds < a.second.wallSeconds ? b : a));
  const ratio = auto.second.wallSeconds / best.second.wallSeconds;
  return (
    `goal     auto picked ${auto.plan.schedule}: measured 2nd run ${fixed(auto.second.wallSeconds, 3)} s ÷ best measured ` +
    `(${best.name}, ${fixed(best.second.wallSeconds, 3)} s) = ${fixed(ratio, 3)} (≤ ${fixed(AUTO_GOAL, 2)}: ${ratio <= AUTO_GOAL ? 'met' : 'NOT MET'})`
  );
}

/** The same schedule measured twice (as itself and as auto's pick): how much the timings wander. */
function autoRepeatLine(measured: readonly Measured[]): string | undefined {
  const auto = measured.find((m) => m.name === 'auto');
  const same = auto && measured.find((m) => m.name === auto.plan.schedule);
  if (!auto || !same) return undefined;
  return `noise    ${same.name} measured twice (as itself, then as auto's pick), 2nd runs: ${fixed(same.second.wallSeconds, 3)} s vs ${fixed(auto.second.wallSeconds, 3)} s (ratio ${fixed(auto.second.wallSeconds / same.second.wallSeconds, 3)})`;
}

/** Goal 2: the largest overhead of the 2nd runs (the 1st run's largest given too). */
function overheadGoalLine(measured: readonly Measured[]): string {
  if (!measured.length) return `goal     orchestration overhead ≤ ${OVERHEAD_GOAL} for every schedule: not measured`;
  const worst = (run: (m: Measured) => GradientRun): Measured => measured.reduce((a, b) => (run(b).overhead > run(a).overhead ? b : a));
  const second = worst((m) => m.second);
  const first = worst((m) => m.first);
  const max = second.second.overhead;
  return (
    `goal     orchestration overhead ≤ ${OVERHEAD_GOAL} for every schedule: ${max <= OVERHEAD_GOAL ? 'met' : 'NOT MET'} — max ${fixed(max, 3)} at ${label(second)} ` +
    `(2nd runs; 1st runs: max ${fixed(first.first.overhead, 3)} at ${label(first)})`
  );
}

function printDefinitions(): void {
  console.log('slots = slots the schedule uses at each level; saves/restores = planned per level (the run\'s totals are checked against them);');
  console.log('in place = restores the reverse step read from the memory slot without a copy; predicted s = plan.predicted; meas = wall time of');
  console.log('applyForward + applyReverse (1st: fresh Revolver, 2nd: the same again, the fastest of --warm runs); overhead = meas ÷ (kernels + storage as revolver.stats timed them);');
  console.log('others % = share of all CPUs other processes used while the schedule ran. Disk slots are files in --dir (through the page cache).');
}

// ---------------------------------------------------------------------------------------------
// Main

function main(): number {
  const quick = opts.quick;
  const spec: ProblemSpec = {
    ndim: 2,
    size: integer('size', opts.size ?? (quick ? '80' : '400'), 8),
    nbl: integer('nbl', opts.nbl, 0),
    steps: integer('steps', opts.steps ?? (quick ? '120' : '1000'), 2),
    spaceOrder: integer('order', opts.order, 2),
    nthreads: integer('threads', opts.threads, 1),
  };
  const memoryPercent = percent('memory', opts.memory!, { positive: true, infinite: false });
  const diskPercent = percent('disk', opts.disk!, { positive: false, infinite: true });
  const schedules = selectedSchedules(opts.schedules);
  const warmRuns = integer('warm', opts.warm, 1);
  const ownDirectory = opts.dir === undefined;
  const directory = opts.dir ?? mkdtempSync(join(tmpdir(), 'devito-ts-bench-schedules-'));
  if (!ownDirectory) mkdirSync(directory, { recursive: true });
  try {
    return run({ spec, memoryPercent, diskPercent, schedules, directory, warmRuns });
  } finally {
    if (ownDirectory) rmSync(directory, { recursive: true, force: true });
  }
}

function printMachine(spec: ProblemSpec): void {
  const machine = machineFacts();
  console.log(`devito-ts benchmark: every checkpointing schedule on one FWI gradient, memory + disk budgets — acoustic 2D, one shot, float32, spaceOrder ${spec.spaceOrder}`);
  console.log(`CPU      ${machine.cpuModel}; ${machine.availableCpus} CPUs available, ${spec.nthreads} thread(s); L3 ${machine.l3}; ${machine.memoryGiB.toFixed(1)} GiB RAM`);
  console.log(`gcc      ${machine.compiler}; flags ${DEFAULT_FLAGS.join(' ')}; node ${machine.node}; ${machine.ompEnv}`);
  console.log(`load     ${busyText(otherCpuUse())}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

function printCase(spec: ProblemSpec, n: number, stateBytes: number, budgets: Budgets, costs: CostModel, plainSeconds: number): void {
  const facts = stateFacts(spec);
  const full = (n + 1) * stateBytes;
  const slots = (bytes: number): string => (Number.isFinite(bytes) ? String(Math.min(Math.floor(bytes / stateBytes), n + 1)) : `${n + 1} (unlimited)`);
  const pctOf = (bytes: number): string => (Number.isFinite(bytes) ? `${fixed((100 * bytes) / full, 1)}%` : 'inf');
  console.log(
    `case     ${spec.size}² physical + nbl ${spec.nbl} = ${facts.paddedShape.join(' × ')} points, h = 10 m, vp 1.5 / 2.5 km/s; n = ${n} steps of dt = ${facts.dt.toFixed(3)} ms; ` +
      `state ${mib(stateBytes)}; (n+1) states = ${mib(full)}`,
  );
  console.log(`budgets  memory ${pctOf(budgets.memoryBytes)} = ${mib(budgets.memoryBytes)} = ${slots(budgets.memoryBytes)} slots; disk ${pctOf(budgets.diskBytes)} = ${mib(budgets.diskBytes)} = ${slots(budgets.diskBytes)} slots in ${budgets.directory}`);
  console.log(
    `costs    t_fwd ${costs.forwardStepMs.toFixed(3)} ms (plain sweep ${plainSeconds.toFixed(3)} s ÷ n), t_rev ${costs.reverseStepMs.toFixed(3)} ms (${REVERSE_PROBE} reverse steps); ` +
      `memory write/read ${costs.memory.writeMs.toFixed(3)}/${costs.memory.readMs.toFixed(3)} ms; disk write/read ${costs.disk.writeMs.toFixed(3)}/${costs.disk.readMs.toFixed(3)} ms per state`,
  );
}

function progressLine(outcome: Outcome): string {
  if (!isMeasured(outcome)) return `run      ${label(outcome).padEnd(12)} ${'skipped' in outcome ? `skipped: ${outcome.skipped}` : `FAILED: ${outcome.error}`}`;
  const { first, second } = outcome;
  return (
    `run      ${label(outcome).padEnd(12)} predicted ${fixed(outcome.plan.predicted.totalMs / 1000, 3)} s, measured ${fixed(first.wallSeconds, 3)} s then ${fixed(second.wallSeconds, 3)} s, ` +
    `overhead ${fixed(second.overhead, 3)}, others ${outcome.otherBusy === undefined ? '?' : fixed(100 * outcome.otherBusy, 0)}%`
  );
}

function run(settings: Settings): number {
  const { spec, memoryPercent, diskPercent, schedules, directory, warmRuns } = settings;
  printMachine(spec);
  warmUp(spec, 'revolve');
  const { solver } = buildProblem(spec);
  const stepping = solver.gradientStepping({ nthreads: spec.nthreads });
  const n = stepping.nSteps;
  const stateBytes = stepping.checkpoint.nbytes;
  const full = (n + 1) * stateBytes;
  const budgets: Budgets = { memoryBytes: (memoryPercent / 100) * full, diskBytes: (diskPercent / 100) * full, directory };

  stepping.startForward();
  stepping.forward.apply(0, Math.min(n, 20)); // first touch of u, OpenMP threads started
  const before = plainSweep(stepping);
  const residual = before.record;
  const costs = measureCostModel(stepping, before.seconds, residual, directory);
  printCase(spec, n, stateBytes, budgets, costs, before.seconds);
  console.log(`runs     per schedule: a fresh Revolver, its 1st gradient, then ${warmRuns} warm one(s) on it${warmRuns > 1 ? ' ("2nd" = the fastest)' : ' ("2nd")'}`);
  console.log();

  const outcomes: Outcome[] = [];
  for (const name of schedules) {
    const outcome = measureSchedule(name, stepping, residual, budgets, costs, spec.nthreads, warmRuns);
    outcomes.push(outcome);
    console.log(progressLine(outcome));
  }
  const after = plainSweep(stepping);
  console.log(`drift    plain forward sweep ${before.seconds.toFixed(3)} s before the schedules, ${after.seconds.toFixed(3)} s after (ratio ${(after.seconds / before.seconds).toFixed(3)})`);
  console.log(`load     ${busyText(otherCpuUse())}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log();

  printTable(outcomes);
  printDefinitions();
  console.log();
  const measured = outcomes.filter(isMeasured);
  console.log('2nd run split, measured (revolver.stats) and predicted (plan.predicted); rest = meas − kernels − storage:');
  printSplit(measured);
  console.log();
  printAutoChoice(measured.find((m) => m.name === 'auto'));
  console.log();

  const reference = measured.find((m) => m.name === 'binomial') ?? measured[0];
  const problems = checkResults(outcomes, reference);
  const ranSome = measured.length > 0;
  console.log(
    `check    gradients of every schedule and run bitwise equal to ${reference?.name ?? '(none)'}'s 1st, shot records = the plain sweep's, ` +
      `step/save/restore counts = the plan's: ${!ranSome ? 'nothing ran' : problems.length ? 'NO' : 'yes'}`,
  );
  for (const problem of problems) console.log(`         ${problem}`);
  console.log(autoGoalLine(measured));
  const repeat = autoRepeatLine(measured);
  if (repeat) console.log(repeat);
  console.log(overheadGoalLine(measured));
  return problems.length || !ranSome ? 1 : 0;
}

process.exitCode = main();
