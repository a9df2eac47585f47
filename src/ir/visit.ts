import { assertNever } from '../support/assert-never.ts';
import type { Expression, Iteration, Node, Section } from './tree.ts';
import { isPlainNest } from './reduction.ts';
import type { Kernel } from './types.ts';

/** The child nodes of a node, in execution order (a vector loop's scalar remainder included). */
export function childrenOf(node: Node): readonly Node[] {
  switch (node.kind) {
    case 'iteration': case 'guard': case 'section': case 'region': return node.body;
    case 'vector': return [...node.body, node.remainder];
    case 'expression': case 'index': case 'continue': case 'sparse': case 'waveOrder': case 'free': case 'comment': case 'halo': return [];
    default: return assertNever(node);
  }
}

/** The node with new children (the same node when they are the same). */
export function withChildren(node: Node, body: readonly Node[]): Node {
  const current = childrenOf(node);
  if (current.length === body.length && current.every((child, i) => child === body[i])) return node;
  switch (node.kind) {
    case 'iteration': case 'guard': case 'section': case 'region': return { ...node, body };
    case 'vector': {
      const remainder = body[body.length - 1];
      if (remainder?.kind !== 'iteration' || body.slice(0, -1).some((s) => s.kind !== 'expression')) {
        throw new Error('internal: a vector loop holds vector statements and one scalar remainder loop');
      }
      return { ...node, body: body.slice(0, -1) as Expression[], remainder };
    }
    case 'expression': case 'index': case 'continue': case 'sparse': case 'waveOrder': case 'free': case 'comment': case 'halo':
      throw new Error(`internal: a ${node.kind} node has no children`);
    default: return assertNever(node);
  }
}

/** Calls `fn` on every node in execution order, with its ancestors (outermost first). */
export function walk(nodes: readonly Node[], fn: (node: Node, ancestors: readonly Node[]) => void, ancestors: readonly Node[] = []): void {
  for (const node of nodes) {
    fn(node, ancestors);
    walk(childrenOf(node), fn, [...ancestors, node]);
  }
}

/**
 * Rewrites a node list top-down: `fn` returns the node's replacement (a list: none, one or
 * several nodes), or undefined to keep it and visit its children. Unchanged subtrees keep their
 * identity, so a pass that changes nothing returns the very same kernel.
 */
export function rewriteNodes(
  nodes: readonly Node[],
  fn: (node: Node, ancestors: readonly Node[]) => readonly Node[] | undefined,
  ancestors: readonly Node[] = [],
): readonly Node[] {
  let changed = false;
  const out: Node[] = [];
  for (const node of nodes) {
    const replaced = fn(node, ancestors);
    if (replaced !== undefined) {
      if (replaced.length !== 1 || replaced[0] !== node) changed = true;
      out.push(...replaced);
      continue;
    }
    const kids = childrenOf(node);
    const next = kids.length === 0 ? node : withChildren(node, rewriteNodes(kids, fn, [...ancestors, node]));
    if (next !== node) changed = true;
    out.push(next);
  }
  return changed ? out : nodes;
}

/** The kernel with its body rewritten by {@link rewriteNodes} (the same kernel when nothing changed). */
export function rewriteKernel(kernel: Kernel, fn: (node: Node, ancestors: readonly Node[]) => readonly Node[] | undefined): Kernel {
  const body = rewriteNodes(kernel.body, fn);
  return body === kernel.body ? kernel : { ...kernel, body };
}

/** Every node of the kernel that satisfies `test`, in execution order. */
export function nodesOf<T extends Node>(nodes: readonly Node[], test: (node: Node) => node is T): T[] {
  const found: T[] = [];
  walk(nodes, (node) => {
    if (test(node)) found.push(node);
  });
  return found;
}

export const isSection = (node: Node): node is Section => node.kind === 'section';
export const isIteration = (node: Node): node is Iteration => node.kind === 'iteration';

/** The statements of an innermost loop body (all expressions), or undefined for any other list. */
function statementList(nodes: readonly Node[]): readonly Expression[] | undefined {
  return nodes.length > 0 && nodes.every((n) => n.kind === 'expression') ? (nodes as readonly Expression[]) : undefined;
}

/**
 * A section that computes grid points (a loop nest), as opposed to a sparse one: its loops
 * contain expression statements.
 */
