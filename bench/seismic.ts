// `npm run bench:seismic`: forward modelling of one shot on a 3D model (default 200³ physical
// points, spaceOrder 8, float32): GPts/s of the whole forward (stencil + source injection +
// receiver interpolation) next to the bare stencil's, so the sparse loops' cost is visible.
//
//   npm run bench:seismic -- [--size 200] [--nbl 20] [--steps 300] [--order 8] [--threads N] [--reps 3]
//                            [--stream-n 80000000] [--physics tti,elastic]
//
// Then the 3D TTI and elastic forward of the same shot on the same grid (`--physics ''` skips them),
// each against its own bandwidth bound: a STREAM triad measured in the same run ÷ the kernel's
// compulsory bytes per point and step (every time level a step reads or writes once, every other
// field once, by the share of the grid it spans; write-allocate not counted), the rule that gives
// the acoustic kernel its 16 B/pt.
//
// Conventions:
// - Points are those of the padded grid (physical + absorbing layer): what the kernel updates.
// - GPts/s = padded points × time steps / kernel seconds, from the C timers (no FFI or JS time).
// - "bare stencil" is the same damped update m·u_tt − Δu + η·u_t = 0 with no sparse loops.
// - Receivers: a line (one per x grid point at 20 m depth) and a carpet (every surface grid point).
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AcousticWaveSolver, AcquisitionGeometry, ElasticWaveSolver, SeismicModel, TTIWaveSolver, elasticStabilityLimit, type Operator, type PerformanceSummary,
} from '../src/index.ts';
import { DEFAULT_FLAGS } from '../src/jit/compiler.ts';
import { DEFAULT_BLOCK_SIZE } from '../src/passes/blocking.ts';
import { DEFAULT_TIME_TILE, DEFAULT_WAVE } from '../src/passes/time-tiling.ts';
import { defaultThreads } from '../src/runtime/arguments.ts';
import { machineFacts } from './machine.ts';
import { loadStream } from './stream.ts';
import { CFL_SAFETY } from '../src/seismic/stability.ts';
import { fixed, renderTable } from './table.ts';

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: process.env.BENCH_SIZE ?? '200' },
    nbl: { type: 'string', default: '20' },
    steps: { type: 'string', default: '300' },
    order: { type: 'string', default: '8' },
    threads: { type: 'string' },
    reps: { type: 'string', default: '3' },
    'stream-n': { type: 'string', default: '80000000' },
    physics: { type: 'string', default: 'tti,elastic' },
  },
});

function positiveInt(name: string, text: string | undefined, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`bench:seismic: --${name} must be an integer >= ${min}, got ${text}`);
  return value;
}

const size = positiveInt('size', opts.size, 8);
const nbl = positiveInt('nbl', opts.nbl, 0);
const steps = positiveInt('steps', opts.steps);
const spaceOrder = positiveInt('order', opts.order, 2);
const nthreads = opts.threads === undefined ? defaultThreads() : positiveInt('threads', opts.threads);
const reps = positiveInt('reps', opts.reps);
const print = (line = ''): void => console.log(line);

// --- Model and acquisitions ----------------------------------------------------------------------
const h = 10;
const shape = [size, size, size];
const vp = new Float32Array(size ** 3);
for (let k = 0; k < vp.length; k++) vp[k] = k % size < size / 2 ? 1.5 : 2.5; // two layers in depth (last axis)
const model = new SeismicModel({ vp, shape, spacing: [h, h, h], nbl, spaceOrder, dtype: 'float32' });
const side = (size - 1) * h;
const dt = model.criticalDt;
// Forward time indices 1 … nt−2 are the update steps: nt = steps + 2 samples.
const tn = (steps + 1) * dt;
const source = [[side / 2, side / 2, 20]];
const line = Array.from({ length: size }, (_, i) => [i * h, side / 2, 20]);
const carpet = Array.from({ length: size * size }, (_, k) => [Math.floor(k / size) * h, (k % size) * h, 0]);
const solverFor = (recCoordinates: number[][]): AcousticWaveSolver =>
  new AcousticWaveSolver(model, new AcquisitionGeometry(model, { srcCoordinates: source, recCoordinates, tn, f0: 0.010, dt }), { spaceOrder });

const machine = machineFacts();
const points = model.grid.size;
print(`devito-ts benchmark: 3D acoustic forward modelling, one shot, float32, spaceOrder ${spaceOrder}`);
print(`CPU      ${machine.cpuModel}; ${machine.availableCpus} CPUs available, ${nthreads} thread(s); L3 ${machine.l3}`);
print(`gcc      ${machine.compiler}; flags ${DEFAULT_FLAGS.join(' ')}`);
print(`model    ${size}³ physical + nbl ${nbl} = ${model.paddedShape.join(' × ')} = ${(points / 1e6).toFixed(2)} M points, h = ${h} m, vp 1.5 / 2.5 km/s`);
print(`time     ${steps} steps, dt = ${dt.toFixed(3)} ms (critical), tn = ${tn.toFixed(1)} ms; 1 Ricker source (10 Hz)`);
print();

