/**
 * Run by test/operator/mpi.test.ts under mpirun: a variable-velocity wave equation with two
 * sources and receivers on and beside rank borders, on the grid split over the ranks and on a
 * whole copy in each process; prints one JSON line per rank comparing the two bitwise.
 * Arguments: cases `ndim:mode:spaceOrder`, e.g. `2:basic:4 3:overlap:8`; rank 0 prints.
 */
import { awaitTurn, clearTurns, finishTurn } from '../../support/rank-zero-turn.ts';
import { Eq, Function, Grid, Operator, SparseTimeFunction, TimeFunction, solve } from '../../../src/index.ts';
import { collectives, SELF, type Communicator } from '../../../src/dsl/parallel.ts';
import type { MpiMode } from '../../../src/ir/types.ts';

const spacing = 10;
const nt = 40;
const dt = 1;

/** Sources and receivers at and beside the borders of 2 × 2 (× 1) boxes: x 200…210, y 180…190. */
const pointsOf = (ndim: number) => ({
  srcCoordinates: ndim === 2 ? [[205, 185], [100.5, 300]] : [[105, 95, 90], [60, 100, 40]],
  recCoordinates: ndim === 2
  ? [[200, 100], [210, 180], [205, 185], [200, 190], [0, 0], [400, 360], [33.3, 257.1]]
  : [[110, 100, 90], [120, 90, 50], [105, 95, 90], [0, 0, 0], [220, 200, 180], [33.3, 127.1, 80.7]],
});

function run(ndim: number, mode: MpiMode, spaceOrder: number, comm: Communicator | undefined): { u: Float32Array; rec: Float32Array } {
  const shape = ndim === 2 ? [41, 37] : [23, 21, 19];
  const { srcCoordinates, recCoordinates } = pointsOf(ndim);
  const grid = new Grid({ shape, extent: shape.map((n) => (n - 1) * spacing), ...(comm ? { comm } : {}) });
  const u = new TimeFunction({ name: 'u', grid, timeOrder: 2, spaceOrder });
  const m = new Function({ name: 'm', grid, spaceOrder });
  const size = shape.reduce((a, b) => a * b, 1);
  // A smooth velocity that varies along every axis (1.5 … 2.5 km/s), as slowness squared.
  m.data.global.assign(Float32Array.from({ length: size }, (_, i) => 1 / (1.5 + ((i * 7919) % 1000) / 1000) ** 2));
  const src = new SparseTimeFunction({ name: 'src', grid, npoint: srcCoordinates.length, nt, coordinates: srcCoordinates });
  src.data.assign(Float32Array.from({ length: nt * srcCoordinates.length }, (_, i) => Math.sin(i * 0.3) * (i % 3 === 0 ? 2 : 1)));
  const rec = new SparseTimeFunction({ name: 'rec', grid, npoint: recCoordinates.length, nt, coordinates: recCoordinates });
  const update = new Eq(u.forward, solve(m.mul(u.dt2).sub(u.laplace), u.forward));
  const op = new Operator([update, src.inject({ field: u.forward, expr: src.mul(dt * dt).div(m) }), rec.interpolate({ expr: u })], { mpi: mode, name: 'wave' });
  // autotune: the split run must not hang (its ranks' boxes differ), the whole one must not change a bit.
  op.apply({ timeMin: 1, timeMax: nt - 2, dt, nthreads: 1, autotune: true });
  return { u: u.data.global.toArray() as Float32Array, rec: rec.data.toArray() as Float32Array };
}

const rank = Number(process.env.OMPI_COMM_WORLD_RANK ?? 0);
const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
const cases = process.argv.slice(2);
if (rank === 0) clearTurns(cases);
for (const testCase of cases) {
  const [ndim, mode, spaceOrder] = testCase.split(':') as [string, MpiMode, string];
  const split = run(Number(ndim), mode, Number(spaceOrder), undefined);
  if (rank !== 0) {
    awaitTurn(testCase);
    continue;
  }
  const whole = run(Number(ndim), mode, Number(spaceOrder), SELF);
  const energy = whole.u.reduce((s, v) => s + v * v, 0);
  console.log(JSON.stringify({ case: testCase, u: same(split.u, whole.u), rec: same(split.rec, whole.rec), energy, recNorm: whole.rec.reduce((s, v) => s + Math.abs(v), 0) }));
  finishTurn(testCase);
}
// Every rank has seen every flag once all reach the barrier: rank 0 removes them.
collectives().barrier(collectives().world());
if (rank === 0) clearTurns(cases);
