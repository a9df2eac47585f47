import { accessesOf, type AccessExpr, type FieldRef } from '../dsl/expr.ts';
import type { Block, Kernel, Parameter, SpaceNest, TimeLoop } from '../ir/types.ts';

/** Runtime argument names of the tile: steps per tile, and planes per wave. */
export const TIME_TILE_SIZE = 'time_tile_size';
export const waveSizeName = (dim: string): string => `${dim}_wave_size`;

/**
 * Defaults when neither the caller nor the autotuner chose: tiles of 4 steps in waves of 4
 * planes (256³ spaceOrder 8 on two cores: 3.0–3.5 GPts/s against 2.2 untiled).
 */
export const DEFAULT_TIME_TILE = 4;
export const DEFAULT_WAVE = 4;

/** Where a field is written in the loop: its time offsets (0 for a Function). */
function writesOf(loop: TimeLoop): Map<FieldRef, Set<number>> {
  const writes = new Map<FieldRef, Set<number>>();
  for (const nest of loop.body as readonly SpaceNest[]) {
    for (const statement of nest.body) {
      if (statement.kind !== 'assign') continue;
      const { field, timeOffset } = statement.target;
      if (!writes.has(field)) writes.set(field, new Set());
      writes.get(field)!.add(timeOffset);
    }
  }
  return writes;
}

/**
 * The skew a tiled loop needs, or undefined when tiling it would change its results. A step of
 * the tile may read along x only as far as the step before has already computed, and data of
 * its own step only at its own plane:
 * - every statement of the loop is in a space nest (sparse loops read and write single points
 *   whose wave is not known when the C is written);
 * - every store is at the point itself (offset 0 on every axis);
 * - reads of a field the loop writes, at a time it writes in this step, are at offset 0 along x
 *   (a nest reading another's output of the same step further along x would find it not yet
 *   computed in the wave);
 * - reads of a field the loop writes, at earlier times, reach at most `skew` planes along x.
 * Ring buffers stay safe: the slot a step overwrites was last read by earlier steps of the
 * tile, which lead by at least one skew and have passed the plane (an untiled loop relies on
 * the same slot count).
 */
export function timeTilingSkew(loop: TimeLoop): number | undefined {
  if (!loop.body.every((block) => block.kind === 'spaceNest')) return undefined;
  const writes = writesOf(loop);
  let skew = 0;
  const fits = (access: AccessExpr): boolean => {
    const times = writes.get(access.field);
    if (!times) return true;
    const reach = Math.abs(access.offsets[0] ?? 0);
    if (times.has(access.timeOffset)) return reach === 0;
    skew = Math.max(skew, reach);
    return true;
  };
  for (const nest of loop.body as readonly SpaceNest[]) {
    for (const statement of nest.body) {
      if (statement.kind === 'assign' && statement.target.offsets.some((offset) => offset !== 0)) return undefined;
      if (!accessesOf(statement.value).every(fits)) return undefined;
    }
  }
  return skew;
}

/**
 * Time tiling (temporal blocking) of 3D time loops. Untiled, every step streams the whole grid
 * through memory. Tiled, `time_tile_size` steps advance together along x in waves of
 * `x_wave_size` planes, each step `skew` planes (the stencil's reach along x) behind the one
 * before: when a step computes its planes, the planes of the step before that it reads are
 * computed and still in cache, and each tile moves the fields through memory once instead of
 * once per step. Each step still covers the whole y–z extent of its planes with the nest's own
 * blocks, jam and vector loops, and every point is computed from the same values with the same
 * operations in the same order: results are bitwise those of the untiled loop, for any tile
 * sizes and thread counts. Both sizes are runtime arguments (`time_tile_size` 1 is the untiled
 * order); `apply({ autotune: true })` picks them with the block sizes. Loops that do not qualify
 * (see `timeTilingSkew`), 1D and 2D kernels, and loops with sparse operations stay untiled.
 */
export function timeTiling(kernel: Kernel): Kernel {
  if (kernel.grid.ndim !== 3) return kernel;
  let tiled = false;
  const body = kernel.body.map((block): Block => {
    if (block.kind !== 'timeLoop' || block.tiling) return block;
    const skew = timeTilingSkew(block);
    if (skew === undefined) return block;
    tiled = true;
    return { ...block, tiling: { dim: kernel.grid.dimensions[0]!, skew } };
  });
  if (!tiled) return kernel;
  const x = kernel.grid.dimensions[0]!;
  const sizes: Parameter[] = [
    { kind: 'blockSize', name: TIME_TILE_SIZE, dim: kernel.grid.time, role: 'timeTile', defaultSize: DEFAULT_TIME_TILE },
    { kind: 'blockSize', name: waveSizeName(x.name), dim: x, role: 'wave', defaultSize: DEFAULT_WAVE },
  ];
  const at = kernel.parameters.findIndex((p) => p.kind === 'nthreads');
  return { ...kernel, body, parameters: [...kernel.parameters.slice(0, at), ...sizes, ...kernel.parameters.slice(at)] };
}
