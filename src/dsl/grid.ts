import { InvalidArgumentError } from '../errors.ts';
import { Dimension, SPACE_DIMENSION_NAMES } from './dimension.ts';
import { checkDtype, type Dtype } from './dtype.ts';
import type { GridRef } from './expr.ts';
import { balancedTopology, checkTopology, Distributor } from './distributor.ts';
import { checkOptionKeys, optionKeys } from './options.ts';
import { collectives, SELF, worldSize, type Communicator } from './parallel.ts';
import { SubDomain } from './subdomain.ts';

export interface GridOptions {
  /** Number of grid points per axis (1 to 3 axes). */
  shape: readonly number[];
  /** Physical size per axis; defaults to `shape - 1` (unit spacing). */
  extent?: readonly number[];
  /** Physical coordinate of the first point; defaults to zeros. */
  origin?: readonly number[];
  /** Default dtype of the fields on this grid. */
  dtype?: Dtype;
  /** Subdomains equations can be restricted to (`new Eq(lhs, rhs, { subdomain })`). */
  subdomains?: readonly SubDomain[];
  /**
   * Under `mpirun`: the number of ranks along each axis the grid is split over (their product is
   * the number of ranks); default MPI's balanced split (`MPI_Dims_create`). Each rank then
   * allocates only its box of points plus halos.
   */
  topology?: readonly number[];
  /**
   * The ranks the grid is split over (default: all the ranks `mpirun` started, none without it).
   * A communicator of one rank keeps the whole grid in the process.
   */
  comm?: Communicator;
}

const GRID_KEYS = optionKeys<GridOptions>({ shape: true, extent: true, origin: true, dtype: true, subdomains: true, topology: true, comm: true });

/** A structured Cartesian grid: shape, extent, origin and the dimensions fields live on. */
export class Grid implements GridRef {
  readonly shape: readonly number[];
  readonly extent: readonly number[];
  readonly origin: readonly number[];
  readonly spacing: readonly number[];
  readonly dimensions: readonly Dimension[];
  readonly time: Dimension;
  readonly dtype: Dtype;
  readonly ndim: number;
  readonly subdomains: readonly SubDomain[];
  /** Every point but the outermost layer: one point in from each face. */
  readonly interior: SubDomain;
  /** How the grid is split over MPI ranks; undefined when one process holds it all. */
  readonly distributor: Distributor | undefined;

  constructor(options: GridOptions) {
    const { shape } = checkOptionKeys('Grid', options, GRID_KEYS);
    if (!Array.isArray(shape) || shape.length < 1 || shape.length > 3) {
      throw new InvalidArgumentError(`Grid: shape must list 1, 2 or 3 point counts, got ${JSON.stringify(shape)}`);
    }
    for (const n of shape) {
      if (!Number.isInteger(n) || n < 2) {
        throw new InvalidArgumentError(`Grid: every shape entry must be an integer >= 2, got ${JSON.stringify(shape)}`);
      }
    }
    const extent = options.extent ?? shape.map((n) => n - 1);
    const origin = options.origin ?? shape.map(() => 0);
    if (extent.length !== shape.length || extent.some((e) => !(Number.isFinite(e) && e > 0))) {
      throw new InvalidArgumentError(`Grid: extent must have ${shape.length} positive finite entries, got ${JSON.stringify(extent)}`);
    }
    if (origin.length !== shape.length || origin.some((o) => !Number.isFinite(o))) {
      throw new InvalidArgumentError(`Grid: origin must have ${shape.length} finite entries, got ${JSON.stringify(origin)}`);
    }
    this.ndim = shape.length;
    this.shape = Object.freeze([...shape]);
    this.extent = Object.freeze([...extent]);
    this.origin = Object.freeze([...origin]);
    this.spacing = Object.freeze(shape.map((n, axis) => extent[axis]! / (n - 1)));
    this.dimensions = Object.freeze(shape.map((_, axis) => new Dimension(SPACE_DIMENSION_NAMES[axis]!, axis)));
    this.time = new Dimension('time', -1);
    this.dtype = checkDtype(options.dtype ?? 'float32', 'Grid');
    this.interior = new SubDomain({ name: 'interior', extents: Object.fromEntries(this.dimensions.map((d) => [d.name, ['middle', 1, 1] as const])) });
    this.subdomains = Object.freeze(checkSubdomains(options.subdomains ?? [], this));
    this.distributor = distributorOf(options, this.shape);
    Object.freeze(this);
  }

  /** Points this process holds along each axis: its box under MPI, else the whole shape. */
  get localShape(): readonly number[] {
    return this.distributor?.localShape ?? this.shape;
  }

  /** Number of domain points (product of the shape). */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

/** The split of a grid over the ranks of its communicator, or undefined for one rank. */
function distributorOf(options: GridOptions, shape: readonly number[]): Distributor | undefined {
  const comm = options.comm ?? (worldSize() > 1 ? collectives().world() : SELF);
  if (options.topology === undefined && comm.size === 1) return undefined;
  const topology = options.topology === undefined ? balancedTopology(comm.size, shape.length) : checkTopology(options.topology, comm.size, shape);
  if (options.topology === undefined) checkTopology(topology, comm.size, shape);
  return comm.size === 1 ? undefined : new Distributor(comm, shape, topology);
}

/** The grid's subdomains: SubDomains with distinct names (not `interior`) whose extents fit the grid. */
function checkSubdomains(subdomains: readonly SubDomain[], grid: Grid): SubDomain[] {
  if (!Array.isArray(subdomains) || subdomains.some((s) => !(s instanceof SubDomain))) {
    throw new InvalidArgumentError('Grid: subdomains must be an array of SubDomain');
  }
  const names = new Set<string>(['interior']);
  for (const subdomain of subdomains) {
    if (names.has(subdomain.name)) throw new InvalidArgumentError(`Grid: two subdomains are named "${subdomain.name}" (interior is the grid's own); rename one`);
    names.add(subdomain.name);
    subdomain.ranges(grid.shape, grid.dimensions.map((d) => d.name));
  }
  return [...subdomains];
}
