/**
 * Run by test/runtime/mpi.test.ts under mpirun: every collective once, with values that differ
 * per rank, and one JSON line per rank with what it received (the test checks the numbers).
 */
import { readFileSync } from 'node:fs';
import { collectives } from '../../../src/dsl/parallel.ts';
import '../../../src/runtime/mpi.ts';
import { elements, lengthOf, VALUE } from '../mpi-values.ts';

/** libmpi is mapped into this process: installing the collectives must not map it. */
const mpiLoaded = (): boolean => /libmpi\.so/.test(readFileSync('/proc/self/maps', 'utf8'));

const loadedAtImport = mpiLoaded();
const mpi = collectives();
const world = mpi.world();
const { rank, size } = world;
const counts = Array.from({ length: size }, (_, r) => lengthOf(r));

const f32 = mpi.allgatherv(world, Float32Array.from(elements(VALUE.f32, rank)), counts);
const f64 = mpi.allgatherv(world, Float64Array.from(elements(VALUE.f64, rank)), counts);
const i32 = mpi.allgatherv(world, Int32Array.from(elements(VALUE.i32, rank)), counts);

const root = size - 1;
const broadcastF64 = new Float64Array(3);
const broadcastI32 = new Int32Array(2);
if (rank === root) {
  broadcastF64.set([Math.PI, -1e300, 5e-324]);
  broadcastI32.set([-2147483648, 2147483647]);
}
mpi.broadcast(world, broadcastF64, root);
mpi.broadcast(world, broadcastI32, root);

const values = Float64Array.of(rank + 1, -2.5 * rank, rank === 1 ? 1e10 : rank);
const sum = mpi.allreduce(world, values, 'sum');
const min = mpi.allreduce(world, values, 'min');
const max = mpi.allreduce(world, values, 'max');

// Two groups by parity, ranked in reverse world order (key = −rank).
const group = mpi.split(world, rank % 2, -rank);
const groupMembers = mpi.allgatherv(group, Int32Array.of(rank), Array.from({ length: group.size }, () => 1));
mpi.barrier(group);
mpi.barrier(world);

console.log(JSON.stringify({
  rank, size, handle: world.handle, frozen: Object.isFrozen(world), loadedAtImport, loadedAfter: mpiLoaded(),
  f32: f32 instanceof Float32Array ? [...f32] : 'wrong type',
  f64: f64 instanceof Float64Array ? [...f64] : 'wrong type',
  i32: i32 instanceof Int32Array ? [...i32] : 'wrong type',
  broadcastF64: [...broadcastF64], broadcastI32: [...broadcastI32],
  sum: [...sum], min: [...min], max: [...max],
  group: { rank: group.rank, size: group.size, handle: group.handle, members: [...groupMembers] },
}));
