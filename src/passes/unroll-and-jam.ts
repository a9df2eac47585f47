import { accessesOf } from '../dsl/expr.ts';
import type { Kernel, SpaceNest } from '../ir/types.ts';
import { mapNests } from '../ir/visit.ts';

/**
 * Jam factor by stencil reach along x, measured on the 3D acoustic kernel (AMD EPYC, 256³, so4 /
 * so8 / so12): reach 2 → 2 (+16%), reach 4 → 4 (+18%), wider → 2 (+3%; more copies spill).
 * Nests jammed 4 times keep the `omp simd` inner loop (the vector-windows pass leaves them alone).
 * In time-tiled loops the planes come from cache, the vector loop's register windows pay, and
 * with four copies they would not fit: factor 2 there (spaceOrder 8, tiles of 4–6 steps: 3.5–3.9
 * GPts/s with the vector loop and jam 2 against 2.8 with the simd loop and jam 4).
 */
function jamFactor(reach: number, timeTiled: boolean): number {
  return reach === 4 && !timeTiled ? 4 : 2;
}

function reachAlongOuter(nest: SpaceNest): number {
  let reach = 0;
  for (const statement of nest.body) {
    for (const access of accessesOf(statement.value)) reach = Math.max(reach, Math.abs(access.offsets[0] ?? 0));
  }
  return reach;
}

/**
 * Unroll-and-jam of the outer loop inside each cache block: neighbouring x points are computed in
 * the same pass over y and z, so the stencil values they share are loaded once (the kernels are
 * load-bound). Each point keeps its own operations in their order: results are bitwise unchanged.
 * Only tiled 3D nests whose stencil reaches along x are jammed; a remainder loop handles blocks
 * whose size is not a multiple of the factor.
 */
export function unrollAndJam(kernel: Kernel): Kernel {
  return mapNests(kernel, (nest, loop) => {
    if (nest.blocked.length === 0 || nest.jam > 1) return nest;
    const reach = reachAlongOuter(nest);
    return reach === 0 ? nest : { ...nest, jam: jamFactor(reach, loop?.tiling !== undefined) };
  });
}
