import type { Kernel } from '../ir/types.ts';
import { mapNests } from '../ir/visit.ts';

/**
 * Marks the outermost space loop `omp parallel for` (static schedule, so every thread count
 * computes each point with the same instructions: results are bitwise independent of it)
 * and the innermost `omp simd`. Safe because lowering rejected equations whose points
 * depend on one another within a nest.
 */
export function parallelize(kernel: Kernel): Kernel {
  return mapNests(kernel, (nest) => (nest.parallel && nest.simd ? nest : { ...nest, parallel: true, simd: true }));
}
