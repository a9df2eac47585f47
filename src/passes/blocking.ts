import { iadd, imin, ivar } from '../ir/index-expr.ts';
import type { Iteration, Node } from '../ir/tree.ts';
import type { Kernel, Parameter } from '../ir/types.ts';
import { loopChain, mapPlainNests } from '../ir/visit.ts';

/** Name of the runtime block size of a dimension (Devito's spelling). */
export const blockSizeName = (dim: string): string => `${dim}0_blk0_size`;
/** Index of the block loop of a dimension. */
export const blockIndexName = (dim: string): string => `${dim}0_blk0`;

/** Block size used when neither the caller nor the autotuner chose one. */
export const DEFAULT_BLOCK_SIZE = 32;

/**
 * `x, y, z` → `x0_blk0, y0_blk0, x, y, z`: block loops stepping by the runtime block size
 * around loops that walk one block each.
 */
function blockNest(nest: Iteration): Iteration {
  const [x, y, ...inner] = loopChain(nest) as [Iteration, Iteration, ...Iteration[]];
  const within = (loop: Iteration, body: readonly Node[]): Iteration => {
    const block = blockIndexName(loop.index);
    return { ...loop, lower: ivar(block), upper: imin(loop.upper, iadd(block, blockSizeName(loop.index), -1)), body };
  };
  const blockLoop = (loop: Iteration, body: readonly Node[]): Iteration => ({
    ...loop, index: blockIndexName(loop.index), role: 'block', step: ivar(blockSizeName(loop.index)), body,
  });
  const points = within(x, [within(y, [inner[0]!])]);
  return blockLoop(x, [blockLoop(y, [points])]);
}

/**
 * Tiles the two outer loops of 3D nests into blocks whose sizes are kernel arguments, so the
 * planes a high-order stencil re-reads stay in cache; `apply({ autotune: true })` picks the sizes.
 * Every point still runs the same instructions (the innermost loop is not tiled), so results
 * are bitwise those of the untiled nest. 1D and 2D nests are left alone.
 */
export function blocking(kernel: Kernel): Kernel {
  if (kernel.grid.ndim !== 3) return kernel;
  const next = mapPlainNests(kernel, (body) => {
    const nest = body[0];
    if (body.length !== 1 || nest?.kind !== 'iteration' || nest.role !== 'space' || loopChain(nest).length < 3) return body;
    return [blockNest(nest)];
  });
  if (next === kernel) return kernel;
  const dims = kernel.grid.dimensions.slice(0, 2);
  const sizes: Parameter[] = dims.map((dim) => ({ kind: 'blockSize', name: blockSizeName(dim.name), dim, role: 'block', defaultSize: DEFAULT_BLOCK_SIZE }));
  const at = kernel.parameters.findIndex((p) => p.kind === 'nthreads');
  return { ...next, parameters: [...kernel.parameters.slice(0, at), ...sizes, ...kernel.parameters.slice(at)] };
}