// --- Runs ----------------------------------------------------------------------------------------
interface Row {
  readonly label: string;
  readonly receivers: number;
  readonly summary: PerformanceSummary;
}

const best = (runs: PerformanceSummary[]): PerformanceSummary => runs.reduce((a, b) => (b.elapsedSeconds < a.elapsedSeconds ? b : a));
const seconds = (summary: PerformanceSummary, pattern: RegExp): number =>
  summary.sections.filter((s) => pattern.test(s.name)).reduce((sum, s) => sum + s.seconds, 0);

// Rounds of (bare stencil, forward with a receiver line, forward with a carpet), best of `reps`
// each, so slow drifts of the machine hit every case alike. The bare stencil continues the line
// solver's last wavefield (time indices after nt − 1), so it computes on a realistic field
// rather than on zeros.
const lineSolver = solverFor(line);
const carpetSolver = solverFor(carpet);
const tunedSolver = solverFor(line);
const stencil = lineSolver.stencilOperator();
const cases: { label: string; receivers: number; run: () => PerformanceSummary }[] = [
  {
    label: 'bare stencil', receivers: 0,
    run: () => {
      const first = lineSolver.nt - 1;
      const summary = stencil.apply({ timeMin: first, timeMax: first + steps - 1, dt, nthreads });
      return { ...summary, sections: summary.sections.map((s) => ({ ...s, name: 'update u' })) };
    },
  },
  { label: 'forward, receiver line', receivers: lineSolver.geometry.nrec, run: () => lineSolver.forward({ nthreads }).summary },
  { label: 'forward, receiver carpet', receivers: carpetSolver.geometry.nrec, run: () => carpetSolver.forward({ nthreads }).summary },
  { label: 'forward, line, autotuned', receivers: tunedSolver.geometry.nrec, run: () => tunedSolver.forward({ nthreads }).summary },
];
// Warm-up: compile everything and touch all memory once; the last solver tunes its cache blocks
// and time tiles on this first call (the others run the default sizes).
lineSolver.forward({ nthreads });
carpetSolver.forward({ nthreads });
const tuneStart = performance.now();
tunedSolver.forward({ nthreads, autotune: true });
const tuneSeconds = (performance.now() - tuneStart) / 1000;
const runs = cases.map((): PerformanceSummary[] => []);
for (let rep = 0; rep < reps; rep++) cases.forEach((c, i) => runs[i]!.push(c.run()));
const rows: Row[] = cases.map((c, i) => ({ label: c.label, receivers: c.receivers, summary: best(runs[i]!) }));

// --- Report --------------------------------------------------------------------------------------
const bare = rows[0]!.summary;
const table = rows.map((row) => {
  const s = row.summary;
  const stencilSeconds = seconds(s, /update u/);
  const injectSeconds = seconds(s, /inject/);
  const interpolateSeconds = seconds(s, /interpolate/);
  return [
    row.label,
    String(row.receivers),
    String(s.timesteps),
    fixed(s.elapsedSeconds, 3),
    fixed(stencilSeconds, 3),
    fixed(injectSeconds, 4),
    fixed(interpolateSeconds, 4),
    fixed(s.gpointsPerSecond, 3),
    fixed((points * s.timesteps) / stencilSeconds / 1e9, 3),
    `${fixed((100 * (s.elapsedSeconds - stencilSeconds)) / s.elapsedSeconds, 2)}%`,
    row === rows[0] ? '' : `${fixed((100 * (s.elapsedSeconds - bare.elapsedSeconds)) / bare.elapsedSeconds, 1)}%`,
  ];
});
print(renderTable(
  [
    { header: 'run', align: 'left' }, { header: 'receivers' }, { header: 'steps' }, { header: 'kernel s' }, { header: 'stencil s' },
    { header: 'inject s' }, { header: 'interp s' }, { header: 'GPts/s whole' }, { header: 'GPts/s stencil' }, { header: 'sparse share' }, { header: 'vs bare' },
  ],
  table,
));
print();
print(`notes    GPts/s whole = ${(points / 1e6).toFixed(2)} M points × steps / all kernel sections (stencil + inject + interpolate + last-sample interpolation);`);
print(`         GPts/s stencil = the same over the stencil section alone; sparse share = time outside the stencil section;`);
print(`         "vs bare" = whole forward kernel time over the bare stencil's; the stencil section alone varies by up to ~10% with the`);
print(`         wavefield it runs on (float32 subnormals in the far field) and machine noise, so the sparse share is the loops' cost.`);
print(`         best of ${reps} interleaved run(s) each; injection runs serially (deterministic), interpolation in parallel over receivers.`);
print(`         3D kernels are time-tiled: default tiles of ${DEFAULT_TIME_TILE} steps in waves of ${DEFAULT_WAVE} planes and ${DEFAULT_BLOCK_SIZE}×${DEFAULT_BLOCK_SIZE} blocks; "autotuned" ran`);
print(`         forward({ autotune: true }) once before (${tuneSeconds.toFixed(1)} s, all operators of the shot): ${JSON.stringify(tunedSolver.forwardOperator().tunedBlockSizes(nthreads) ?? {})}.`);

