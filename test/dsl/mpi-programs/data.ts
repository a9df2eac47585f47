/**
 * Run by test/dsl/mpi-data.test.ts under mpirun: the data API of a field on a grid split over
 * the ranks, checked against the whole array every rank knows; prints one JSON line per rank.
 */
import { Function, Grid, TimeFunction, norm } from '../../../src/index.ts';

const shape = [7, 5, 6];
const grid = new Grid({ shape, dtype: 'float64' });
const size = shape[0]! * shape[1]! * shape[2]!;
const whole = Float64Array.from({ length: size }, (_, i) => i * 0.25 - 3);
const f = new Function({ name: 'f', grid, spaceOrder: 4 });
f.data.global.assign(whole);
const rank = grid.distributor!.comm.rank;
const range = f.data.localRange;
// The local box holds exactly the whole array's points of this rank's range.
let boxMatches = f.data.shape.every((n, axis) => n === range[axis]![1] - range[axis]![0]);
for (let x = range[0]![0]; x < range[0]![1]; x++) for (let y = range[1]![0]; y < range[1]![1]; y++) for (let z = range[2]![0]; z < range[2]![1]; z++) {
  const expected = whole[(x * shape[1]! + y) * shape[2]! + z]!;
  if (f.data.global.get(x, y, z) !== expected || f.data.get(x - range[0]![0], y - range[1]![0], z - range[2]![0]) !== expected) boxMatches = false;
}
// Every rank sets one point; only its owner writes it.
f.data.global.set(6, 4, 5, 100);
f.data.global.set(0, 0, 0, -100);
const gathered = f.data.gather();
const all = f.data.global.toArray();
const expectedAfter = Float64Array.from(whole);
expectedAfter[size - 1] = 100;
expectedAfter[0] = -100;
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
// Scatter rank 0's array (others pass nothing), then read it back.
const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
const slots = Float64Array.from({ length: 2 * size }, (_, i) => Math.sin(i));
u.data.scatter(rank === 0 ? slots : undefined);
let getThrows = false;
try {
  const outside = range[0]![0] === 0 ? 6 : 0;
  f.data.global.get(outside, 0, 0);
} catch {
  getThrows = true;
}
console.log(JSON.stringify({
  rank, ranks: grid.distributor!.comm.size, topology: grid.distributor!.topology, boxMatches,
  gatherOnRootOnly: rank === 0 ? same(gathered!, expectedAfter) : gathered === undefined,
  toArray: same(all, expectedAfter), scatter: same(u.data.global.toArray(), slots),
  norm: norm(f), normExpected: Math.sqrt(expectedAfter.reduce((s, v) => s + v * v, 0)), getThrows,
}));