export function isNest(section: Section): boolean {
  let found = false;
  walk(section.body, (node) => {
    if (node.kind === 'expression') found = true;
  });
  return found;
}

/**
 * The statements that compute one point of a nest: the first innermost loop body, copy 0 of an
 * unrolled-and-jammed body (statements not moved along any dimension), the scalar form of a vector loop.
 */
export function pointStatements(nest: readonly Node[]): readonly Expression[] {
  let found: readonly Expression[] | undefined;
  walk(nest, (node) => {
    if (found || node.kind !== 'iteration') return;
    const list = statementList(node.body);
    if (list) found = list.filter((s) => Object.values(s.shifts).every((shift) => shift === 0));
  });
  return found ?? [];
}

/** The statements computing one point of every loop nest of the kernel, in order. */
export function nestStatements(kernel: Kernel): Expression[] {
  return sectionsOf(kernel).flatMap((section) => pointStatements(section.body));
}

/**
 * Rewrites the statements of every innermost loop body (before unroll-and-jam, one per nest)
 * with `fn`; the same kernel when nothing changed.
 */
export function mapStatements(kernel: Kernel, fn: (statements: readonly Expression[]) => readonly Expression[]): Kernel {
  return rewriteKernel(kernel, (node) => {
    if (node.kind !== 'iteration') return undefined;
    const list = statementList(node.body);
    if (!list) return undefined;
    const next = fn(list);
    return next === list ? [node] : [{ ...node, body: next }];
  });
}

/** Every section of the kernel in execution order. */
export function sectionsOf(kernel: Kernel): Section[] {
  return nodesOf(kernel.body, isSection);
}

/** Number of temporaries already named in the kernel (so new ones continue the sequence). */
export function tempCount(kernel: Kernel): number {
  let count = kernel.preamble.length;
  for (const section of sectionsOf(kernel)) count += pointStatements(section.body).filter((s) => s.op === 'define').length;
  return count;
}

/**
 * Rewrites the loop nest of every nest section: `fn` gets the section's body (its loops) and
 * the section's ancestors, and returns the new body or the same array.
 */
export function mapNests(kernel: Kernel, fn: (body: readonly Node[], ancestors: readonly Node[]) => readonly Node[]): Kernel {
  return rewriteKernel(kernel, (node, ancestors) => {
    if (node.kind !== 'section' || !isNest(node)) return undefined;
    const body = fn(node.body, ancestors);
    return [body === node.body ? node : { ...node, body }];
  });
}

/**
 * {@link mapNests} over the nests the stencil passes may transform (see `isPlainNest`: no
 * increments, no fields over fewer dimensions); the others keep their loops.
 */
export function mapPlainNests(kernel: Kernel, fn: (body: readonly Node[], ancestors: readonly Node[]) => readonly Node[]): Kernel {
  return mapNests(kernel, (body, ancestors) => (isPlainNest(nestExpressions(body)) ? fn(body, ancestors) : body));
}

/** Every expression statement of a nest, those under a guard at each point included. */
export function nestExpressions(nest: readonly Node[]): Expression[] {
  return nodesOf(nest, (node): node is Expression => node.kind === 'expression');
}

/** The chain of loops from `outer` inwards while each holds exactly one loop. */
export function loopChain(outer: Iteration): Iteration[] {
  const chain = [outer];
  for (let current = outer; current.body.length === 1 && current.body[0]!.kind === 'iteration';) {
    current = current.body[0];
    chain.push(current);
  }
  return chain;
}

/** Rewrites every node bottom-up: `fn` gets the node with its children already rewritten. */
export function mapTree(nodes: readonly Node[], fn: (node: Node) => Node): readonly Node[] {
  let changed = false;
  const out = nodes.map((node) => {
    const kids = childrenOf(node);
    const rebuilt = kids.length === 0 ? node : withChildren(node, mapTree(kids, fn));
    const next = fn(rebuilt);
    if (next !== node) changed = true;
    return next;
  });
  return changed ? out : nodes;
}

/** The kernel's time loop (its tiles when time-tiled), if it has one. */
export function timeLoopOf(kernel: Kernel): Iteration | undefined {
  return nodesOf(kernel.body, isIteration).find((loop) => loop.role === 'time' || loop.role === 'timeTile');
}
