// `npm run bench:mpi`: the 3D acoustic kernel m·u.dt2 − Δu = 0 (spaceOrder 8, float32) on a
// size³ grid, one process with 2 OpenMP threads (time-tiled, as users get it, and untiled, as
// every split grid runs) against 2 MPI ranks × 1 thread (mpirun, the grid split along x), in
// overlap and basic halo-exchange modes, all measured in this run.
//
//   npm run bench:mpi -- [--size 256] [--steps 40] [--order 8] [--ranks 2]
//
// Printed per configuration: GPts/s of the whole grid (points × steps ÷ the slowest rank's wall
// time of the timed apply), its ratio to the one-process run (the goal: ≥ 0.85 in
// overlap mode), seconds in halo exchanges (posting + waiting, the kernel's own timers), bytes
// each rank sends per step, and ‖u‖₂ after the run (must be the same in every configuration: the
// decomposition does not change a bit of the result).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Eq, Function, Grid, Operator, TimeFunction, norm, solve } from '../src/index.ts';
import { neighbourOffsets } from '../src/dsl/distributor.ts';
import { sectionsOf } from '../src/ir/visit.ts';
import { criticalDt, SPACING, VP } from './acoustic-op.ts';
import { fixed, renderTable } from './table.ts';

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    steps: { type: 'string', default: '40' },
    order: { type: 'string', default: '8' },
    ranks: { type: 'string', default: '2' },
    worker: { type: 'string' },
    untiled: { type: 'boolean', default: false },
  },
});
const size = Number(opts.size);
const steps = Number(opts.steps);
const order = Number(opts.order);
const ranks = Number(opts.ranks);
for (const [name, value] of [['size', size], ['steps', steps], ['order', order], ['ranks', ranks]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench:mpi: --${name} must be a positive integer, got ${value}`);
}

interface WorkerReport {
  readonly rank: number;
  readonly ranks: number;
  readonly threads: number;
  readonly wallSeconds: number;
  readonly haloSeconds: number;
  readonly computeSeconds: number;
  readonly bytesSentPerStep: number;
  readonly norm: number;
}

/** One configuration's process (a rank under mpirun, or the whole grid): builds, warms up, times `steps` steps. */
function worker(mode: 'basic' | 'overlap'): void {
  const grid = new Grid({ shape: [size, size, size], extent: [0, 1, 2].map(() => (size - 1) * SPACING), dtype: 'float32' });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder: order });
  const m = new Function({ name: 'm', grid, spaceOrder: order });
  m.data.fill(1 / VP ** 2);
  // A Gaussian bump at the centre in the two past slots: a wave that crosses the ranks' border.
  const [[x0, x1], [y0, y1], [z0, z1]] = u.data.localRange.slice(1) as [number, number][];
  const centre = (size - 1) / 2;
  for (let slot = 0; slot < 2; slot++) {
    for (let x = x0; x < x1; x++) for (let y = y0; y < y1; y++) for (let z = z0; z < z1; z++) {
      const r2 = ((x - centre) ** 2 + (y - centre) ** 2 + (z - centre) ** 2) / (size / 16) ** 2;
      if (r2 < 20) u.data.set(slot, x - x0, y - y0, z - z0, Math.exp(-r2));
    }
  }
  const op = new Operator([new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward))], {
    name: `mpi_bench_so${order}`, mpi: mode, ...(opts.untiled ? { passes: { timeTiling: false } } : {}),
  });
  const dt = 0.9 * criticalDt(order, 3);
  const threads = Number(process.env.OMP_NUM_THREADS ?? 1);
  op.apply({ timeMin: 1, timeMax: 3, dt, nthreads: threads });
  const start = performance.now();
  const summary = op.apply({ timeMin: 4, timeMax: 3 + steps, dt, nthreads: threads });
  const wallSeconds = (performance.now() - start) / 1000;
  const titles = new Map(sectionsOf(op.kernel).map((section) => [op.kernel.sections[section.id]!, section.title]));
  let haloSeconds = 0;
  let computeSeconds = 0;
  for (const section of summary.sections) {
    if (titles.get(section.name)?.startsWith('halo')) haloSeconds += section.seconds;
    else computeSeconds += section.seconds;
  }
  const distributor = grid.distributor;
  // What a rank sends per exchange of u (one per step): each neighbour's face, edge or corner of its box, `halo` deep.
  const bytesSentPerStep = distributor
    ? neighbourOffsets(3).reduce((sum, offset, k) => sum + (distributor.neighbours[k]! < 0 ? 0 : offset.reduce((p, o, axis) => p * (o === 0 ? distributor.localShape[axis]! : u.halo[axis]!), 4)), 0)
    : 0;
  const report: WorkerReport = {
    rank: distributor?.comm.rank ?? 0, ranks: distributor?.comm.size ?? 1, threads, wallSeconds, haloSeconds, computeSeconds, bytesSentPerStep, norm: norm(u),
  };
  console.log(JSON.stringify(report));
}

/** Runs one configuration as child processes and returns every rank's report. */
function measure(np: number, threads: number, mode: 'basic' | 'overlap', untiled = false): WorkerReport[] {
  const self = fileURLToPath(import.meta.url);
  const args = [process.execPath, '--import', 'tsx', self, '--worker', mode, '--size', String(size), '--steps', String(steps), '--order', String(order), ...(untiled ? ['--untiled'] : [])];
  const env = {
    ...process.env, OMP_NUM_THREADS: String(threads), OMP_PROC_BIND: 'false',
    OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', OMPI_MCA_btl: 'self,vader', OMPI_MCA_btl_vader_single_copy_mechanism: 'none',
  };
  const [command, ...rest] = np === 1 ? args : ['mpirun', '--oversubscribe', '--bind-to', 'none', '-np', String(np), ...args];
  const result = spawnSync(command!, rest, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`bench:mpi: ${np} rank(s) × ${threads} thread(s), ${mode}: exit ${result.status}\n${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as WorkerReport);
}

if (opts.worker !== undefined) {
  worker(opts.worker === 'basic' ? 'basic' : 'overlap');
} else {
  const points = size ** 3 * steps;
  console.log(`bench:mpi — 3D acoustic, spaceOrder ${order}, ${size}³ float32, ${steps} timed steps after 3 warm-up steps`);
  const configurations = [
    { label: `1 process × ${ranks} threads`, np: 1, threads: ranks, mode: 'overlap' as const, untiled: false },
    // Split grids run without time tiling (every step needs fresh halos): this row shows what that costs alone.
    { label: `1 process × ${ranks} threads, untiled`, np: 1, threads: ranks, mode: 'overlap' as const, untiled: true },
    { label: `${ranks} ranks × 1 thread, overlap`, np: ranks, threads: 1, mode: 'overlap' as const, untiled: false },
    { label: `${ranks} ranks × 1 thread, basic`, np: ranks, threads: 1, mode: 'basic' as const, untiled: false },
  ];
  const rows: string[][] = [];
  let reference: { gpts: number; norm: number } | undefined;
  for (const config of configurations) {
    const reports = measure(config.np, config.threads, config.mode, config.untiled);
    const wall = Math.max(...reports.map((r) => r.wallSeconds));
    const gpts = points / wall / 1e9;
    reference ??= { gpts, norm: reports[0]!.norm };
    const halo = Math.max(...reports.map((r) => r.haloSeconds));
    rows.push([
      config.label, fixed(gpts, 3), fixed(gpts / reference.gpts, 3), fixed(wall, 2), fixed(halo, 3), fixed((halo / wall) * 100, 1),
      (reports[0]!.bytesSentPerStep / 2 ** 20).toFixed(2), reports.every((r) => r.norm === reference!.norm) ? 'yes' : `NO (${reports[0]!.norm})`,
    ]);
  }
  const headers = ['configuration', 'GPts/s', 'vs 1 process', 'wall s', 'halo s', 'halo %', 'MiB sent/step/rank', '‖u‖ same'];
  console.log(renderTable(headers.map((header, i) => ({ header, align: i === 0 || i === headers.length - 1 ? 'left' as const : 'right' as const })), rows));
  console.log(`‖u‖₂ = ${reference!.norm}`);
}
