/**
 * Run by test/operator/mpi.test.ts under mpirun: equations restricted to subdomains (the grid's
 * interior, one-point faces, a SubDimension strip) and to index conditions keep their global
 * meaning on a grid split over the ranks along both axes; rank 0 compares with the whole grid.
 */
import { ConditionalDimension, Eq, Function, Grid, Operator, SubDimension, SubDomain, TimeFunction, and, ge, lt } from '../../../src/index.ts';
import { collectives, SELF, type Communicator } from '../../../src/dsl/parallel.ts';
import { awaitTurn, clearTurns, finishTurn } from '../../support/rank-zero-turn.ts';

const shape = [23, 19];

function run(comm: Communicator | undefined): Float64Array[] {
  const faces = [
    new SubDomain({ name: 'west', extents: { x: ['left', 1] } }),
    new SubDomain({ name: 'east', extents: { x: ['right', 2] } }),
    new SubDomain({ name: 'north', extents: { y: ['right', 1] } }),
  ];
  const grid = new Grid({ shape, extent: [2.2, 1.8], dtype: 'float64', subdomains: faces, ...(comm ? { comm } : {}) });
  const [x, y] = grid.dimensions as [typeof grid.dimensions[0], typeof grid.dimensions[0]];
  const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
  u.data.global.assign(Float64Array.from({ length: 2 * shape[0]! * shape[1]! }, (_, i) => Math.sin(i * 0.1)));
  const strip = new SubDomain({ name: 'strip', dimensions: [SubDimension.middle({ name: 'xm', parent: x, left: 9, right: 10 }), SubDimension.left({ name: 'yl', parent: y, thickness: 12 })] });
  const band = new Function({ name: 'band', grid });
  const inBand = new ConditionalDimension({ name: 'cband', parent: x, condition: and(ge(x, 10), lt(x, 14), ge(y, 8)) });
  const marks = new Function({ name: 'marks', grid });
  const op = new Operator([
    new Eq(u.forward, u.add(u.laplace.mul(0.002)), { subdomain: grid.interior }),
    new Eq(u.forward, 1, { subdomain: 'west' }),
    new Eq(u.forward, -0.5, { subdomain: 'east' }),
    new Eq(u.forward, u.mul(0.5), { subdomain: 'north' }),
    new Eq(marks, marks.add(u), { subdomain: strip }),
    new Eq(band, band.add(1), { implicitDims: [inBand] }),
  ], { name: 'subdomains_mpi' });
  op.apply({ timeMin: 0, timeMax: 9, nthreads: 1 });
  return [u.data.global.toArray() as Float64Array, marks.data.global.toArray() as Float64Array, band.data.global.toArray() as Float64Array];
}

const rank = collectives().world().rank;
if (rank === 0) clearTurns(['whole']);
const split = run(undefined);
if (rank !== 0) awaitTurn('whole');
if (rank === 0) {
  const whole = run(SELF);
  const same = whole.map((w, i) => w.length === split[i]!.length && w.every((v, k) => Object.is(v, split[i]![k])));
  console.log(JSON.stringify({ u: same[0], marks: same[1], band: same[2], marked: whole[1]!.filter((v) => v !== 0).length, banded: whole[2]!.filter((v) => v !== 0).length }));
  finishTurn('whole');
}
collectives().barrier(collectives().world());
if (rank === 0) clearTurns(['whole']);
