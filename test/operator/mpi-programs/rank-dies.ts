/**
 * Run by test/operator/mpi.test.ts under mpirun: rank 1 dies between two calls of a kernel whose
 * every step exchanges halos, while the other ranks enter the second call and wait in MPI_Waitall
 * for its messages. The job must end with an error (mpirun's non-zero status), not hang.
 */
import { Eq, Grid, Operator, TimeFunction } from '../../../src/index.ts';

const grid = new Grid({ shape: [40, 40] });
const u = new TimeFunction({ name: 'u', grid, spaceOrder: 2 });
const op = new Operator([new Eq(u.forward, u.add(u.laplace.mul(0.1)))], { name: 'dies' });
op.apply({ timeMin: 0, timeMax: 5, nthreads: 1 });
if (grid.distributor!.comm.rank === 1) throw new Error('rank 1 fails on purpose');
op.apply({ timeMin: 6, timeMax: 1000000, nthreads: 1 });
console.log(`rank ${grid.distributor!.comm.rank} finished, which it must not`);
