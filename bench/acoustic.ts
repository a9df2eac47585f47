// `npm run bench`: the 3D acoustic kernel m·u.dt2 − Δu = 0 against a STREAM-triad bandwidth
// bound measured in the same run, plus Operator build (lowering + codegen) and gcc times.
//
//   npm run bench -- [--size 256] [--orders 4,8] [--threads 1,2] [--min-seconds 1] [--reps 5]
//                    [--warmup 3] [--stream-n 80000000] [--stream-reps 10] [--keep-cache]
//   (BENCH_SIZE=N also sets the grid size.)
//
// Conventions (see the notes printed under the table):
// - STREAM triad over double arrays, bytes = 3 × n × 8 B per pass (no write-allocate), best pass.
// - Kernel minimum traffic per grid point and step: read u[t], u[t−1], m, write u[t+1], each once
//   = 4 × 4 B = 16 B for float32, likewise without write-allocate. Bound = STREAM B/s ÷ 16 B.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Operator, PerformanceSummary, TimeFunction } from '../src/index.ts';
import { DEFAULT_FLAGS } from '../src/jit/compiler.ts';
import { acousticOperator, acousticProblem, criticalDt, DT, SPACING, VP } from './acoustic-op.ts';
import { cacheBytes, machineFacts } from './machine.ts';
import { loadStream, type StreamResult } from './stream.ts';
import { fixed, renderTable } from './table.ts';

