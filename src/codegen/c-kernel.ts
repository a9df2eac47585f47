import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { AccessExpr } from '../dsl/expr.ts';
import { ringModulus, timeSlotName } from '../ir/build.ts';
import { NumberExpr, assertNever } from '../dsl/expr.ts';
import { allocatedExtent, type Block, type Kernel, type Parameter, type SpaceNest, type SparseLoop, type Statement, type TimeLoop } from '../ir/types.ts';
import { printExpr, type ExprContext } from './c-expr.ts';

const template = Handlebars.compile(readFileSync(new URL('../../templates/kernel.c.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

const ctype = (kernel: Kernel): string => (kernel.dtype === 'float32' ? 'float' : 'double');

function parameterDeclaration(param: Parameter, real: string): string {
  switch (param.kind) {
    case 'field': case 'sparseData': return `${real} *restrict ${param.name}`;
    case 'coordinates': return `const double *restrict ${param.name}`;
    case 'size': case 'timeBound': case 'spaceBound': case 'nthreads': case 'npoint': case 'blockSize': return `const int ${param.name}`;
    case 'scalar': return `const ${real} ${param.name}`;
    case 'origin': return `const double ${param.name}`;
    case 'timers': return `double *restrict ${param.name}`;
    default: return assertNever(param);
  }
}

/** One line per timed section, for the file header and the section comments. */
function sectionTitle(block: SpaceNest | SparseLoop): string {
  if (block.kind === 'sparseLoop') {
    return block.mode === 'inject'
      ? `inject ${block.sparse.name} into ${block.field!.field.name}`
      : `interpolate into ${block.sparse.name}`;
  }
  const targets = [...new Set(block.body.flatMap((s) => (s.kind === 'assign' ? [s.target.field.name] : [])))];
  return `update ${targets.join(', ')}`;
}

function blocksOf(kernel: Kernel): (SpaceNest | SparseLoop)[] {
  return kernel.body.flatMap((b): (SpaceNest | SparseLoop)[] => (b.kind === 'timeLoop' ? [...b.body] : [b]));
}

/** `float (*restrict u)[u_x_size][u_y_size] = (float (*)[u_x_size][u_y_size]) u_vec;` */
function castOf(kernel: Kernel, field: Kernel['fields'][number]): string {
  const real = ctype(kernel);
  const sizes = kernel.parameters
    .filter((p): p is Extract<Parameter, { kind: 'size' }> => p.kind === 'size' && p.field === field)
    .map((p) => `[${kernel.fixedStrides ? allocatedExtent(field, p.axis) : p.name}]`)
    .join('');
  if (sizes === '') return `${real} *restrict ${field.name} = ${field.name}_vec;`;
  return `${real} (*restrict ${field.name})${sizes} = (${real} (*)${sizes}) ${field.name}_vec;`;
}

function sparseCasts(kernel: Kernel): string[] {
  const real = ctype(kernel);
  const ndim = kernel.grid.ndim;
  return kernel.sparses.flatMap((s) => [
    `${real} (*restrict ${s.name})[${s.name}_npoint] = (${real} (*)[${s.name}_npoint]) ${s.name}_vec;`,
    `const double (*restrict ${s.name}_xyz)[${ndim}] = (const double (*)[${ndim}]) ${s.name}_coords;`,
  ]);
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

  statement(statement: Statement, ctx: ExprContext = this.ctx): string {
    const value = printExpr(statement.value, ctx);
    if (statement.kind === 'define') return `const ${this.real} ${ctx.tempName?.(statement.name) ?? statement.name} = ${value};`;
    return `${printExpr(statement.target, ctx)} = ${value};`;
  }

  /** The loop body for the point `copy` steps further along `dim` (temporaries renamed `r5_1` …). */
  private jammedContext(nest: SpaceNest, dim: string, copy: number): ExprContext {
    if (copy === 0) return this.ctx;
    const locals = new Set(nest.body.flatMap((s) => (s.kind === 'define' ? [s.name] : [])));
    return {
      ...this.ctx,
      indexShift: (d: string): number => (d === dim ? copy : 0),
      tempName: (name: string): string => (locals.has(name) ? `${name}_${copy}` : name),
    };
  }

  /**
   * Points are located in double precision from physical coordinates; each of the 2^d corners
   * around a point is a block that re-declares the loop indices, so field accesses print exactly
   * as in stencil nests.
   */
  private sparseLoop(loop: SparseLoop, depth: number): void {
    const { sparse } = loop;
    const point = `p_${sparse.name}`;
    const dims = this.kernel.grid.dimensions;
    const one = printExpr(new NumberExpr(1), this.ctx);
    this.emit(depth, `/* ${this.kernel.sections[loop.section]}: ${sectionTitle(loop)} */`);
    this.emit(depth, `double start${loop.section} = omp_get_wtime();`);
    if (loop.mode === 'interpolate') this.emit(depth, '#pragma omp parallel for schedule(static) num_threads(nthreads)');
    this.emit(depth, `for (int ${point} = 0; ${point} < ${sparse.name}_npoint; ${point} += 1)`);
    this.emit(depth, '{');
    const inner = depth + 1;
    for (const dim of dims) {
      const d = dim.name;
      this.emit(inner, `const double pos_${d} = (${sparse.name}_xyz[${point}][${dim.axis}] - o_${d})/h_${d};`);
      // A point on the last grid line uses the last cell, so its corners stay inside the domain.
      this.emit(inner, `const int idx_${d} = pos_${d} >= ${d}_M ? ${d}_M - 1 : (int) floor(pos_${d});`);
      this.emit(inner, `const ${this.real} frac_${d} = (${this.real}) (pos_${d} - idx_${d});`);
    }
    const value = printExpr(loop.expr, this.ctx);
    if (loop.mode === 'interpolate') this.emit(inner, `${this.real} sum = 0;`);
    for (let corner = 0; corner < 1 << dims.length; corner++) {
      const bits = dims.map((_, axis) => (corner >> (dims.length - 1 - axis)) & 1);
      const weight = dims.map((dim, axis) => (bits[axis] ? `frac_${dim.name}` : `(${one} - frac_${dim.name})`)).join('*');
      this.emit(inner, '{');
      dims.forEach((dim, axis) => this.emit(inner + 1, `const int ${dim.name} = idx_${dim.name}${bits[axis] ? ' + 1' : ''};`));
      this.emit(inner + 1, `const ${this.real} weight = ${weight};`);
      if (loop.mode === 'inject') this.emit(inner + 1, `${printExpr(loop.field!, this.ctx)} += weight*(${value});`);
      else this.emit(inner + 1, `sum += weight*(${value});`);
      this.emit(inner, '}');
    }
    if (loop.mode === 'interpolate') this.emit(inner, `${sparse.name}[time][${point}] = sum;`);
    this.emit(depth, '}');
    this.emit(depth, `timers[${loop.section}] += omp_get_wtime() - start${loop.section};`);
  }

  private nest(nest: SpaceNest, depth: number): void {
    this.emit(depth, `/* ${this.kernel.sections[nest.section]}: ${sectionTitle(nest)} */`);
    this.emit(depth, `double start${nest.section} = omp_get_wtime();`);
    const last = nest.dims.length - 1;
    const blocked = nest.blocked;
    let level = 0;
    const open = (pragma: string | undefined, header: string): void => {
      if (pragma) this.emit(depth + level, `#pragma omp ${pragma}`);
      this.emit(depth + level, header);
      this.emit(depth + level, '{');
      level++;
    };
    const parallel = (collapse: number): string => `parallel for${collapse > 1 ? ` collapse(${collapse})` : ''} schedule(static) num_threads(nthreads)`;
    // Block loops (tiled nests): the parallel loops, collapsed so every thread gets many blocks.
    blocked.forEach((dim, i) => {
      const block = `${dim.name}0_blk0`;
      const pragma = i === 0 && nest.parallel ? parallel(blocked.length) : undefined;
      open(pragma, `for (int ${block} = ${dim.name}_m; ${block} <= ${dim.name}_M; ${block} += ${block}_size)`);
    });
    // The space loops from `from` inwards, around `copies` jammed copies of the body.
    const inner = (from: number, copies: number): void => {
      const base = level;
      nest.dims.slice(from).forEach((dim, j) => {
        const i = from + j;
        const d = dim.name;
        const header = blocked.includes(dim)
          ? `for (int ${d} = ${d}0_blk0; ${d} <= MIN(${d}_M, ${d}0_blk0 + ${d}0_blk0_size - 1); ${d} += 1)`
          : `for (int ${d} = ${d}_m; ${d} <= ${d}_M; ${d} += 1)`;
        let pragma: string | undefined;
        if (i === 0 && nest.parallel && blocked.length === 0) pragma = last === 0 && nest.simd ? `${parallel(1).replace('parallel for', 'parallel for simd')}` : parallel(1);
        else if (i === last && nest.simd) pragma = 'simd';
        open(pragma, header);
      });
      for (let copy = 0; copy < copies; copy++) {
        const ctx = this.jammedContext(nest, nest.dims[0]!.name, copy);
        for (const statement of nest.body) this.emit(depth + level, this.statement(statement, ctx));
      }
      while (level > base) {
        level--;
        this.emit(depth + level, '}');
      }
    };
    if (nest.jam > 1 && blocked.includes(nest.dims[0]!)) {
      // Jammed outer loop inside the block, then a remainder loop for the last few points.
      const d = nest.dims[0]!.name;
      this.emit(depth + level, `const int ${d}_end = MIN(${d}_M, ${d}0_blk0 + ${d}0_blk0_size - 1);`);
      this.emit(depth + level, `int ${d} = ${d}0_blk0;`);
      open(undefined, `for (; ${d} <= ${d}_end - ${nest.jam - 1}; ${d} += ${nest.jam})`);
      inner(1, nest.jam);
      level--;
      this.emit(depth + level, '}');
      open(undefined, `for (; ${d} <= ${d}_end; ${d} += 1)`);
      inner(1, 1);
      level--;
      this.emit(depth + level, '}');
    } else {
      inner(0, 1);
    }
    while (level > 0) {
      level--;
      this.emit(depth + level, '}');
    }
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
    loop.body.forEach((block) => {
      this.lines.push('');
      if (block.kind === 'sparseLoop') this.sparseLoop(block, depth + 1);
      else this.nest(block, depth + 1);
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
export function printKernel(kernel: Kernel): string {
  const printer = new Printer(kernel);
  const real = ctype(kernel);
  return template({
    name: kernel.name,
    sections: blocksOf(kernel).map((block) => `${kernel.sections[block.section]}: ${sectionTitle(block)}`),
    parameters: kernel.parameters.map((p) => parameterDeclaration(p, real)),
    casts: [...kernel.fields.map((field) => castOf(kernel, field)), ...sparseCasts(kernel)],
    preamble: kernel.preamble.map((d) => printer.statement(d)),
    body: printer.body(kernel.body),
  });
}
