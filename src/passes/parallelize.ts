import type { Iteration, Node } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { racingDimensions } from '../ir/reduction.ts';
import { isNest, isSection, mapNests, mapTree, nestExpressions, nodesOf, rewriteKernel } from '../ir/visit.ts';

/**
 * Marks the nest's outer loop parallel (collapsed over its block loops) and every innermost loop
 * simd. A nest with racing dimensions (a reduction: a target lacks them; lowering put their
 * loops innermost) gets neither simd nor, when its outer loop races too, a parallel loop.
 */
function parallelNest(body: readonly Node[]): readonly Node[] {
  const outer = body[0];
  if (body.length !== 1 || outer?.kind !== 'iteration' || outer.parallel) return body;
  // Guarded statements too: a reduction under a condition on values races as much as one without.
  const racing = racingDimensions(nestExpressions(body));
  if (racing.size > 0) {
    return racing.has(outer.dim?.name ?? '') ? body : [{ ...outer, parallel: { collapse: 1, simd: false } }];
  }
  let blocks = 0;
  for (let loop: Node | undefined = outer; loop?.kind === 'iteration' && loop.role === 'block'; loop = loop.body[0]) blocks++;
  const innermost = (loop: Iteration): boolean => loop.body.every((node) => node.kind === 'expression');
  const marked = mapTree(body, (node) => (node.kind === 'iteration' && innermost(node) && node !== outer ? { ...node, simd: true } : node));
  const first = marked[0] as Iteration;
  return [{ ...first, parallel: { collapse: Math.max(blocks, 1), simd: innermost(first) } }];
}

/**
 * Marks the outermost space loop `omp parallel for` (static schedule, so every thread count
 * computes each point with the same instructions: results are bitwise independent of it)
 * and the innermost `omp simd`; block loops are collapsed, so every thread gets many blocks.
 * Safe because lowering rejected equations whose points depend on one another within a nest.
 * A time-tiled loop whose nests are all parallel runs in one parallel region: the threads start
 * once per call instead of once per nest, wave and step.
 */
export function parallelize(kernel: Kernel): Kernel {
  const marked = mapNests(kernel, parallelNest);
  return rewriteKernel(marked, (node) => {
    if (node.kind === 'region') return [node];
    if (node.kind !== 'iteration' || node.role !== 'timeTile') return undefined;
    const serialNest = nodesOf(node.body, isSection).some((section) => isNest(section) && (section.body[0] as Iteration).parallel === undefined);
    return [serialNest ? node : { kind: 'region', body: [node] }];
  });
}
