import { assertNever } from '../support/assert-never.ts';
import type { Iteration, Node, Section } from '../ir/tree.ts';
import { emit, parallelFor, statementText, type Printer } from './print-context.ts';
import { printCondition, printIndex } from './print-index.ts';
import { printHaloExchange } from './print-halo.ts';
import { printSparse, printWaveOrder, sparseArrays } from './print-sparse.ts';
import { printVectorLoop } from './print-vector.ts';

/** The OpenMP pragma of a loop, if any. */
function pragmaOf(printer: Printer, loop: Iteration): string | undefined {
  if (loop.parallel) return parallelFor(printer, loop.parallel);
  return loop.simd ? '#pragma omp simd' : undefined;
}

/** `for (int x = x_m; x <= x_M; x += 1)`, downwards for direction −1, continuing when it has no lower bound. */
export function loopHeader(printer: Printer, loop: Iteration): string {
  const index = (e: Parameters<typeof printIndex>[0]): string => printIndex(e, printer);
  const step = index(loop.step);
  const i = printer.names.c(loop.index);
  if (loop.direction === -1) return `for (int ${i} = ${index(loop.upper)}; ${i} >= ${index(loop.lower!)}; ${i} -= ${step})`;
  const init = loop.lower === undefined ? '' : `int ${i} = ${index(loop.lower)}`;
  return `for (${init}; ${i} ${loop.exclusive ? '<' : '<='} ${index(loop.upper)}; ${i} += ${step})`;
}

function printSection(printer: Printer, section: Section, depth: number): void {
  const id = section.id;
  const start = printer.names.c(`start${id}`);
  emit(printer, depth, `/* ${printer.kernel.sections[id]}: ${section.title} */`);
  emit(printer, depth, `double ${start} = omp_get_wtime();`);
  printNodes(printer, section.body, depth);
  // In a parallel region every thread reaches this after the loop's closing barrier; one adds.
  if (printer.inRegion) emit(printer, depth, '#pragma omp master');
  emit(printer, depth, `${printer.names.c('timers')}[${id}] += omp_get_wtime() - ${start};`);
}

export function printNode(printer: Printer, node: Node, depth: number): void {
  switch (node.kind) {
    case 'iteration': {
      const pragma = pragmaOf(printer, node);
      if (pragma) emit(printer, depth, pragma);
      emit(printer, depth, loopHeader(printer, node));
      emit(printer, depth, '{');
      printNodes(printer, node.body, depth + 1);
      emit(printer, depth, '}');
      return;
    }
    case 'expression': emit(printer, depth, statementText(printer, node)); return;
    case 'index': emit(printer, depth, `${node.mutable ? '' : 'const '}int ${printer.names.c(node.name)} = ${printIndex(node.value, printer)};`); return;
    case 'guard': {
      const condition = printCondition(node.condition, printer);
      if (node.body.length === 1 && node.body[0]!.kind === 'continue') {
        emit(printer, depth, `if (${condition}) continue;`);
        return;
      }
      emit(printer, depth, `if (${condition})`);
      emit(printer, depth, '{');
      printNodes(printer, node.body, depth + 1);
      emit(printer, depth, '}');
      return;
    }
    case 'continue': emit(printer, depth, 'continue;'); return;
    case 'section': printSection(printer, node, depth); return;
    case 'region': {
      emit(printer, depth, `#pragma omp parallel num_threads(${printer.names.c('nthreads')})`);
      if (node.body.length !== 1) throw new Error('internal: a parallel region holds one statement');
      printNodes({ ...printer, inRegion: true }, node.body, depth);
      return;
    }
    case 'sparse': printSparse(printer, node, depth); return;
    case 'vector': printVectorLoop(printer, node, depth, printNode); return;
    case 'waveOrder': printWaveOrder(printer, node, depth); return;
    case 'free': for (const name of sparseArrays(node.sparse)) emit(printer, depth, `free(${printer.names.c(name)});`); return;
    case 'comment': emit(printer, depth, `/* ${node.lines.join(`\n${'  '.repeat(depth)}`)} */`); return;
    case 'halo': printHaloExchange(printer, node, depth); return;
    default: assertNever(node);
  }
}

/** Prints a node list; every section but the kernel's very first starts after a blank line. */
export function printNodes(printer: Printer, nodes: readonly Node[], depth: number, topLevel = false): void {
  nodes.forEach((node, i) => {
    if (node.kind === 'section' && !(topLevel && i === 0)) printer.lines.push('');
    printNode(printer, node, depth);
  });
}
