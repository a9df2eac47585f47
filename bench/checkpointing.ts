// `npm run bench:checkpointing`: the experiment of the Revolve/Devito paper (Kukreja et al.,
// "High-level Python abstractions for optimal checkpointing in inversion problems"): one FWI
// gradient (acoustic, one shot, spaceOrder 8, float32) computed by the Revolver under memory
// budgets from "full history" down to 1% of it, for several mesh sizes in 2D and 3D. Per budget:
// time of the forward, time of the gradient, peak RSS, predicted vs measured recompute factor, and
// the measured gradient time against the Revolver's cost-model prediction (plan.predicted, from
// step and copy times measured in the same process before the gradient; acceptance: within 15%
// on the 2D case). Writes PNG figures (gradient time, recompute factor and peak RSS against the
// budget, per dimension, every size on one plot, predicted curves with the measured points) to
// --out (default out/bench-checkpointing) and prints their paths.
//
//   npm run bench:checkpointing -- [--size2d 500,750,1000] [--size3d 80,100,120] [--nbl2d 40] [--nbl3d 20]
//        [--steps 1000] [--order 8] [--budgets 100,50,20,10,5,2,1] [--dims 2,3] [--threads N]
//        [--max-memory GiB] [--skip-history] [--retries 1] [--out DIR] [--quick]
//
// Each row runs in a child process of its own (this script with --child), so that its peak RSS
// (VmHWM, reset after the cost measurement's scratch memory is freed) is that row's alone. In it the
// gradient runs twice on the same Revolver: the 1st run touches fresh checkpoint memory (page
// faults; what a job building a Revolver per shot pays), the 2nd reuses it. A row during which
// other processes used > 10% of the CPUs is redone (--retries). Rows that would not fit in memory
// are skipped and listed. The exit code is 1 only when a correctness check fails (gradients not
// bitwise equal across budgets, shot records differ, step counts ≠ plan) or a row crashed; the
// cost-model acceptance and the overhead goal are reported, not enforced.
//
// Definitions (also printed under the table):
// - n = forward steps (nt = n + 2 time samples); a state (checkpoint) = the 2 time levels of u
//   the next step reads, halo included: stateBytes.
// - 100% = (n + 1) × stateBytes: n + 1 checkpoints, the memory at which Revolve recomputes
//   nothing. The saved-history gradient keeps nt single time levels, ≈ 50% of that.
// - forward s = one plain forward modelling sweep (n steps in one kernel call, no checkpoints),
//   the mean of a sweep run just before and one just after the gradient.
// - gradient s = wall time of revolver.applyForward() + revolver.applyReverse() (forward sweep
//   with checkpoint saves, then the reverse sweep with restores and recomputation).
// - predicted s = revolver.plan.predicted: predictTime (src/revolve/schedules/cost.ts) of the
//   schedule with the cost model measured before the gradient: t_fwd = the plain sweep before it
//   ÷ n, t_rev = the median of 60 single reverse steps, state write/read and first touch =
//   measureCosts. It counts forward steps × t_fwd + n × t_rev + saves × write + restores × read
//   (a restore the reverse step reads in place copies nothing, but its step reads the slot from
//   RAM: a read too), and for the 1st run the first touch of each slot. meas/pred = gradient s ÷
//   predicted s.
// - The orchestration goal divides gradient s by the kernels and copies as timed inside the run
//   (revolver.stats): what is left is the Revolver's own overhead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freemem, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FLAGS } from '../src/jit/compiler.ts';
import { planCheckpoints } from '../src/revolve/budget.ts';
import { defaultThreads } from '../src/runtime/arguments.ts';
import { writeFigures, type FigurePoint } from './checkpointing-figures.ts';
import { runRow, stateFacts, type ProblemSpec, type RowResult, type RowSpec } from './checkpointing-run.ts';
import { busyText, cpuSample, machineFacts, otherCpuUse, otherShare } from './machine.ts';
import { fixed, renderTable } from './table.ts';

