import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { FieldRef } from '../dsl/expr.ts';
import { allocatedExtent, type Kernel, type Parameter } from '../ir/types.ts';
import { sectionsOf } from '../ir/visit.ts';
import { parameterCType } from './c-types.ts';
import { createPrinter, statementText } from './print-context.ts';
import { printNodes } from './printer.ts';

const template = Handlebars.compile(readFileSync(new URL('../../templates/kernel.c.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

/** `float (*restrict u)[u_x_size][u_y_size] = (float (*)[u_x_size][u_y_size]) u_vec;` */
function castOf(kernel: Kernel, real: string, field: FieldRef): string {
  const sizes = kernel.parameters
    .filter((p): p is Extract<Parameter, { kind: 'size' }> => p.kind === 'size' && p.field === field)
    .map((p) => `[${kernel.fixedStrides ? allocatedExtent(field, p.axis) : p.name}]`)
    .join('');
  if (sizes === '') return `${real} *restrict ${field.name} = ${field.name}_vec;`;
  return `${real} (*restrict ${field.name})${sizes} = (${real} (*)${sizes}) ${field.name}_vec;`;
}

function sparseCasts(kernel: Kernel, real: string): string[] {
  const ndim = kernel.grid.ndim;
  return kernel.sparses.flatMap((s) => [
    `${real} (*restrict ${s.name})[${s.name}_npoint] = (${real} (*)[${s.name}_npoint]) ${s.name}_vec;`,
    `const double (*restrict ${s.name}_xyz)[${ndim}] = (const double (*)[${ndim}]) ${s.name}_coords;`,
  ]);
}

/** Vector type and helpers of the vector loops, for this kernel's precision. */
function vectorDefinitions(kernel: Kernel, real: string, splat: boolean): { real: string; lanes: number; align: string; splat: string | undefined } {
  const single = kernel.dtype === 'float32';
  return { real, lanes: single ? 16 : 8, align: single ? '_mm512_alignr_epi32' : '_mm512_alignr_epi64', splat: splat ? (single ? '_mm512_set1_ps' : '_mm512_set1_pd') : undefined };
}

/** Kernel → one self-contained, deterministic C file. */
export function printKernel(kernel: Kernel): string {
  const printer = createPrinter(kernel);
  // The body first: what it used decides the file's head.
  printNodes(printer, kernel.body, 1, true);
  const body = printer.lines.join('\n') + '\n';
  const real = printer.real;
  return template({
    name: kernel.name,
    sections: sectionsOf(kernel).map((section) => `${kernel.sections[section.id]}: ${section.title}`),
    parameters: kernel.parameters.map((p) => `${parameterCType(p, kernel.dtype)} ${p.name}`),
    casts: [...kernel.fields.map((field) => castOf(kernel, real, field)), ...sparseCasts(kernel, real)],
    preamble: kernel.preamble.map((d) => statementText(printer, d)),
    body,
    vectors: printer.uses.vectors ? vectorDefinitions(kernel, real, printer.uses.splat) : undefined,
    max: printer.uses.max,
    allocates: printer.uses.allocation,
  });
}
