import { timeDimOf } from '../dsl/conditional.ts';
import type { AccessExpr } from '../dsl/expr.ts';
import { assertNever } from '../support/assert-never.ts';
import type { Expression, Parallel } from '../ir/tree.ts';
import type { Kernel } from '../ir/types.ts';
import { walk } from '../ir/visit.ts';
import { printExpr, type ExprContext } from './c-expr.ts';
import type { CNames } from './names.ts';

/** What the printed body needs from the file's head. */
export interface Uses {
  vectors: boolean;
  max: boolean;
  allocation: boolean;
  /** A vector statement whose value is a scalar (broadcast with VSPLAT). */
  splat: boolean;
  /** A sparse loop with sinc interpolation (the file defines its weight function). */
  sinc: boolean;
  /** A halo exchange (the file includes mpi.h and defines the exchange helper). */
  mpi: boolean;
}

/** The state of one kernel's printing: the lines so far, and where in the tree they are. */
export interface Printer {
  readonly kernel: Kernel;
  /** The C type of the kernel's reals. */
  readonly real: string;
  readonly lines: string[];
  readonly uses: Uses;
  /** The kernel's C names: every name the printer generates is spelled by `names.c(…)`. */
  readonly names: CNames;
  /** Inside an `omp parallel` region: loops are only shared out, serial work is done by one thread. */
  readonly inRegion: boolean;
  /** How accesses print: ring-buffer slots by name, the point's shifts. */
  readonly expr: ExprContext;
}

export function emit(printer: Printer, depth: number, text: string): void {
  printer.lines.push(`${'  '.repeat(depth)}${text}`);
}

/** `#pragma omp parallel for …` (`omp for …` inside a region, where the threads already run). */
export function parallelFor(printer: Printer, { collapse, simd }: Parallel): string {
  const region = printer.inRegion;
  return `#pragma omp ${region ? 'for' : 'parallel for'}${simd ? ' simd' : ''}${collapse > 1 ? ` collapse(${collapse})` : ''} schedule(static)${region ? '' : ` num_threads(${printer.names.c('nthreads')})`}`;
}

/** The printer for an expression statement moved by `shifts` (the copies of a jammed body). */
export function shifted(printer: Printer, shifts: Readonly<Record<string, number>>): ExprContext {
  return Object.keys(shifts).length === 0 ? printer.expr : { ...printer.expr, shifts };
}

/** A printer whose ring-buffer accesses print the slot names the tree defines (`u[t0]`), saved buffers `u[time + 1]`. */
export function createPrinter(kernel: Kernel, names: CNames): Printer {
  const slots = new Map<string, string>();
  walk(kernel.body, (node) => {
    if (node.kind === 'index' && node.slot) slots.set(`${node.slot.modulus}|${node.slot.offset}`, node.slot.name);
  });
  return {
    kernel,
    real: kernel.dtype === 'float32' ? 'float' : 'double',
    lines: [],
    uses: { vectors: false, max: false, allocation: false, splat: false, sinc: false, mpi: false },
    inRegion: false,
    names,
    expr: {
      dtype: kernel.dtype,
      names,
      shifts: {},
      timeIndex: (access: AccessExpr): string => {
        const field = access.field as AccessExpr['field'] & { save?: number; timeSlots?: number };
        // A subsampled field is indexed by its own dimension (`tsub = time / factor`, defined by the tree).
        const time = names.c(timeDimOf(field)?.name ?? 'time');
        if (field.save !== undefined) return access.timeOffset === 0 ? time : `${time} ${access.timeOffset > 0 ? '+' : '-'} ${Math.abs(access.timeOffset)}`;
        const name = slots.get(`${field.timeSlots}|${access.timeOffset}`);
        if (name === undefined) throw new Error(`internal: no time slot defined for ${access.key}`);
        return names.c(name);
      },
    },
  };
}

/** `const float r0 = …;`, `u[…] = …;` or `u[…] += …;` */
export function statementText(printer: Printer, statement: Expression, ctx: ExprContext = shifted(printer, statement.shifts)): string {
  const value = printExpr(statement.value, ctx);
  const target = printExpr(statement.target, ctx);
  switch (statement.op) {
    case 'define': return `const ${printer.real} ${target} = ${value};`;
    case 'assign': return `${target} = ${value};`;
    case 'increment': return `${target} += ${value};`;
    default: return assertNever(statement.op);
  }
}
