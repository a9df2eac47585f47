/**
 * Run by test/operator/mpi.test.ts under mpirun: injection and interpolation with each kind of
 * sparse stencil (linear, nearest, Kaiser-windowed sinc of radius 3) on a grid split over the
 * ranks, points on, beside and across the ranks' borders and next to the grid's edges (where sinc
 * skips the stencil points outside the grid); rank 0 compares with the whole grid and prints one
 * JSON line per kind.
 */
import { Eq, Grid, Operator, SparseTimeFunction, TimeFunction } from '../../../src/index.ts';
import { collectives, SELF, type Communicator } from '../../../src/dsl/parallel.ts';
import type { InterpolationKind } from '../../../src/dsl/interpolation.ts';
import { awaitTurn, clearTurns, finishTurn } from '../../support/rank-zero-turn.ts';

const shape = [33, 29];
const nt = 12;
// Borders of 2 × 2 boxes: x between 16 and 17 (160|170 m), y between 14 and 15 (140|150 m).
const coordinates = [[160, 140], [165, 145], [163.3, 147.9], [170, 150], [1, 1], [319, 279], [0, 140], [250.5, 280]];

function run(kind: InterpolationKind, comm: Communicator | undefined): { u: Float32Array; rec: Float32Array } {
  const grid = new Grid({ shape, extent: shape.map((n) => (n - 1) * 10), ...(comm ? { comm } : {}) });
  const u = new TimeFunction({ name: 'u', grid, spaceOrder: 6 });
  const options = { grid, npoint: coordinates.length, nt, coordinates, interpolation: kind, ...(kind === 'sinc' ? { radius: 3 } : {}) };
  const src = new SparseTimeFunction({ name: 'src', ...options });
  src.data.assign(Float32Array.from({ length: nt * coordinates.length }, (_, i) => Math.cos(i * 0.7)));
  const rec = new SparseTimeFunction({ name: 'rec', ...options });
  const op = new Operator([
    new Eq(u.forward, u.add(u.laplace.mul(5))),
    src.inject({ field: u.forward, expr: src }),
    rec.interpolate({ expr: u.mul(u).add(u) }),
  ], { name: `kinds_${kind}` });
  op.apply({ timeMin: 0, timeMax: nt - 2, dt: 1, nthreads: 1 });
  return { u: u.data.global.toArray() as Float32Array, rec: rec.data.toArray() as Float32Array };
}

const rank = collectives().world().rank;
const kinds: InterpolationKind[] = ['linear', 'nearest', 'sinc'];
if (rank === 0) clearTurns(kinds);
const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
for (const kind of kinds) {
  const split = run(kind, undefined);
  if (rank !== 0) {
    awaitTurn(kind);
    continue;
  }
  const whole = run(kind, SELF);
  console.log(JSON.stringify({ kind, u: bytes(split.u).equals(bytes(whole.u)), rec: bytes(split.rec).equals(bytes(whole.rec)), recNorm: whole.rec.reduce((s, v) => s + Math.abs(v), 0) }));
  finishTurn(kind);
}
collectives().barrier(collectives().world());
if (rank === 0) clearTurns(kinds);