const { values: opts } = parseArgs({
  options: {
    size2d: { type: 'string' },
    size3d: { type: 'string' },
    nbl2d: { type: 'string' },
    nbl3d: { type: 'string' },
    steps: { type: 'string' },
    out: { type: 'string', default: 'out/bench-checkpointing' },
    order: { type: 'string', default: '8' },
    budgets: { type: 'string', default: '100,50,20,10,5,2,1' },
    dims: { type: 'string', default: '2,3' },
    threads: { type: 'string' },
    'max-memory': { type: 'string' },
    'skip-history': { type: 'boolean', default: false },
    retries: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

// ---------------------------------------------------------------------------------------------

function positiveInt(name: string, text: string | undefined, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`bench:checkpointing: --${name} must be an integer >= ${min}, got ${text}`);
  return value;
}

function positiveNumber(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`bench:checkpointing: --${name} must be a positive number, got ${text}`);
  return value;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** Share of all CPUs other processes may use during a row before it counts as disturbed (and is redone). */
const OTHER_LOAD = 0.1;
/**
 * Change of the machine's speed during a row, seen as the plain forward sweep after the gradients
 * against the one before, past which the row is redone too: the host's other guests take this
 * VM's cores without any process of it showing the load (seen: kernels 50–70% slower for one row).
 */
const SPEED_DRIFT = 0.1;

/** How much faster or slower the plain sweep after the gradients ran than the one before (0 for history rows). */
const speedDrift = (r: RowResult): number => {
  const [before, after] = r.plainForwardSeconds;
  return before !== undefined && after !== undefined ? Math.abs(after / before - 1) : 0;
};

/** Disturbance of a finished row: ≤ 1 when neither other processes nor a speed change exceeded their bounds. */
const disturbance = (r: RowResult, otherBusy: number | undefined): number => Math.max((otherBusy ?? 0) / OTHER_LOAD, speedDrift(r) / SPEED_DRIFT);
/** The goal for gradient time ÷ (kernels + copies): the Revolver's own overhead. */
const GOAL = 1.05;
/** Acceptance of the cost model: measured gradient time within ±15% of plan.predicted. */
const ACCEPT = 0.15;
/** Node + tsx + the compiled libraries, roughly, on top of the fields and checkpoints. */
const BASE_BYTES = 400 * MiB;
/** Most elements V8 (Node 20) allocates in one typed array. */
const MAX_TYPED_ARRAY = 2 ** 32;

interface Row {
  readonly problem: ProblemSpec;
  readonly kind: 'revolve' | 'history';
  readonly fraction: number;
  readonly budgetBytes: number;
  readonly nCheckpoints: number;
  readonly predictedRecompute: number;
  /** What the child is expected to need: checkpoints (or history) + fields + base. */
  readonly needBytes: number;
  readonly skipped?: string;
  result?: RowResult;
  /** Share of all CPUs other processes kept busy while the row's child ran (undefined: unknown). */
  otherBusy?: number;
  /** Times the row was redone because other processes took CPU during it. */
  redone?: number;
  error?: string;
  gradientPath?: string;
}

function main(): void {
  const quick = opts.quick;
  const steps = positiveInt('steps', opts.steps ?? (quick ? '60' : '1000'));
  const spaceOrder = positiveInt('order', opts.order, 2);
  const sizeList = (name: 'size2d' | 'size3d', fallback: string): number[] =>
    [...new Set((opts[name] ?? fallback).split(',').map((t) => positiveInt(name, t.trim(), 8)))].sort((a, b) => a - b);
  const sizes = { 2: sizeList('size2d', quick ? '80,120' : '500,750,1000'), 3: sizeList('size3d', quick ? '20,24' : '80,100,120') };
  const nbls = { 2: positiveInt('nbl2d', opts.nbl2d ?? (quick ? '10' : '40'), 0), 3: positiveInt('nbl3d', opts.nbl3d ?? (quick ? '6' : '20'), 0) };
  const dims = opts.dims!.split(',').map((d) => {
    const value = positiveInt('dims', d.trim(), 2);
    if (value !== 2 && value !== 3) throw new Error(`bench:checkpointing: --dims lists 2 and/or 3, got ${d}`);
    return value as 2 | 3;
  });
  const fractions = [...new Set(opts.budgets!.split(',').map((b) => positiveNumber('budgets', b.trim()) / 100))].sort((a, b) => b - a);
  if (fractions.some((f) => f > 1)) throw new Error('bench:checkpointing: --budgets are percentages ≤ 100');
  const nthreads = opts.threads === undefined ? defaultThreads() : positiveInt('threads', opts.threads);
  const retries = positiveInt('retries', opts.retries, 0);
  const available = memAvailable();
  const maxMemory = opts['max-memory'] !== undefined ? positiveNumber('max-memory', opts['max-memory']) * GiB : 0.8 * available;

  const machine = machineFacts();
  const print = (line = ''): void => console.log(line);
  const wallStart = performance.now();
  print(`devito-ts benchmark: checkpointed FWI gradient (Revolve) vs memory budget — acoustic, one shot, float32, spaceOrder ${spaceOrder}`);
  print(`CPU      ${machine.cpuModel}; ${machine.availableCpus} CPUs available, ${nthreads} thread(s); L3 ${machine.l3}`);
  print(`memory   ${machine.memoryGiB.toFixed(1)} GiB RAM, ${(available / GiB).toFixed(1)} GiB available at start; rows that would need more than ${(maxMemory / GiB).toFixed(1)} GiB are skipped${opts['max-memory'] === undefined ? ' (80% of available; --max-memory to change)' : ''}`);
  print(`gcc      ${machine.compiler}; flags ${DEFAULT_FLAGS.join(' ')}; node ${machine.node}; ${machine.ompEnv}`);
  print(`load     ${busyText(otherCpuUse())}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // --- Plan every row ------------------------------------------------------------------------
  const rows: Row[] = [];
  const problems = dims.flatMap((ndim) => sizes[ndim].map((size): ProblemSpec => ({ ndim, size, nbl: nbls[ndim], steps, spaceOrder, nthreads })));
  for (const problem of problems) {
    const { ndim } = problem;
    const facts = stateFacts(problem);
    const n = steps;
    const full = (n + 1) * facts.stateBytes;
    const fieldBytes = 10 * facts.levelBytes + BASE_BYTES; // u and v rings (3 levels each), m, damp, grad, copies
    const historyBytes = (n + 2) * facts.levelBytes;
    print(
      `${ndim}D       ${problem.size}${ndim === 2 ? '²' : '³'} physical + nbl ${nbls[ndim]} = ${facts.paddedShape.join(' × ')} points, h = 10 m, vp 1.5 / 2.5 km/s (two layers); ` +
        `n = ${n} steps of dt = ${facts.dt.toFixed(3)} ms; state ${(facts.stateBytes / MiB).toFixed(2)} MiB (2 levels with halo); ` +
        `100% = (n+1) states = ${(full / MiB).toFixed(0)} MiB; saved history (n+2 levels) = ${(historyBytes / MiB).toFixed(0)} MiB = ${fixed((100 * historyBytes) / full, 1)}%`,
    );
    if (!opts['skip-history']) {
      const need = historyBytes + fieldBytes;
      // The saved u is one typed array; V8 allocates at most 2³² elements in one.
      const elements = historyBytes / 4;
      const skipped = elements > MAX_TYPED_ARRAY
        ? `saved u = ${elements.toLocaleString('en-US')} float32 > 2³² elements, the largest typed array`
        : need > maxMemory ? `needs ~${(need / GiB).toFixed(1)} GiB > ${(maxMemory / GiB).toFixed(1)} GiB` : undefined;
      rows.push({
        problem, kind: 'history', fraction: historyBytes / full, budgetBytes: historyBytes, nCheckpoints: 0, predictedRecompute: 1, needBytes: need,
        ...(skipped ? { skipped } : {}),
      });
    }
    for (const fraction of fractions) {
      const budgetBytes = fraction * full;
      if (budgetBytes < facts.stateBytes) {
        rows.push({ problem, kind: 'revolve', fraction, budgetBytes, nCheckpoints: 0, predictedRecompute: NaN, needBytes: 0, skipped: 'budget below one checkpoint' });
        continue;
      }
      const plan = planCheckpoints({ nTimesteps: n, stateBytes: facts.stateBytes, memoryBudgetBytes: budgetBytes });
      const need = plan.checkpointBytes + fieldBytes;
      rows.push({
        problem, kind: 'revolve', fraction, budgetBytes, nCheckpoints: plan.nCheckpoints, predictedRecompute: plan.recomputeFactor, needBytes: need,
        ...(need > maxMemory ? { skipped: `needs ~${(need / GiB).toFixed(1)} GiB > ${(maxMemory / GiB).toFixed(1)} GiB` } : {}),
      });
    }
    const skipped = rows.filter((r) => r.problem === problem && r.skipped);
    if (skipped.length) {
      print(`         skipped at ${problem.size}: ${skipped.map((r) => `${label(r)} (${r.skipped})`).join('; ')}`);
    }
  }
  print();

  // --- Run them, one child process each ------------------------------------------------------
  const scratch = mkdtempSync(join(tmpdir(), 'devito-ts-bench-ckp-'));
  try {
    for (const row of rows) {
      if (row.skipped) continue;
      row.gradientPath = join(scratch, `grad-${row.problem.ndim}d-${row.problem.size}-${row.kind}-${row.fraction}.bin`);
      const spec: RowSpec = { problem: row.problem, kind: row.kind, fraction: row.fraction, gradientPath: row.gradientPath };
      for (let attempt = 0; attempt <= retries; attempt++) {
        const availableNow = memAvailable();
        if (row.needBytes > 0.95 * availableNow) {
          if (!row.result) row.error = `skipped: needs ~${(row.needBytes / GiB).toFixed(1)} GiB, only ${(availableNow / GiB).toFixed(1)} GiB available now`;
          break;
        }
        const before = cpuSample();
        const outcome = runChild(spec);
        const after = cpuSample();
        if ('error' in outcome) {
          // A failed retry keeps the earlier (disturbed) result, flagged as such.
          if (!row.result) row.error = outcome.error;
          break;
        }
        const otherBusy = otherShare(before, after, outcome.result.processCpuSeconds);
        if (row.result === undefined || disturbance(outcome.result, otherBusy) < disturbance(row.result, row.otherBusy)) {
          row.result = outcome.result;
          row.otherBusy = otherBusy;
        }
        row.redone = attempt;
        if (disturbance(outcome.result, otherBusy) <= 1) break;
      }
      print(progressLine(row));
    }
    print();

    // --- Report -------------------------------------------------------------------------------
    const done = rows.filter((r) => r.result);
    print(renderTable(
      [
        { header: 'case', align: 'left' }, { header: 'run', align: 'left' }, { header: 'budget %' }, { header: 'budget MiB' }, { header: 'c' },
        { header: 'RF pred' }, { header: 'RF meas' }, { header: 'forward s' }, { header: 'gradient s' }, { header: 'predicted s' },
        { header: 'meas/pred' }, { header: 'meas/pred 2nd' }, { header: 'copies s' }, { header: 'copies pred s' }, { header: 'peak RSS MiB' }, { header: 'others %' },
        { header: 'note', align: 'left' },
      ],
      rows.map((row) => mainCells(row)),
    ));
    print();
    print('details per gradient run (1st: fresh Revolver; 2nd: the same Revolver again). Seconds; t_* in ms per step (t_fwd, t_rev:');
    print('the cost model\'s, measured before the gradients; "in run": the Revolver\'s own timings of the run); "fwd/rev kernel" =');
    print('time inside forward.apply / reverse.apply; "rest" = gradient s − kernels − storage:');
    print(renderTable(
      [
        { header: 'case', align: 'left' }, { header: 'run', align: 'left' }, { header: 'budget %' }, { header: 'gradient' }, { header: 'applyFwd s' }, { header: 'applyRev s' },
        { header: 'fwd kernel s' }, { header: 'rev kernel s' }, { header: 'storage s' }, { header: 'rest s' }, { header: 't_fwd' }, { header: 't_fwd in run' },
        { header: 't_rev' }, { header: 't_rev in run' }, { header: 'fwd calls' }, { header: 'saves' }, { header: 'restores' }, { header: 'in place' },
        { header: 'copy GB/s' }, { header: 'cpu %' }, { header: 'ckpt MiB' }, { header: 'RSS before MiB' },
      ],
      done.flatMap((row) => [detailCells(row, 0), detailCells(row, 1)]),
    ));
    print();

    // --- Correctness and goals ------------------------------------------------------------------
    let failed = rows.some((r) => r.error && !r.error.startsWith('skipped'));
    for (const problem of problems) {
      const name = caseLabel(problem);
      const revolve = done.filter((r) => r.problem === problem && r.kind === 'revolve');
      const history = done.find((r) => r.problem === problem && r.kind === 'history');
      if (revolve.length >= 2) {
        const largest = revolve[0]!;
        const smallest = revolve[revolve.length - 1]!;
        const same = compareGradients(largest.gradientPath!, smallest.gradientPath!);
        if (!same.equal) failed = true;
        print(`check    ${name} gradient at ${label(smallest)} (c = ${smallest.nCheckpoints}) vs ${label(largest)} (c = ${largest.nCheckpoints}): ${same.text}`);
      } else {
        print(`check    ${name} gradient: fewer than two budgets ran, nothing to compare`);
      }
      if (history && revolve.length) {
        const same = compareGradients(history.gradientPath!, revolve[0]!.gradientPath!);
        if (!same.equal) failed = true;
        print(`check    ${name} saved-history gradient vs ${label(revolve[0]!)} checkpointed: ${same.text}`);
      }
      const records = revolve.filter((r) => r.result!.recordEqual === false);
      if (records.length) failed = true;
      print(`check    ${name} shot record of every checkpointed forward sweep = the plain sweep's, bitwise: ${records.length ? `NO at ${records.map(label).join(', ')}` : 'yes'}`);
      const counts = revolve.filter((r) => r.result!.runs.some((g) => g.forwardSteps !== r.result!.predictedForwardSteps || g.reverseSteps !== r.result!.nSteps));
      if (counts.length) failed = true;
      print(`check    ${name} forward steps run = plan.forwardSteps and n reverse steps, every budget: ${counts.length ? `NO at ${counts.map(label).join(', ')}` : 'yes'}`);
      const repeat = done.filter((r) => r.problem === problem && !r.result!.runsEqual);
      if (repeat.length) failed = true;
      print(`check    ${name} second gradient of every row = its first, bitwise: ${repeat.length ? `NO at ${repeat.map(label).join(', ')}` : 'yes'}`);
    }
    print();
    for (const ndim of dims) {
      const revolve = done.filter((r) => r.problem.ndim === ndim && r.kind === 'revolve');
      if (!revolve.length) {
        print(`accept   ${ndim}D measured ÷ predicted within ±${100 * ACCEPT}%: not measured (no budget ran)`);
        continue;
      }
      for (const which of [0, 1] as const) {
        const ratios = revolve.map((r) => ({ row: r, ratio: timing(r, which).ratio }));
        const off = ratios.filter((r) => Math.abs(r.ratio - 1) > ACCEPT);
        const lo = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
        const hi = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
        print(
          `accept   ${ndim}D measured ÷ predicted (cost model: plan.predicted) within ±${100 * ACCEPT}% at every size and budget, ` +
            `${which === 0 ? 'fresh Revolver (1st run)' : 'same Revolver again (2nd run)'}: ${off.length ? `NOT MET at ${off.map((r) => rowName(r.row)).join(', ')}` : 'met'} — ` +
            `from ${lo.ratio.toFixed(3)} (${rowName(lo.row)}) to ${hi.ratio.toFixed(3)} (${rowName(hi.row)})`,
        );
      }
      const overhead = revolve.map((r) => {
        const g = r.result!.runs[0]!;
        return { row: r, ratio: timing(r, 0).gradient / ((g.forwardMs + g.reverseMs + g.storageMs) / 1000) };
      });
      const worst = overhead.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      print(
        `goal     ${ndim}D orchestration: gradient ÷ (kernels + checkpoint copies, as timed in the run) ≤ ${GOAL} at every budget (1st run): ` +
          `${overhead.some((r) => r.ratio > GOAL) ? 'NOT MET' : 'met'} — max ${worst.ratio.toFixed(3)} at ${rowName(worst.row)}`,
      );
      const disturbed = revolve.filter((r) => (r.otherBusy ?? 0) > OTHER_LOAD);
      if (disturbed.length) print(`         ${ndim}D rows run while other processes used > ${100 * OTHER_LOAD}% of the CPUs (even after a retry): ${disturbed.map(rowName).join(', ')}`);
    }
    print();
    for (const path of writeFigures(figurePoints(done), opts.out!)) print(`figure   ${path}`);
    print();
    print('notes    n = forward steps (nt = n + 2 samples); a checkpoint (state) holds the 2 time levels of u the next step reads, halo included.');
    print('         budget % is of (n + 1) × state bytes, the memory at which Revolve recomputes nothing; the saved-history gradient');
    print('         (forward({ save: true }) + gradient()) keeps n + 2 single levels, ≈ 50% of it. c = checkpoints the budget holds');
    print('         (memoryBudgetBytes ÷ state bytes, at most n + 1; the initial state\'s included).');
    print('         RF pred = plan.recomputeFactor (plan.forwardSteps ÷ n, before running); RF meas = stats.forwardSteps ÷ n.');
    print('         forward s = one plain forward modelling sweep: n steps in one kernel call, no checkpoints (mean of a sweep run');
    print('         just before and one just after the gradient, in the same process).');
    print('         gradient s = wall time of revolver.applyForward() + revolver.applyReverse(): the checkpointed forward sweep');
    print('         (saves) and the reverse sweep (restores, recomputation, n gradient steps); memory storage. Setup (zeroing u, v,');
    print('         loading the residual, sampling the last receiver time, restricting the gradient) is outside it.');
    print('         predicted s = the Revolver\'s plan.predicted (predictTime of its schedule) from a cost model measured in the same');
    print('         process before the gradients: t_fwd = the plain sweep before them ÷ n, t_rev = median of 60 single reverse');
    print('         steps; state write, read and first touch = measureCosts (a copy\'s excess time in a sequence of steps with a copy');
    print('         before each, slots in RAM). It counts forward steps × t_fwd + n × t_rev + saves × write + restores × read (a');
    print('         restore the reverse step reads in place copies nothing, but that step reads the slot from RAM: a read, timed in');
    print('         the reverse kernel) + for the 1st run, slots × first touch (page faults of fresh memory). meas/pred = gradient s');
    print('         ÷ predicted s; the 2nd run reuses checkpoint memory already touched, the 1st pays its page faults, as a job');
    print('         that builds a Revolver per shot does. copies s = revolver.stats.storageMs of the 1st run; copies pred s = the');
    print('         prediction\'s storage part.');
    print('         saved-history rows: forward s = forward({ save: true }) wall, gradient s = that + gradient() wall; no prediction.');
    print('         peak RSS = the child process\'s VmHWM (each row in its own process), reset after the cost measurement\'s scratch');
    print('         memory is freed: Node + fields + checkpoints touched (+ up to ~80 MiB of that scratch the allocator keeps resident).');
    print(`         others % = share of all CPUs used by other processes while the row's child ran (/proc/stat minus the child's CPU);`);
    print(`         above ${100 * OTHER_LOAD}% the row was redone (at most ${retries} time(s)), keeping the least disturbed run; so was a row whose plain`);
    print(`         forward sweep after the gradients ran more than ${100 * SPEED_DRIFT}% faster or slower than the one before (the host's other guests). cpu % = this process's CPU`);
    print(`         time ÷ (gradient wall × ${nthreads} threads): below 100% the threads waited (page faults of fresh memory, other processes).`);
    print(`wall     ${((performance.now() - wallStart) / 1000).toFixed(0)} s`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

function label(row: Row): string {
  return row.kind === 'history' ? 'saved history' : `${pct(row.fraction)}%`;
}

/**
 * The checkpointed rows that ran, as the figures take them: both gradient runs, the curves being
 * the model's steady state (2nd run) and the 1st run adding the first touch of fresh memory.
 */
function figurePoints(done: readonly Row[]): FigurePoint[] {
  return done.filter((row) => row.kind === 'revolve' && row.result?.costs).map((row) => {
    const r = row.result!;
    return {
      ndim: row.problem.ndim, size: row.problem.size, nSteps: r.nSteps, stateBytes: r.stateBytes, fraction: row.fraction,
      gradientSeconds: timing(row, 0).gradient, warmGradientSeconds: timing(row, 1).gradient, recomputeFactor: r.runs[0]!.forwardSteps / r.nSteps, peakRssBytes: r.peakRssBytes, costs: r.costs!,
    };
  });
}

function caseLabel(problem: ProblemSpec): string {
  return `${problem.ndim}D ${problem.size}${problem.ndim === 2 ? '²' : '³'}`;
}

function rowName(row: Row): string {
  return `${caseLabel(row.problem)} ${label(row)}`;
}

function pct(fraction: number): string {
  const value = 100 * fraction;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The cost model's t_fwd, t_rev (s per step), forward s, gradient s, prediction (plan.predicted) and ratio of gradient run `which` of a finished row. */
function timing(row: Row, which: 0 | 1): { tFwd: number; tRev: number; forward: number; gradient: number; predicted: number; ratio: number } {
  const r = row.result!;
  const g = r.runs[which]!;
  const gradient = g.applyForwardSeconds + g.applyReverseSeconds;
  if (r.kind === 'history' || !r.costs || !r.predicted) return { tFwd: NaN, tRev: NaN, forward: g.applyForwardSeconds, gradient, predicted: NaN, ratio: NaN };
  const forward = r.plainForwardSeconds.reduce((a, b) => a + b, 0) / r.plainForwardSeconds.length;
  // A fresh Revolver's first run also touches its checkpoint memory for the first time.
  const predicted = (r.predicted.totalMs + (which === 0 ? r.predicted.firstTouchMs : 0)) / 1000;
  return { tFwd: r.costs.forwardStepMs / 1000, tRev: r.costs.reverseStepMs / 1000, forward, gradient, predicted, ratio: gradient / predicted };
}

/** The least CPU share of the row's gradient runs. */
const cpuShare = (r: RowResult): number => Math.min(...r.runs.map((g) => g.cpuShare));

function mainCells(row: Row): string[] {
  const dim = caseLabel(row.problem);
  const history = row.kind === 'history';
  const run = history ? 'saved history' : 'revolve';
  const budgetMiB = fixed(row.budgetBytes / MiB, 0);
  const c = history ? '-' : row.nCheckpoints ? String(row.nCheckpoints) : '';
  const rfPred = Number.isNaN(row.predictedRecompute) ? '' : fixed(row.predictedRecompute, 3);
  if (!row.result) {
    const why = row.skipped ? `skipped: ${row.skipped}` : row.error ?? 'not run';
    return [dim, run, pct(row.fraction), budgetMiB, c, rfPred, '', '', '', '', '', '', '', '', '', '', why];
  }
  const r = row.result;
  const first = timing(row, 0);
  const second = timing(row, 1);
  const notes = [
    (row.otherBusy ?? 0) > OTHER_LOAD ? 'disturbed' : '',
    speedDrift(r) > SPEED_DRIFT ? `speed drifted ${(100 * speedDrift(r)).toFixed(0)}%` : '',
    r.runsEqual ? '' : '2 runs differ!',
    r.recordEqual === false ? 'record differs!' : '',
    !history && r.runs.some((g) => g.forwardSteps !== r.predictedForwardSteps) ? 'steps ≠ plan!' : '',
  ].filter(Boolean);
  return [
    dim, run, pct(row.fraction), budgetMiB, c, rfPred, fixed(r.runs[0]!.forwardSteps / r.nSteps, 3),
    fixed(first.forward, 2), fixed(first.gradient, 2), history ? '-' : fixed(first.predicted, 2), history ? '-' : fixed(first.ratio, 3),
    history ? '-' : fixed(second.ratio, 3),
    history ? '-' : fixed(r.runs[0]!.storageMs / 1000, 2), history ? '-' : fixed(r.predicted!.storageMs / 1000, 2),
    fixed(r.peakRssBytes / MiB, 0), row.otherBusy === undefined ? '?' : fixed(100 * row.otherBusy, 0), notes.join(', '),
  ];
}

function detailCells(row: Row, which: 0 | 1): string[] {
  const r = row.result!;
  const g = r.runs[which]!;
  const t = timing(row, which);
  const inside = (g.forwardMs + g.reverseMs + g.storageMs) / 1000;
  const history = r.kind === 'history';
  return [
    caseLabel(row.problem), history ? 'saved history' : 'revolve', pct(row.fraction), which === 0 ? '1st' : '2nd',
    fixed(g.applyForwardSeconds, 2), fixed(g.applyReverseSeconds, 2),
    history ? '-' : fixed(g.forwardMs / 1000, 2), history ? '-' : fixed(g.reverseMs / 1000, 2), history ? '-' : fixed(g.storageMs / 1000, 2),
    history ? '-' : fixed(t.gradient - inside, 3),
    history ? '-' : fixed(1000 * t.tFwd, 3), history ? '-' : fixed(g.forwardMs / g.forwardSteps, 3), history ? '-' : fixed(1000 * t.tRev, 3),
    history ? '-' : fixed(g.reverseMs / g.reverseSteps, 3), String(g.forwardCalls), String(g.saves), String(g.restores), String(g.inPlaceRestores),
    history || g.storageMs === 0 ? '-' : fixed(((g.saves + g.restores) * r.stateBytes) / (g.storageMs / 1000) / 1e9, 1), `${fixed(100 * g.cpuShare, 0)}%`,
    which === 0 ? fixed(r.peakCheckpointBytes / MiB, 0) : '', which === 0 ? fixed(r.rssBeforeBytes / MiB, 0) : '',
  ];
}

function progressLine(row: Row): string {
  const head = `${caseLabel(row.problem)} ${label(row).padStart(13)}`;
  if (!row.result) return `run      ${head}: ${row.error ?? 'not run'}`;
  const r = row.result;
  const [first, second] = [timing(row, 0), timing(row, 1)];
  const ratio = (t: typeof first): string => (r.kind === 'history' ? '' : ` (÷ predicted ${t.predicted.toFixed(2)} s = ${t.ratio.toFixed(3)})`);
  const redo = row.redone ? `, redone ${row.redone}×` : '';
  return (
    `run      ${head}: forward ${first.forward.toFixed(2)} s, gradient ${first.gradient.toFixed(2)} s${ratio(first)}, again ${second.gradient.toFixed(2)} s${ratio(second)}, ` +
    `peak RSS ${(r.peakRssBytes / MiB).toFixed(0)} MiB, cpu ${(100 * cpuShare(r)).toFixed(0)}%, others ${row.otherBusy === undefined ? '?' : (100 * row.otherBusy).toFixed(0)}%${redo}`
  );
}

// ---------------------------------------------------------------------------------------------
// Child processes, gradients, environment

function runChild(spec: RowSpec): { result: RowResult } | { error: string } {
  const script = fileURLToPath(import.meta.url);
  // --expose-gc: the child frees the cost measurement's scratch memory before its peak RSS counts.
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', script, '--child', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 64 * MiB,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.status !== 0) {
    const reason = child.signal ? `killed by ${child.signal}` : `exit ${child.status}`;
    const message = (child.stderr ?? '').trim().split('\n').find((line) => /error/i.test(line)) ?? (child.stderr ?? '').trim().split('\n')[0] ?? '';
    return { error: `child failed (${reason}): ${message}` };
  }
  return { result: JSON.parse(child.stdout.trim().split('\n').pop()!) as RowResult };
}

function compareGradients(pathA: string, pathB: string): { equal: boolean; text: string } {
  const a = readFileSync(pathA);
  const b = readFileSync(pathB);
  if (a.length !== b.length) return { equal: false, text: `DIFFERENT sizes (${a.length} vs ${b.length} bytes)` };
  const x = new Float32Array(a.buffer, a.byteOffset, a.length / 4);
  const y = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  let norm = 0;
  for (let i = 0; i < x.length; i++) norm += x[i]! ** 2;
  if (Buffer.compare(a, b) === 0) return { equal: true, text: `bitwise equal (${x.length.toLocaleString('en-US')} values, ‖g‖ = ${Math.sqrt(norm).toExponential(4)})` };
  let differ = 0;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) differ++;
    const d = Math.abs(x[i]! - y[i]!);
    if (!(d <= diff)) diff = d;
    const s = Math.abs(y[i]!);
    if (!(s <= scale)) scale = s;
  }
  return { equal: false, text: `NOT bitwise equal: ${differ} of ${x.length} values differ, max |Δ| ÷ max |g| = ${(diff / scale).toExponential(2)}` };
}

/** MemAvailable from /proc/meminfo (bytes), or os.freemem() without it. */
function memAvailable(): number {
  if (existsSync('/proc/meminfo')) {
    const match = /^MemAvailable:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  return freemem();
}



// ---------------------------------------------------------------------------------------------
// Entry (last, so every constant above is initialised)

if (opts.child !== undefined) {
  // Child mode: one row, result as the last line of stdout.
  const result = runRow(JSON.parse(opts.child) as RowSpec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  main();
}
