import { InvalidArgumentError } from '../errors.ts';
import type { Communicator } from './parallel.ts';

/**
 * How a grid is split over the ranks of a communicator: a Cartesian topology of `topology[d]`
 * parts along each axis, ranks numbered row-major over their coordinates (MPI_Cart_create's
 * order without reordering). Each rank owns a box of points; along an axis of `n` points in `p`
 * parts, the first `n mod p` parts get one point more (the split Devito makes).
 */
export class Distributor {
  readonly comm: Communicator;
  readonly topology: readonly number[];
  /** This rank's coordinates in the topology. */
  readonly coords: readonly number[];
  readonly globalShape: readonly number[];
  /** Points this rank owns along each axis. */
  readonly localShape: readonly number[];
  /** Global index of this rank's first owned point along each axis. */
  readonly offsets: readonly number[];
  /**
   * The rank of each of the 3^ndim − 1 neighbours (every axis −1, 0 or +1, the first axis
   * varying slowest, the all-zero offset skipped), −1 where the box lies on the grid's border:
   * the kernels' `neighbours` argument itself.
   */
  readonly neighbours: Int32Array;
  /** Per axis, [first, last + 1) of each coordinate's box (see {@link ranges}). */
  private readonly boxRanges: readonly (readonly (readonly [number, number])[])[];

  constructor(comm: Communicator, globalShape: readonly number[], topology: readonly number[]) {
    this.comm = comm;
    this.globalShape = Object.freeze([...globalShape]);
    this.topology = Object.freeze([...topology]);
    this.boxRanges = Object.freeze(globalShape.map((n, axis) => Object.freeze(splitOf(n, topology[axis]!).map(([start, count]) => [start, start + count] as const))));
    this.coords = Object.freeze(this.coordsOf(comm.rank));
    const mine = this.coords.map((c, axis) => this.boxRanges[axis]![c]!);
    this.offsets = Object.freeze(mine.map(([start]) => start));
    this.localShape = Object.freeze(mine.map(([start, end]) => end - start));
    this.neighbours = Int32Array.from(neighbourOffsets(globalShape.length), (offset) => {
      const coords = this.coords.map((c, axis) => c + offset[axis]!);
      return coords.every((c, axis) => c >= 0 && c < topology[axis]!) ? rankOf(coords, topology) : -1;
    });
    Object.freeze(this);
  }

  /** [first, last + 1) of the global indices each rank's box covers along `axis`, by coordinate. */
  ranges(axis: number): readonly (readonly [number, number])[] {
    return this.boxRanges[axis]!;
  }

  /** The coordinates of `rank` in the topology (row-major: the last axis varies fastest). */
  coordsOf(rank: number): number[] {
    const coords = new Array<number>(this.topology.length);
    for (let axis = this.topology.length - 1; axis >= 0; axis--) {
      coords[axis] = rank % this.topology[axis]!;
      rank = Math.floor(rank / this.topology[axis]!);
    }
    return coords;
  }

  /** The rank whose box holds the global point `index`. */
  ownerOf(index: readonly number[]): number {
    const coords = index.map((i, axis) => this.boxRanges[axis]!.findIndex(([start, end]) => i >= start && i < end));
    return rankOf(coords, this.topology);
  }

  /** Whether this rank has a neighbour on the `side` (−1 or +1) of `axis`. */
  hasNeighbour(axis: number, side: -1 | 1): boolean {
    const c = this.coords[axis]! + side;
    return c >= 0 && c < this.topology[axis]!;
  }
}

/** [start, count] of each of `parts` consecutive pieces of `n` points, the first `n mod parts` one longer. */
export function splitOf(n: number, parts: number): [number, number][] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  const pieces: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const count = base + (i < extra ? 1 : 0);
    pieces.push([start, count]);
    start += count;
  }
  return pieces;
}

/** Offsets (−1, 0, +1 per axis) of the 3^ndim − 1 neighbours, first axis slowest. */
export function neighbourOffsets(ndim: number): number[][] {
  const offsets: number[][] = [];
  for (let code = 0; code < 3 ** ndim; code++) {
    const offset = Array.from({ length: ndim }, (_, axis) => (Math.floor(code / 3 ** (ndim - 1 - axis)) % 3) - 1);
    if (offset.some((o) => o !== 0)) offsets.push(offset);
  }
  return offsets;
}

function rankOf(coords: readonly number[], topology: readonly number[]): number {
  return coords.reduce((rank, c, axis) => rank * topology[axis]! + c, 0);
}

/**
 * MPI_Dims_create's balanced split of `size` ranks over `ndim` axes: the prime factors, largest
 * first, each given to the axis with the fewest parts so far; parts in non-increasing order.
 */
export function balancedTopology(size: number, ndim: number): number[] {
  const primes: number[] = [];
  let rest = size;
  for (let p = 2; p * p <= rest; p++) while (rest % p === 0) { primes.push(p); rest /= p; }
  if (rest > 1) primes.push(rest);
  const dims = new Array<number>(ndim).fill(1);
  for (const p of primes.sort((a, b) => b - a)) {
    const smallest = dims.indexOf(Math.min(...dims));
    dims[smallest]! *= p;
  }
  return dims.sort((a, b) => b - a);
}

/** A topology given by the user, checked against the number of ranks and the grid's shape. */
export function checkTopology(topology: readonly number[], size: number, shape: readonly number[]): number[] {
  if (!Array.isArray(topology) || topology.length !== shape.length || topology.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new InvalidArgumentError(`Grid: topology must list ${shape.length} positive integers (ranks along each axis), got ${JSON.stringify(topology)}`);
  }
  const product = topology.reduce((a, b) => a * b, 1);
  if (product !== size) {
    throw new InvalidArgumentError(`Grid: topology [${topology.join(', ')}] has ${product} parts but the program runs on ${size} ranks; make the product ${size}`);
  }
  topology.forEach((p, axis) => {
    if (p > shape[axis]!) throw new InvalidArgumentError(`Grid: topology [${topology.join(', ')}] splits axis ${axis} (${shape[axis]} points) into ${p} parts; give it at most ${shape[axis]}`);
  });
  return [...topology];
}
