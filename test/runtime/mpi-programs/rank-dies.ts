/**
 * Run by test/runtime/mpi.test.ts under mpirun: rank 1 dies (how: the first argument) while the
 * other ranks wait in a barrier it never joins. The job must end with an error, not hang.
 *   throw             an uncaught exception after MPI started
 *   exit              process.exit(3) after MPI started
 *   throw-before-mpi  an uncaught exception before this rank touched MPI
 *   abort             abortMpi(4)
 */
import { collectives } from '../../../src/dsl/parallel.ts';
import { abortMpi } from '../../../src/runtime/mpi.ts';

const how = process.argv[2] ?? 'throw';
const rank = Number(process.env.OMPI_COMM_WORLD_RANK);
const mpi = collectives();
if (rank === 1 && how === 'throw-before-mpi') throw new Error('rank 1 fails before MPI');
const world = mpi.world();
if (how !== 'throw-before-mpi') mpi.barrier(world);
if (world.rank === 1) {
  if (how === 'exit') process.exit(3);
  if (how === 'abort') abortMpi(4);
  throw new Error('rank 1 fails');
}
mpi.barrier(world);
console.log(`rank ${world.rank} passed a barrier rank 1 never joined`);
