import type { Block, Kernel, SpaceNest, SparseLoop, Statement, TimeLoop } from './types.ts';

/** Every space nest and sparse loop of the kernel in execution order (time loops opened). */
export function blocksOf(kernel: Kernel): (SpaceNest | SparseLoop)[] {
  return kernel.body.flatMap((block): (SpaceNest | SparseLoop)[] => (block.kind === 'timeLoop' ? [...block.body] : [block]));
}

/** Every space nest of the kernel in execution order. */
export function nestsOf(kernel: Kernel): SpaceNest[] {
  return blocksOf(kernel).filter((block): block is SpaceNest => block.kind === 'spaceNest');
}

/**
 * Rebuilds the kernel with each space nest replaced by `fn(nest)`; returns the same kernel
 * object when nothing changed, so a pass that does nothing is free to detect.
 */
export function mapNests(kernel: Kernel, fn: (nest: SpaceNest, loop: TimeLoop | undefined) => SpaceNest): Kernel {
  let changed = false;
  const mapNest = <T extends SpaceNest | SparseLoop>(nest: T, loop?: TimeLoop): T => {
    if (nest.kind !== 'spaceNest') return nest;
    const next = fn(nest, loop) as T;
    if (next !== nest) changed = true;
    return next;
  };
  const body: Block[] = kernel.body.map((block) =>
    block.kind === 'timeLoop' ? { ...block, body: block.body.map((nest) => mapNest(nest, block)) } : mapNest(block),
  );
  return changed ? { ...kernel, body } : kernel;
}

/** Number of temporaries already named in the kernel (so new ones continue the sequence). */
export function tempCount(kernel: Kernel): number {
  const inNests = nestsOf(kernel).reduce((n, nest) => n + nest.body.filter((s: Statement) => s.kind === 'define').length, 0);
  return kernel.preamble.length + inNests;
}