// --- Other physics: TTI and elastic against their bandwidth bounds -------------------------------
const physics = (opts.physics ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0);
for (const name of physics) if (name !== 'tti' && name !== 'elastic') throw new Error(`bench:seismic: --physics takes tti and/or elastic, got ${name}`);
if (physics.length > 0) {
  const streamN = positiveInt('stream-n', opts['stream-n'], 1000);
  const stream = loadStream(join(tmpdir(), 'devito-ts-bench-stream'));
  const triad = Math.max(...[false, true].map((hugePages) => stream.run(streamN, nthreads, 10, hugePages).gbPerSecond));
  print();
  print(`physics  3D forward, one shot, same grid, spaceOrder ${spaceOrder}, ${nthreads} thread(s); STREAM triad ${fixed(triad, 2)} GB/s (best of 4 KiB / 2 MiB pages, ${streamN.toLocaleString('en-US')} doubles per array)`);
  const physicsRows: string[][] = [];
  const addRow = (label: string, op: Operator, run: () => PerformanceSummary, stepsRun: number): void => {
    run(); // compile, first touch
    const best = Array.from({ length: reps }, run).reduce((a, b) => (b.elapsedSeconds < a.elapsedSeconds ? b : a));
    const bytes = compulsoryBytesPerPoint(op);
    const gpts = (points * stepsRun) / best.elapsedSeconds / 1e9;
    const bound = triad / bytes;
    physicsRows.push([label, String(stepsRun), fixed(best.elapsedSeconds, 3), fixed(gpts, 3), String(bytes), fixed(bound, 3), `${fixed((100 * gpts) / bound, 1)}%`, fixed(op.flopsPerPoint, 0)]);
  };
  if (physics.includes('tti')) {
    const ttiModel = new SeismicModel({ vp, shape, spacing: [h, h, h], nbl, spaceOrder, dtype: 'float32', epsilon: 0.2, delta: 0.1, theta: 0.3, phi: 0.2 });
    const ttiDt = TTIWaveSolver.criticalDt(ttiModel, spaceOrder);
    const geometry = new AcquisitionGeometry(ttiModel, { srcCoordinates: source, recCoordinates: line, tn: (steps + 1) * ttiDt, f0: 0.010, dt: ttiDt });
    const solver = new TTIWaveSolver(ttiModel, geometry, { spaceOrder });
    addRow('TTI (ε 0.2, δ 0.1, θ 0.3, φ 0.2)', solver.forwardOperator(), () => solver.forward({ nthreads }).summary, geometry.nt - 2);
  }
  if (physics.includes('elastic')) {
    const vs = vp.map((v) => v / Math.sqrt(3));
    const elasticModel = new SeismicModel({ vp, vs, rho: 2, shape, spacing: [h, h, h], nbl, spaceOrder, dtype: 'float32' });
    const elasticDt = CFL_SAFETY * elasticStabilityLimit(elasticModel.spacing, spaceOrder, elasticModel.vmax);
    const geometry = new AcquisitionGeometry(elasticModel, { srcCoordinates: source, recCoordinates: line, tn: (steps + 1) * elasticDt, f0: 0.010, dt: elasticDt });
    const solver = new ElasticWaveSolver(elasticModel, geometry, { spaceOrder, source: 'explosive' });
    addRow('elastic (vs = vp/√3, ρ 2)', solver.operator(), () => solver.forward({ nthreads }).summary, geometry.nt - 1);
  }
  print(renderTable(
    [
      { header: 'physics', align: 'left' }, { header: 'steps' }, { header: 'kernel s' }, { header: 'GPts/s' }, { header: 'B/pt' },
      { header: 'bound GPts/s' }, { header: 'of bound' }, { header: 'flop/pt' },
    ],
    physicsRows,
  ));
  print(`notes    best of ${reps} forward runs after one untimed run; GPts/s = ${(points / 1e6).toFixed(2)} M padded points × steps / all kernel sections;`);
  print(`         B/pt = compulsory bytes per point and step (see the top of this file); bound = STREAM triad ÷ B/pt; goal (issue 13): TTI ≥ 60% of its bound.`);
}

/** Every time level a step reads or writes once, every other field once, weighted by the share of the grid it spans. */
function compulsoryBytesPerPoint(op: Operator): number {
  const { kernel } = op;
  const itemBytes = kernel.dtype === 'float64' ? 8 : 4;
  const gridSpan = kernel.grid.dimensions.length;
  let bytes = 0;
  for (const field of kernel.fields) {
    const spaceDims = field.dimensions.filter((d) => !d.isTime).length;
    if (spaceDims < gridSpan) continue; // lower-dimensional fields (sources' helpers, reductions): negligible
    const written = kernel.written.includes(field);
    const levels = field.isTimeFunction ? field.timeOrder + (written ? 1 : 0) : 1;
    bytes += levels * itemBytes;
  }
  return bytes;
}
