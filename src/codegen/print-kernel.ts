import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { FieldRef, SparseRef } from '../dsl/expr.ts';
import { allocatedExtent, type Kernel, type Parameter } from '../ir/types.ts';
import { sectionsOf } from '../ir/visit.ts';
import { MAX_FFI_PARAMETERS, packsParameters, parameterCType, parameterFfiType } from './c-types.ts';
import { parameterCName, parameterCNames, printWithNames, type CNames } from './names.ts';
import { createPrinter, statementText } from './print-context.ts';
import { printNodes } from './printer.ts';
import { haloHelpers } from './print-halo.ts';
import { sincHelpers } from './print-sparse-stencils.ts';

const template = Handlebars.compile(readFileSync(new URL('../../templates/kernel.c.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

/** `float (*restrict u)[u_x_size][u_y_size] = (float (*)[u_x_size][u_y_size]) u_vec;` */
function castOf(kernel: Kernel, real: string, field: FieldRef, names: CNames): string {
  const data = kernel.parameters.find((p) => p.kind === 'field' && p.field === field)!;
  const vec = parameterCName(data, names);
  const sizes = kernel.parameters
    .filter((p): p is Extract<Parameter, { kind: 'size' }> => p.kind === 'size' && p.field === field)
    .map((p) => `[${kernel.fixedStrides ? allocatedExtent(field, p.axis) : parameterCName(p, names)}]`)
    .join('');
  if (sizes === '') return `${real} *restrict ${field.name} = ${vec};`;
  return `${real} (*restrict ${field.name})${sizes} = (${real} (*)${sizes}) ${vec};`;
}

function sparseCasts(kernel: Kernel, real: string, names: CNames): string[] {
  const ndim = kernel.grid.ndim;
  const of = (sparse: SparseRef, kind: Parameter['kind']): string =>
    parameterCName(kernel.parameters.find((p) => p.kind === kind && 'sparse' in p && p.sparse === sparse)!, names);
  return kernel.sparses.flatMap((s) => {
    const npoint = of(s, 'npoint');
    const coordinates = `const double (*restrict ${names.c(`${s.name}_xyz`)})[${ndim}] = (const double (*)[${ndim}]) ${of(s, 'coordinates')};`;
    if (s.nt === undefined) return [`${real} *restrict ${s.name} = ${of(s, 'sparseData')};`, coordinates];
    return [
      `${real} (*restrict ${s.name})[${npoint}] = (${real} (*)[${npoint}]) ${of(s, 'sparseData')};`,
      coordinates,
    ];
  });
}

/** Vector type and helpers of the vector loops, for this kernel's precision. */
function vectorDefinitions(kernel: Kernel, real: string, splat: boolean): { real: string; lanes: number; align: string; splat: string | undefined } {
  const single = kernel.dtype === 'float32';
  return { real, lanes: single ? 16 : 8, align: single ? '_mm512_alignr_epi32' : '_mm512_alignr_epi64', splat: splat ? (single ? '_mm512_set1_ps' : '_mm512_set1_pd') : undefined };
}

/** The struct tag of a kernel whose parameters come packed (see {@link packedParameters}). */
const argumentsStructTag = (kernel: Kernel): string => `${kernel.name}_arguments`;

/**
 * A kernel with more parameters than koffi can bind (c-types.ts MAX_FFI_PARAMETERS) takes one
 * pointer to a struct holding them all, one member per parameter in order, each of its koffi
 * type (so runtime/library.ts declares the same layout to koffi), and unpacks them into locals
 * declared as the parameters were: the body prints exactly as it would with them separate.
 */
function packedParameters(kernel: Kernel, parameters: readonly string[], declarations: readonly string[], names: CNames) {
  const args = names.c('args');
  const tag = argumentsStructTag(kernel);
  return {
    count: kernel.parameters.length,
    limit: MAX_FFI_PARAMETERS,
    tag,
    parameter: `const struct ${tag} *restrict ${args}`,
    members: kernel.parameters.map((p, i) => {
      const type = parameterFfiType(p, kernel.dtype);
      return `${type}${type.endsWith('*') ? '' : ' '}${parameters[i]}`;
    }),
    unpack: declarations.map((declaration, i) => `${declaration} = ${args}->${parameters[i]};`),
  };
}

/** The C file of `kernel`, its generated names spelled by `names`. */
function render(kernel: Kernel, names: CNames): { ccode: string; parameters: string[] } {
  const printer = createPrinter(kernel, names);
  // The body first: what it used decides the file's head.
  printNodes(printer, kernel.body, 1, true);
  const body = printer.lines.join('\n') + '\n';
  const real = printer.real;
  const parameters = parameterCNames(kernel, names);
  const macro = (name: string): string => names.c(name);
  const vectors = printer.uses.vectors ? vectorDefinitions(kernel, real, printer.uses.splat) : undefined;
  const declarations = kernel.parameters.map((p, i) => `${parameterCType(p, kernel.dtype)} ${parameters[i]}`);
  const packed = packsParameters(kernel.parameters.length) ? packedParameters(kernel, parameters, declarations, names) : undefined;
  const ccode = template({
    name: kernel.name,
    sections: sectionsOf(kernel).map((section) => `${kernel.sections[section.id]}: ${section.title}`),
    parameters: packed ? [packed.parameter] : declarations,
    packed,
    casts: [...kernel.fields.map((field) => castOf(kernel, real, field, names)), ...sparseCasts(kernel, real, names)],
    preamble: kernel.preamble.map((d) => statementText(printer, d)),
    body,
    vectors,
    max: printer.uses.max,
    helpers: printer.uses.sinc || printer.uses.mpi ? [...(printer.uses.sinc ? sincHelpers(names) : []), ...(printer.uses.mpi ? haloHelpers(names) : [])] : undefined,
    mpi: printer.uses.mpi,
    allocates: printer.uses.allocation,
    // Only the macros the file defines are asked for (an unused one would rename nothing).
    macros: {
      MIN: macro('MIN'),
      MAX: printer.uses.max ? macro('MAX') : 'MAX',
      ...(vectors
        ? { vreal: macro('vreal'), vreal_u: macro('vreal_u'), VLOAD: macro('VLOAD'), VSTORE: macro('VSTORE'), SHIFT: macro('SHIFT'), VSPLAT: vectors.splat ? macro('VSPLAT') : 'VSPLAT' }
        : {}),
    },
  });
  return { ccode, parameters };
}

/** Kernel → one self-contained, deterministic C file (generated names renamed where a user's name takes them: codegen/names.ts). */
export function printKernel(kernel: Kernel): string {
  return printWithNames(kernel, (names) => render(kernel, names)).ccode;
}

/**
 * The C spelling of each of `kernel`'s parameters, in order: `Parameter.name`, unless a user's
 * name took it (then the C renames its own: `u_vec_1` beside a field named `u_vec`).
 */
export function cParameterNames(kernel: Kernel): string[] {
  return printWithNames(kernel, (names) => render(kernel, names)).parameters;
}