// ---------------------------------------------------------------------------------------------
// Options

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string' },
    orders: { type: 'string', default: '4,8' },
    threads: { type: 'string', default: '1,2' },
    'min-seconds': { type: 'string', default: '1' },
    reps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'min-steps': { type: 'string', default: '20' },
    'stream-n': { type: 'string', default: '80000000' },
    'stream-reps': { type: 'string', default: '10' },
    'keep-cache': { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench: --${name} must be a positive integer, got ${text}`);
  return value;
}
function intList(name: string, text: string): number[] {
  return text.split(',').map((part) => positiveInt(name, part.trim()));
}

const size = positiveInt('size', opts.size ?? process.env.BENCH_SIZE ?? '256');
const orders = intList('orders', opts.orders!);
const threadCounts = intList('threads', opts.threads!);
const minSeconds = Number(opts['min-seconds']);
if (!(minSeconds > 0)) throw new Error(`bench: --min-seconds must be positive, got ${opts['min-seconds']}`);
const reps = positiveInt('reps', opts.reps);
const warmupSteps = positiveInt('warmup', opts.warmup);
const minSteps = positiveInt('min-steps', opts['min-steps']);
const streamN = positiveInt('stream-n', opts['stream-n']);
const streamReps = positiveInt('stream-reps', opts['stream-reps']);

// ---------------------------------------------------------------------------------------------
// Header: machine facts

const wallStart = performance.now();
const machine = machineFacts();
const llc = cacheBytes(machine.l3);
const print = (line = ''): void => console.log(line);

print(`devito-ts benchmark: 3D acoustic  m·u.dt2 − Δu = 0  (solve for u.forward), ${size}³ float32, timeOrder 2`);
print(`CPU      ${machine.cpuModel}`);
print(`cores    ${machine.physicalCores} physical / ${machine.logicalCpus} logical in /proc/cpuinfo, ${machine.availableCpus} available to this process; L3 ${llc ? `${(llc / 2 ** 20).toFixed(0)} MiB` : machine.l3}; RAM ${machine.memoryGiB.toFixed(1)} GiB`);
print(`gcc      ${machine.compiler}; flags ${DEFAULT_FLAGS.join(' ')}`);
print(`node     ${machine.node}; OpenMP env ${machine.ompEnv}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const maxThreads = Math.max(...threadCounts);
if (maxThreads > machine.availableCpus) print(`warning  ${maxThreads} threads requested but only ${machine.availableCpus} CPUs available: oversubscribed`);

// A fresh cache directory, so the first compile of every Operator really runs gcc.
const cacheDir = mkdtempSync(join(tmpdir(), 'devito-ts-bench-'));
print(`cache    ${cacheDir} (fresh: cold for gcc timings${opts['keep-cache'] ? ', kept' : ', removed at exit'})`);

let failed = false;
try {
  run();
} finally {
  if (!opts['keep-cache']) rmSync(cacheDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

// ---------------------------------------------------------------------------------------------

interface KernelRow {
  readonly spaceOrder: number;
  readonly nthreads: number;
  readonly steps: number;
  readonly best: PerformanceSummary;
  readonly medianGpts: number;
  /** CPU time of this process ÷ (wall time × threads) over the best run: < ~95% means cores were shared. */
  readonly cpuShare: number;
}

interface BuildRow {
  readonly spaceOrder: number;
  readonly flopsPerPoint: number;
  readonly buildSeconds: number;
  readonly rebuildSeconds: number;
  readonly gccSeconds: number;
  /** compile() of a second identical Operator in this process (library already dlopen'ed). */
  readonly hitSeconds: number;
  /** compile() in a fresh Node process against the warm cache (includes dlopen). */
  readonly freshHitSeconds: number | undefined;
  readonly sanity: { readonly norm: number; readonly maxAbs: number; readonly ok: boolean; readonly steps: number };
}

function run(): void {
  // --- STREAM triad -----------------------------------------------------------------------
  const stream = loadStream(cacheDir);
  const arrayBytes = streamN * 8;
  const ratio = llc ? arrayBytes / llc : undefined;
  print(
    `STREAM   triad a = b + s·c, double, 3 × ${streamN.toLocaleString('en-US')} elements = 3 × ${(arrayBytes / 2 ** 20).toFixed(0)} MiB` +
      (ratio !== undefined ? ` (each array ${ratio.toFixed(0)}× L3)` : '') +
      `, parallel first touch, best of ${streamReps} (gcc ${(stream.compileSeconds * 1000).toFixed(0)} ms, kernel flags + -Wl,-z,nodelete)`,
  );
  if (ratio !== undefined && (3 * arrayBytes) / llc! < 4) print(`warning  STREAM arrays total less than 4× L3: raise --stream-n`);
  const streamResults = new Map<number, StreamResult>();
  for (const nthreads of threadCounts) {
    const result = stream.run(streamN, nthreads, streamReps);
    streamResults.set(nthreads, result);
    print(
      `         ${nthreads} thread${nthreads > 1 ? 's' : ' '}: ${result.gbPerSecond.toFixed(2)} GB/s counted 3 arrays (best ${(result.bestSeconds * 1000).toFixed(1)} ms, ` +
        `mean ${(result.meanSeconds * 1000).toFixed(1)} ms); ${result.gbPerSecondWithWriteAllocate.toFixed(2)} GB/s counting write-allocate (4 arrays)`,
    );
  }

  // --- Acoustic kernel ----------------------------------------------------------------------
  const kernelRows: KernelRow[] = [];
  const buildRows: BuildRow[] = [];
  const dtLimits = orders.map((so) => `${criticalDt(so, 3).toFixed(2)} ms (so${so})`).join(', ');
  print(`setup    h = ${SPACING} m, vp = ${VP} km/s, dt = ${DT} ms (leapfrog limit ${dtLimits}); unit spike at the centre of u[0], u[1]`);
  print();

  for (const spaceOrder of orders) {
    const problem = acousticProblem(size, spaceOrder);
    problem.m.data.fill(1 / VP ** 2);
    const footprint = (problem.u.data.raw.length + problem.m.data.raw.length) * 4;
    if (llc && footprint < 4 * llc) {
      print(`warning  so${spaceOrder}: u and m take ${(footprint / 2 ** 20).toFixed(0)} MiB, under 4× L3: the kernel runs from cache, the DRAM bound does not apply`);
    }
    const op = acousticOperator(problem, spaceOrder, cacheDir);
    const first = op.compile();
    if (first.cacheHit) throw new Error(`bench: expected a cold cache for ${op.name}, found ${first.path}`);

    // Second identical Operator, warm cache, same process.
    const again = acousticOperator(problem, spaceOrder, cacheDir);
    const hitStart = performance.now();
    const hit = again.compile();
    const hitSeconds = (performance.now() - hitStart) / 1000;
    if (!hit.cacheHit || hit.path !== first.path) throw new Error(`bench: second ${op.name} did not hit the cache (${hit.path} vs ${first.path})`);

    const freshHitSeconds = freshProcessHit(spaceOrder, first.path);

    // Initial condition: unit spike at the centre of both past time levels.
    const c = Math.floor(size / 2);
    problem.u.data.set(0, c, c, c, 1);
    problem.u.data.set(1, c, c, c, 1);
    const clock = { t: 1 }; // next time index to update (reads t−1, t; writes t+1)

    for (const nthreads of threadCounts) kernelRows.push(measure(op, spaceOrder, nthreads, clock));

    const sanity = { ...wavefieldCheck(problem.u), steps: clock.t - 1 };
    if (!sanity.ok) failed = true;
    buildRows.push({
      spaceOrder,
      flopsPerPoint: op.flopsPerPoint,
      buildSeconds: op.buildSeconds,
      rebuildSeconds: again.buildSeconds,
      gccSeconds: first.compileSeconds,
      hitSeconds,
      freshHitSeconds,
      sanity,
    });
  }

  // --- Report ---------------------------------------------------------------------------------
  const bytesPerPoint = 4 * 4; // u[t], u[t−1], m read + u[t+1] written, float32, no write-allocate
  const rows = kernelRows.map((row, index) => {
    const stream = streamResults.get(row.nthreads)!;
    const bound = stream.gbPerSecond / bytesPerPoint;
    const gpts = row.best.gpointsPerSecond;
    const build = buildRows.find((b) => b.spaceOrder === row.spaceOrder)!;
    const firstOfOrder = index === kernelRows.findIndex((r) => r.spaceOrder === row.spaceOrder);
    return [
      String(row.spaceOrder),
      String(row.nthreads),
      String(row.steps),
      fixed(row.best.elapsedSeconds, 3),
      fixed(gpts, 3),
      fixed(row.medianGpts, 3),
      fixed(row.best.gflopsPerSecond, 1),
      fixed(gpts * bytesPerPoint, 2),
      fixed(stream.gbPerSecond, 2),
      String(bytesPerPoint),
      fixed(bound, 3),
      `${((100 * gpts) / bound).toFixed(1)}%`,
      `${Math.min(100 * row.cpuShare, 999).toFixed(0)}%`,
      firstOfOrder ? String(build.flopsPerPoint) : '',
      firstOfOrder ? fixed(build.buildSeconds * 1000, 1) : '',
      firstOfOrder ? fixed(build.gccSeconds * 1000, 0) : '',
      firstOfOrder ? fixed(build.hitSeconds * 1000, 2) : '',
      firstOfOrder ? fixed(build.freshHitSeconds === undefined ? undefined : build.freshHitSeconds * 1000, 2) : '',
    ];
  });
  print(
    renderTable(
      [
        { header: 'so' },
        { header: 'thr' },
        { header: 'steps' },
        { header: 'kernel s' },
        { header: 'GPts/s' },
        { header: 'median' },
        { header: 'GFlop/s' },
        { header: 'eff GB/s' },
        { header: 'STREAM GB/s' },
        { header: 'B/pt' },
        { header: 'bound GPts/s' },
        { header: 'of bound' },
        { header: 'cpu' },
        { header: 'flop/pt' },
        { header: 'build ms' },
        { header: 'gcc ms' },
        { header: 'hit ms' },
        { header: 'hit/new ms' },
      ],
      rows,
    ),
  );
  print();
  print(`GPts/s    best of ${reps} timed runs (each >= ${minSeconds} s and >= ${minSteps} steps, after ${warmupSteps} warm-up steps and a calibration run), from the C loop timers; median beside it`);
  print(`GFlop/s   GPts/s × flop/pt (the Operator's own operation count of the generated loop body)`);
  print(`eff GB/s  GPts/s × B/pt: the minimum traffic the achieved rate implies`);
  print(`STREAM    triad best pass, 3 arrays × 8 B per element counted (write-allocate not counted), same thread count`);
  print(`B/pt      minimum bytes per grid point and step: read u[t], u[t−1], m and write u[t+1] once, 4 × 4 B float32;`);
  print(`          write-allocate of u[t+1] not counted (+4 B), matching the STREAM count; neighbour reads assumed cached`);
  print(`bound     STREAM GB/s ÷ B/pt; of bound = GPts/s ÷ bound`);
  print(`cpu       process CPU time ÷ (wall × threads) during the best run; well under 100% means other processes shared the cores`);
  print(`build ms  new Operator(): lowering + passes + C printing, no gcc (1st Operator in process; an identical 2nd one: ${buildRows.map((b) => `so${b.spaceOrder} ${(b.rebuildSeconds * 1000).toFixed(1)} ms`).join(', ')})`);
  print(`gcc ms    compileSeconds of the first compile() against the fresh cache (gcc only)`);
  print(`hit ms    compile() of a 2nd identical Operator against the warm cache in this process (hash + stat; library already loaded)`);
  print(`hit/new   the same in a fresh Node process (hash + stat + dlopen + bind)`);
  for (const b of buildRows) {
    print(
      `sanity    so${b.spaceOrder}: after ${b.sanity.steps} steps ‖u‖₂ = ${b.sanity.norm.toPrecision(6)}, max|u| = ${b.sanity.maxAbs.toPrecision(6)} (spike 1) → ${b.sanity.ok ? 'finite, non-zero, no growth: OK' : 'FAILED'}`,
    );
  }
  print(`total     ${((performance.now() - wallStart) / 1000).toFixed(1)} s wall; load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

/**
 * Warm-up (first touch, thread start-up), calibration by doubling until a run lasts a tenth of
 * `minSeconds`, then `reps` timed runs each lasting at least `minSeconds`; best and median.
 */
function measure(op: Operator, spaceOrder: number, nthreads: number, clock: { t: number }): KernelRow {
  const advance = (steps: number): PerformanceSummary => {
    const summary = op.apply({ timeMin: clock.t, timeMax: clock.t + steps - 1, dt: DT, nthreads });
    clock.t += steps;
    if (summary.nthreads !== nthreads) throw new Error(`bench: asked for ${nthreads} threads, ran ${summary.nthreads}`);
    return summary;
  };
  const stepsFor = (summary: PerformanceSummary): number =>
    Math.min(Math.max(Math.ceil((minSeconds * 1.1 * summary.timesteps) / summary.elapsedSeconds), minSteps), 100_000);
  advance(warmupSteps);
  let probe = advance(warmupSteps);
  while (probe.elapsedSeconds < 0.1 * minSeconds && probe.timesteps < 100_000) probe = advance(probe.timesteps * 2);
  let steps = stepsFor(probe);
  const runs: { summary: PerformanceSummary; cpuShare: number }[] = [];
  for (let attempt = 0; runs.length < reps; attempt++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const summary = advance(steps);
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    // A run that came out shorter than asked (calibration was pessimistic) is redone, longer.
    if (summary.elapsedSeconds < minSeconds && summary.timesteps < 100_000 && attempt < 3 * reps) {
      steps = stepsFor(summary);
      continue;
    }
    runs.push({ summary, cpuShare: (cpu.user + cpu.system) / 1000 / (wallMs * nthreads) });
  }
  const sorted = runs.map((r) => r.summary.gpointsPerSecond).sort((a, b) => a - b);
  const best = runs.reduce((a, b) => (b.summary.gpointsPerSecond > a.summary.gpointsPerSecond ? b : a));
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { spaceOrder, nthreads, steps: best.summary.timesteps, best: best.summary, medianGpts: median, cpuShare: best.cpuShare };
}

/** L2 norm and max |u| over all time slots; OK when finite, non-zero and not above 2× the spike. */
function wavefieldCheck(u: TimeFunction): { norm: number; maxAbs: number; ok: boolean } {
  const raw = u.data.raw;
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    sum += v * v;
    const a = Math.abs(v);
    if (!(a <= maxAbs)) maxAbs = a; // NaN propagates
  }
  const norm = Math.sqrt(sum);
  return { norm, maxAbs, ok: Number.isFinite(norm) && Number.isFinite(maxAbs) && norm > 0 && maxAbs <= 2 };
}

/** compile() time of the same Operator in a fresh Node process (warm cache), or undefined on failure. */
function freshProcessHit(spaceOrder: number, expectedPath: string): number | undefined {
  const script = fileURLToPath(new URL('./cache-hit.ts', import.meta.url));
  const child = spawnSync(process.execPath, [...process.execArgv, script, '--size', String(size), '--so', String(spaceOrder), '--cache', cacheDir], {
    encoding: 'utf8',
  });
  if (child.status !== 0) {
    print(`warning  fresh-process cache-hit run failed (${child.status}): ${child.stderr.trim().split('\n')[0] ?? ''}`);
    return undefined;
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { compileSeconds: number; cacheHit: boolean; path: string };
  if (result.path !== expectedPath) {
    print(`warning  fresh-process Operator so${spaceOrder} generated different C (${result.path} vs ${expectedPath}): did src/ change during the run?`);
    return undefined;
  }
  if (!result.cacheHit) {
    print(`warning  fresh-process Operator so${spaceOrder} missed the cache although ${expectedPath} was built`);
    return undefined;
  }
  return result.compileSeconds;
}
