import type { Kernel, Parameter } from '../ir/types.ts';
import { mapNests } from '../ir/visit.ts';

/** Name of the runtime block size of a dimension (Devito's spelling). */
export const blockSizeName = (dim: string): string => `${dim}0_blk0_size`;

/** Block size used when neither the caller nor the autotuner chose one. */
export const DEFAULT_BLOCK_SIZE = 32;

/**
 * Tiles the two outer loops of 3D nests into blocks whose sizes are kernel arguments, so the
 * planes a high-order stencil re-reads stay in cache; `apply({ autotune: true })` picks the sizes.
 * Every point still runs the same instructions (the innermost loop is not tiled), so results
 * are bitwise those of the untiled nest. 1D and 2D nests are left alone.
 */
export function blocking(kernel: Kernel): Kernel {
  const next = mapNests(kernel, (nest) => (nest.dims.length < 3 || nest.blocked.length > 0 ? nest : { ...nest, blocked: nest.dims.slice(0, 2) }));
  if (next === kernel) return kernel;
  const dims = kernel.grid.dimensions.slice(0, 2);
  const sizes: Parameter[] = dims.map((dim) => ({ kind: 'blockSize', name: blockSizeName(dim.name), dim, role: 'block', defaultSize: DEFAULT_BLOCK_SIZE }));
  const at = kernel.parameters.findIndex((p) => p.kind === 'nthreads');
  return { ...next, parameters: [...kernel.parameters.slice(0, at), ...sizes, ...kernel.parameters.slice(at)] };
}
