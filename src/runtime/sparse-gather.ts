import { allocate } from '../dsl/dtype.ts';
import { collectives } from '../dsl/parallel.ts';
import type { Kernel } from '../ir/types.ts';
import { nodesOf } from '../ir/visit.ts';
import type { SparsePoints } from '../ir/tree.ts';
import type { CallFields } from './substitution.ts';
import type { SparseWithData } from './field-types.ts';

/**
 * The rank that computes each point's samples under MPI: the one whose box holds the point's
 * cell corner, located as the kernel locates it (in double, the last grid line's points in the
 * last cell), so the two always agree.
 */
export function sampleOwners(kernel: Kernel, sparse: SparseWithData): Int32Array {
  const distributor = kernel.grid.distributor!;
  const { origin, spacing, ndim } = kernel.grid;
  const owners = new Int32Array(sparse.npoint);
  const corner = new Array<number>(ndim);
  for (let p = 0; p < sparse.npoint; p++) {
    for (let axis = 0; axis < ndim; axis++) {
      const last = distributor.globalShape[axis]! - 1;
      const position = (sparse.coordinates[p * ndim + axis]! - origin[axis]!) / spacing[axis]!;
      corner[axis] = position >= last ? last - 1 : Math.floor(position);
    }
    owners[p] = distributor.ownerOf(corner);
  }
  return owners;
}

/** The sparse sets a kernel interpolates into (their samples are computed on one rank each). */
export function interpolatedSparses(kernel: Kernel): string[] {
  const loops = nodesOf(kernel.body, (node): node is SparsePoints => node.kind === 'sparse' && node.mode === 'interpolate');
  return [...new Set(loops.map((loop) => loop.sparse.name))];
}

/**
 * After a call on a split grid: every rank receives the samples the other ranks computed for
 * time indices `timeMin … timeMax`, so each has the whole record, in the user's point order.
 */
export function gatherSamples(kernel: Kernel, fields: CallFields, names: readonly string[], timeMin: number | undefined, timeMax: number | undefined): void {
  const distributor = kernel.grid.distributor;
  if (!distributor || names.length === 0) return;
  const { comm } = distributor;
  for (const name of names) {
    const sparse = fields.sparses.get(name)!;
    const nt = sparse.nt;
    const [first, last] = nt === undefined ? [0, 0] : [Math.max(0, timeMin ?? 0), Math.min(nt - 1, timeMax ?? nt - 1)];
    const rows = last - first + 1;
    if (rows <= 0) continue;
    const owners = sampleOwners(kernel, sparse);
    const npoint = sparse.npoint;
    const data = sparse.data.raw;
    const counts = new Array<number>(comm.size).fill(0);
    for (const owner of owners) counts[owner]! += rows;
    const mine = allocate(sparse.dtype, counts[comm.rank]!);
    let at = 0;
    for (let p = 0; p < npoint; p++) {
      if (owners[p] !== comm.rank) continue;
      for (let r = first; r <= last; r++) mine[at++] = data[r * npoint + p]!;
    }
    const all = collectives().allgatherv(comm, mine, counts);
    const cursor = new Array<number>(comm.size).fill(0);
    for (let rank = 1; rank < comm.size; rank++) cursor[rank] = cursor[rank - 1]! + counts[rank - 1]!;
    for (let p = 0; p < npoint; p++) {
      const owner = owners[p]!;
      for (let r = first; r <= last; r++) data[r * npoint + p] = all[cursor[owner]!++]!;
    }
  }
}
