import { DevitoError } from '../errors.ts';

/**
 * A group of processes that one grid is split over (an MPI communicator). Plain data: generated
 * C receives `handle`, MPI's Fortran integer handle of the communicator (`MPI_Comm_c2f`), and turns
 * it back into an `MPI_Comm` with `MPI_Comm_f2c`.
 */
export interface Communicator {
  readonly rank: number;
  readonly size: number;
  readonly handle: number;
}

/** Arrays the collectives move: field data, integer tables. */
export type CollectiveArray = Float32Array | Float64Array | Int32Array;

/**
 * The collective operations the DSL layer needs (gathering a field, scattering one, agreeing on
 * a number). Talking to MPI needs the FFI, which this layer does not have: the runtime installs
 * an implementation (`runtime/mpi.ts`) when it is loaded, as it installs the field allocator.
 */
export interface Collectives {
  /** The processes `mpirun` started (MPI is initialised on first use, finalised at exit). */
  world(): Communicator;
  /** `MPI_Comm_split`: the processes of `comm` with the same `color`, ranked by `key`. Collective. */
  split(comm: Communicator, color: number, key: number): Communicator;
  /** Every rank's `send` (of `counts[rank]` elements) concatenated in rank order, on every rank. */
  allgatherv<T extends CollectiveArray>(comm: Communicator, send: T, counts: readonly number[]): T;
  /** `buffer` on `root` copied into `buffer` on every rank (in place). */
  broadcast(comm: Communicator, buffer: CollectiveArray, root: number): void;
  /** Elementwise sum, minimum or maximum over the ranks, in float64, on every rank. */
  allreduce(comm: Communicator, values: Float64Array, op: 'sum' | 'min' | 'max'): Float64Array;
  barrier(comm: Communicator): void;
}

/** The program runs under `mpirun` (several processes) but MPI could not be used. */
export class MpiError extends DevitoError {}

let installed: Collectives | undefined;

export function setCollectives(collectives: Collectives): void {
  installed = collectives;
}

export function collectives(): Collectives {
  if (!installed) throw new MpiError('MPI collectives are not available: import devito-ts from its package root (which loads the runtime) before creating a grid under mpirun');
  return installed;
}

/** Processes `mpirun` started, read from the launcher's environment (1 when not under mpirun). */
export function worldSize(): number {
  const size = Number(process.env.OMPI_COMM_WORLD_SIZE ?? process.env.PMI_SIZE ?? 1);
  return Number.isInteger(size) && size > 0 ? size : 1;
}

/** One process alone: the communicator of a grid that is not split. */
export const SELF: Communicator = Object.freeze({ rank: 0, size: 1, handle: -1 });
