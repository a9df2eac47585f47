import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { AccessExpr } from '../dsl/expr.ts';
import { ringModulus, timeSlotName } from '../ir/build.ts';
import type { Block, Kernel, Parameter, SpaceNest, Statement, TimeLoop } from '../ir/types.ts';
import { printExpr, type ExprContext } from './c-expr.ts';

const template = Handlebars.compile(readFileSync(new URL('../../templates/kernel.c.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

const ctype = (kernel: Kernel): string => (kernel.dtype === 'float32' ? 'float' : 'double');

function parameterDeclaration(param: Parameter, real: string): string {
  switch (param.kind) {
    case 'field': return `${real} *restrict ${param.name}`;
    case 'size': case 'timeBound': case 'spaceBound': case 'nthreads': return `const int ${param.name}`;
    case 'scalar': return `const ${real} ${param.name}`;
    case 'timers': return `double *restrict ${param.name}`;
  }
}

/** `float (*restrict u)[u_x_size][u_y_size] = (float (*)[u_x_size][u_y_size]) u_vec;` */
function castOf(kernel: Kernel, field: Kernel['fields'][number]): string {
  const real = ctype(kernel);
  const sizes = kernel.parameters
    .filter((p): p is Extract<Parameter, { kind: 'size' }> => p.kind === 'size' && p.field === field)
    .map((p) => `[${p.name}]`)
    .join('');
  if (sizes === '') return `${real} *restrict ${field.name} = ${field.name}_vec;`;
  return `${real} (*restrict ${field.name})${sizes} = (${real} (*)${sizes}) ${field.name}_vec;`;
}

class Printer {
  private readonly lines: string[] = [];
  private readonly ctx: ExprContext;
  private readonly real: string;

  constructor(private readonly kernel: Kernel) {
    this.real = ctype(kernel);
    const moduli = new Set(kernel.body.flatMap((b) => (b.kind === 'timeLoop' ? b.slots.map((s) => s.modulus) : [])));
    this.ctx = {
      dtype: kernel.dtype,
      timeIndex: (access: AccessExpr): string => {
        const saved = (access.field as { save?: number }).save !== undefined;
        if (saved) return access.timeOffset === 0 ? 'time' : `time ${access.timeOffset > 0 ? '+' : '-'} ${Math.abs(access.timeOffset)}`;
        return timeSlotName(access.timeOffset, ringModulus(access.field), moduli.size > 1);
      },
    };
  }

  private emit(depth: number, text: string): void {
    this.lines.push(`${'  '.repeat(depth)}${text}`);
  }

  statement(statement: Statement): string {
    const value = printExpr(statement.value, this.ctx);
    if (statement.kind === 'define') return `const ${this.real} ${statement.name} = ${value};`;
    return `${printExpr(statement.target, this.ctx)} = ${value};`;
  }

  private nest(nest: SpaceNest, depth: number): void {
    const targets = [...new Set(nest.body.filter((s) => s.kind === 'assign').map((s) => (s.kind === 'assign' ? s.target.field.name : '')))];
    this.emit(depth, `/* ${this.kernel.sections[nest.section]}: update ${targets.join(', ')} */`);
    this.emit(depth, `double start${nest.section} = omp_get_wtime();`);
    const last = nest.dims.length - 1;
    nest.dims.forEach((dim, level) => {
      const pragmas: string[] = [];
      if (level === 0 && nest.parallel) pragmas.push(last === 0 && nest.simd ? 'parallel for simd' : 'parallel for');
      if (level === last && nest.simd && !(level === 0 && nest.parallel)) pragmas.push('simd');
      for (const pragma of pragmas) {
        const clauses = pragma.startsWith('parallel') ? ' schedule(static) num_threads(nthreads)' : '';
        this.emit(depth + level, `#pragma omp ${pragma}${clauses}`);
      }
      this.emit(depth + level, `for (int ${dim.name} = ${dim.name}_m; ${dim.name} <= ${dim.name}_M; ${dim.name} += 1)`);
      this.emit(depth + level, '{');
    });
    for (const statement of nest.body) this.emit(depth + nest.dims.length, this.statement(statement));
    for (let level = last; level >= 0; level--) this.emit(depth + level, '}');
    this.emit(depth, `timers[${nest.section}] += omp_get_wtime() - start${nest.section};`);
  }

  private timeLoop(loop: TimeLoop, depth: number): void {
    const header = loop.direction === 1
      ? 'for (int time = time_m; time <= time_M; time += 1)'
      : 'for (int time = time_M; time >= time_m; time -= 1)';
    this.emit(depth, header);
    this.emit(depth, '{');
    for (const slot of loop.slots) {
      const shift = ((slot.offset % slot.modulus) + slot.modulus) % slot.modulus;
      this.emit(depth + 1, `const int ${slot.name} = ${shift === 0 ? 'time' : `(time + ${shift})`} % ${slot.modulus};`);
    }
    loop.body.forEach((nest) => {
      this.lines.push('');
      this.nest(nest, depth + 1);
    });
    this.emit(depth, '}');
  }

  body(blocks: readonly Block[]): string {
    blocks.forEach((block, i) => {
      if (i > 0) this.lines.push('');
      if (block.kind === 'timeLoop') this.timeLoop(block, 1);
      else this.nest(block, 1);
    });
    return this.lines.join('\n') + '\n';
  }
}

/** Prints the kernel as one self-contained, deterministic C file. */
export function printKernel(kernel: Kernel, equations: readonly string[]): string {
  const printer = new Printer(kernel);
  const real = ctype(kernel);
  return template({
    name: kernel.name,
    equations,
    parameters: kernel.parameters.map((p) => parameterDeclaration(p, real)),
    casts: kernel.fields.map((field) => castOf(kernel, field)),
    preamble: kernel.preamble.map((d) => printer.statement(d)),
    body: printer.body(kernel.body),
  });
}
