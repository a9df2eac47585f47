import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { NumberExpr, accessesOf, assertNever, type AccessExpr } from '../dsl/expr.ts';
import { sparseLoopNames } from '../dsl/names.ts';
import { ringModulus, timeSlotName } from '../ir/build.ts';
import { allocatedExtent, type Block, type Kernel, type Parameter, type SpaceNest, type SparseLoop, type Statement, type TimeLoop } from '../ir/types.ts';
import { blocksOf } from '../ir/visit.ts';
import { TIME_TILE_SIZE, waveSizeName } from '../passes/time-tiling.ts';
import { indexShifts, printExpr, printIndexed, type ExprContext } from './c-expr.ts';

const template = Handlebars.compile(readFileSync(new URL('../../templates/kernel.c.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

/** The one non-zero status a kernel returns: a time-tiled loop could not allocate its receiver order. */
export const OUT_OF_MEMORY_STATUS = 1;
export const OUT_OF_MEMORY_MESSAGE = 'out of memory ordering the receivers of a time-tiled loop (a few bytes per receiver and grid plane)';

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

/** Points per 64-byte vector. */
function vectorLanes(kernel: Kernel): number {
  return kernel.dtype === 'float32' ? 16 : 8;
}

/** One row of a field along the innermost axis, as the loop body reads or writes it. */
interface RowInfo {
  readonly field: Kernel['fields'][number];
  /** The field at one time index, as C: `u[t0]`, or `m` for a Function. Rows of one slot share a base pointer. */
  readonly slot: string;
  /** Index shifts along the axes before the innermost (those of the jammed copy included). */
  readonly outer: readonly number[];
  /** C text of the access without its last index, e.g. `u[t0][x + 4][y + 4]`: for comments and addresses only. */
  readonly prefix: string;
  /** Every index shift along the innermost axis the body touches (stores too, with no reader) → the jammed copies that read it. */
  readonly readers: Map<number, Set<number>>;
  stored: boolean;
}

/** Where an access falls: its row's key and slot, its outer shifts and its shift along the innermost axis. */
interface RowPlace {
  readonly key: string;
  readonly slot: string;
  readonly outer: readonly number[];
  readonly shift: number;
}

/** The row of an access whose index shifts are `shifts`; `time` is the C time index of a TimeFunction access. */
function placeOf(access: AccessExpr, time: string | undefined, shifts: readonly number[], lastAxis: number): RowPlace {
  const slot = printIndexed(access.field, time, []);
  const outer = shifts.slice(0, lastAxis);
  return { key: `${slot}|${outer.join(',')}`, slot, outer, shift: shifts[lastAxis]! };
}

/** Every row the jammed copies of the body touch, in first-touch order, keyed by slot and outer shifts. */
function collectRows(nest: SpaceNest, contexts: readonly ExprContext[], lastAxis: number): Map<string, RowInfo> {
  const rows = new Map<string, RowInfo>();
  const visit = (access: AccessExpr, ctx: ExprContext, copy: number, stored: boolean): void => {
    const time = access.field.isTimeFunction ? ctx.timeIndex(access) : undefined;
    const { key, slot, outer, shift } = placeOf(access, time, indexShifts(access, ctx), lastAxis);
    let row = rows.get(key);
    if (!row) {
      row = { field: access.field, slot, outer, prefix: printIndexed(access.field, time, outer), readers: new Map(), stored };
      rows.set(key, row);
    }
    if (!row.readers.has(shift)) row.readers.set(shift, new Set());
    if (!stored) row.readers.get(shift)!.add(copy);
    row.stored ||= stored;
  };
  for (const [copy, ctx] of contexts.entries()) {
    for (const statement of nest.body) {
      for (const access of accessesOf(statement.value)) visit(access, ctx, copy, false);
      if (statement.kind === 'assign') visit(statement.target, ctx, copy, true);
    }
  }
  return rows;
}

/**
 * Rows worth a software prefetch in a 3D nest: the hardware prefetchers lose track of the
 * dozens of rows a jammed stencil streams through at once (measured: without these the vector
 * loop ran at half speed on 256³). Per field and time level: rows read at one point only (m,
 * u[t−1], the stored u[t+1]) all; for stencil rows, the leading row along y of each x column
 * that has a y-stencil, and the leading x row.
 */
function prefetchedRows(rows: ReadonlyMap<string, RowInfo>): RowInfo[] {
  const groups = new Map<string, RowInfo[]>();
  for (const row of rows.values()) groups.set(row.slot, [...(groups.get(row.slot) ?? []), row]);
  const chosen: RowInfo[] = [];
  for (const group of groups.values()) {
    const columns = new Map<number, RowInfo[]>();
    for (const row of group) columns.set(row.outer[0]!, [...(columns.get(row.outer[0]!) ?? []), row]);
    const pointwise = [...columns.values()].every((column) => column.length === 1) && group.every((row) => row.readers.size === 1);
    if (pointwise || group.some((row) => row.stored)) {
      chosen.push(...group);
      continue;
    }
    for (const column of columns.values()) {
      if (column.length > 1) chosen.push(column.reduce((a, b) => (b.outer[1]! > a.outer[1]! ? b : a)));
    }
    const leading = group.reduce((a, b) => (b.outer[0]! > a.outer[0]! ? b : a));
    if (!chosen.includes(leading)) chosen.push(leading);
  }
  return chosen;
}

class Printer {
  private readonly lines: string[] = [];
  private readonly ctx: ExprContext;
  private readonly real: string;
  /** Inside a time-tiled loop: the dimension whose bounds are the wave's, and whether the threads are already running. */
  private tile: { readonly dim: string; readonly skew: number; readonly region: boolean } | undefined;
  /** What the printed body needs from the file's head: vector types, MAX, calloc/malloc/free. */
  readonly uses = { vectors: false, max: false, allocation: false };

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
    const names = sparseLoopNames(sparse.name);
    const point = names.point;
    const dims = this.kernel.grid.dimensions;
    const one = printExpr(new NumberExpr(1), this.ctx);
    this.emit(depth, `/* ${this.kernel.sections[loop.section]}: ${sectionTitle(loop)} */`);
    this.emit(depth, `double start${loop.section} = omp_get_wtime();`);
    // In a time tile (threads already running) injection is done by one thread, interpolation shared out.
    const region = this.tile?.region ?? false;
    if (loop.mode === 'interpolate') this.emit(depth, region ? '#pragma omp for schedule(static)' : '#pragma omp parallel for schedule(static) num_threads(nthreads)');
    else if (region) this.emit(depth, '#pragma omp single');
    const tile = this.tile;
    const inner = depth + 1;
    if (tile && loop.mode === 'interpolate') {
      // The points whose plane lies in the wave, from the order made before the time loop.
      const d = tile.dim;
      const { index, first, order } = names;
      this.emit(depth, `for (int ${index} = ${first}[${d}_wave_m - ${d}_m]; ${index} < ${first}[${d}_wave_M - ${d}_m + 1]; ${index} += 1)`);
      this.emit(depth, '{');
      this.emit(inner, `const int ${point} = ${order}[${index}];`);
    } else {
      this.emit(depth, `for (int ${point} = 0; ${point} < ${sparse.name}_npoint; ${point} += 1)`);
      this.emit(depth, '{');
    }
    // In a time tile each injected corner is added in the wave holding its own plane, or one
    // skew ahead of it (see passes/time-tiling.ts): planes lo … hi; points whose two corner
    // planes both miss them are skipped before any more work (the points keep their order, so
    // additions into one grid point keep the untiled order).
    const injectPlanes = tile && loop.mode === 'inject'
      ? (loop.waveLead
        ? [`(${tile.dim}_wave_m == ${tile.dim}_m ? ${tile.dim}_m : ${tile.dim}_wave_m + ${tile.skew})`, `${tile.dim}_wave_M + ${tile.skew}`]
        : [`${tile.dim}_wave_m`, `${tile.dim}_wave_M`])
      : undefined;
    for (const dim of dims) {
      this.locate(sparse.name, dim.name, dim.axis, inner);
      if (injectPlanes && dim.name === tile!.dim) {
        this.emit(inner, `if (idx_${dim.name} + 1 < ${injectPlanes[0]} || idx_${dim.name} > ${injectPlanes[1]}) continue;`);
      }
      this.emit(inner, `const ${this.real} frac_${dim.name} = (${this.real}) (pos_${dim.name} - idx_${dim.name});`);
    }
    const inWave = injectPlanes ? `${tile!.dim} >= ${injectPlanes[0]} && ${tile!.dim} <= ${injectPlanes[1]}` : '';
    const value = printExpr(loop.expr, this.ctx);
    const target = loop.mode === 'inject' ? printExpr(loop.field!, this.ctx) : undefined;
    if (loop.mode === 'interpolate') this.emit(inner, `${this.real} sum = 0;`);
    for (let corner = 0; corner < 1 << dims.length; corner++) {
      const bits = dims.map((_, axis) => (corner >> (dims.length - 1 - axis)) & 1);
      const weight = dims.map((dim, axis) => (bits[axis] ? `frac_${dim.name}` : `(${one} - frac_${dim.name})`)).join('*');
      this.emit(inner, '{');
      dims.forEach((dim, axis) => this.emit(inner + 1, `const int ${dim.name} = idx_${dim.name}${bits[axis] ? ' + 1' : ''};`));
      this.emit(inner + 1, `const ${this.real} weight = ${weight};`);
      if (target !== undefined && injectPlanes) this.emit(inner + 1, `if (${inWave}) ${target} += weight*(${value});`);
      else if (target !== undefined) this.emit(inner + 1, `${target} += weight*(${value});`);
      else this.emit(inner + 1, `sum += weight*(${value});`);
      this.emit(inner, '}');
    }
    if (loop.mode === 'interpolate') this.emit(inner, `${sparse.name}[time][${point}] = sum;`);
    this.emit(depth, '}');
    if (region) this.emit(depth, '#pragma omp master');
    this.emit(depth, `timers[${loop.section}] += omp_get_wtime() - start${loop.section};`);
  }

  /** `pos_x` and `idx_x` of the point `p_<sparse>` along one axis: its grid coordinate and lower corner. */
  private locate(sparse: string, d: string, axis: number, depth: number): void {
    this.emit(depth, `const double pos_${d} = (${sparse}_xyz[${sparseLoopNames(sparse).point}][${axis}] - o_${d})/h_${d};`);
    // A point on the last grid line uses the last cell, so its corners stay inside the domain.
    this.emit(depth, `const int idx_${d} = pos_${d} >= ${d}_M ? ${d}_M - 1 : (int) floor(pos_${d});`);
  }

  /**
   * Before a time-tiled loop: the points of each interpolation ordered by the plane that places
   * them in a wave (idx + waveShift; a counting sort, so each plane keeps the points' order), so
   * a wave visits its own points only. `<sparse>_wave_first[i − x_m]` is where plane i starts.
   */
  private waveOrders(loop: TimeLoop, depth: number): string[] {
    const d = loop.tiling!.dim.name;
    const axis = loop.tiling!.dim.axis;
    const names: string[] = [];
    for (const block of loop.body) {
      if (block.kind !== 'sparseLoop' || block.mode !== 'interpolate') continue;
      const s = block.sparse.name;
      const { first, order, point } = sparseLoopNames(s);
      names.push(first, order);
      this.uses.allocation = true;
      this.emit(depth, `/* The points of ${s} by the plane along ${d} that places them in a wave: plane i holds ${order}[${first}[i - ${d}_m] … ${first}[i - ${d}_m + 1] - 1]. */`);
      this.emit(depth, `int *${first} = (int *) calloc(${d}_M - ${d}_m + 3, sizeof(int));`);
      this.emit(depth, `int *${order} = (int *) malloc(sizeof(int)*(${s}_npoint > 0 ? ${s}_npoint : 1));`);
      this.emit(depth, `if (${first} == NULL || ${order} == NULL)`);
      this.emit(depth, '{');
      this.emit(depth + 1, `free(${first});`);
      this.emit(depth + 1, `free(${order});`);
      this.emit(depth + 1, `return ${OUT_OF_MEMORY_STATUS};`);
      this.emit(depth, '}');
      for (const pass of ['count', 'place'] as const) {
        this.emit(depth, `for (int ${point} = 0; ${point} < ${s}_npoint; ${point} += 1)`);
        this.emit(depth, '{');
        this.locate(s, d, axis, depth + 1);
        this.emit(depth + 1, `const int plane = MIN(MAX(idx_${d}${block.waveShift ? ` + ${block.waveShift}` : ''}, ${d}_m), ${d}_M) - ${d}_m;`);
        this.emit(depth + 1, pass === 'count' ? `${first}[plane + 2] += 1;` : `${order}[${first}[plane + 1]++] = ${point};`);
        this.emit(depth, '}');
        if (pass === 'count') this.emit(depth, `for (int plane = 0; plane <= ${d}_M - ${d}_m; plane += 1) ${first}[plane + 2] += ${first}[plane + 1];`);
      }
    }
    return names;
  }

  /** The loop body: every statement for each of the `copies` jammed points. */
  private scalarBody(nest: SpaceNest, copies: number, depth: number): void {
    for (let copy = 0; copy < copies; copy++) {
      const ctx = this.jammedContext(nest, nest.dims[0]!.name, copy);
      for (const statement of nest.body) this.emit(depth, this.statement(statement, ctx));
    }
  }

  /**
   * The innermost loop in explicit vectors (passes/vector-windows.ts): passes of `lanes` points
   * from `z_m` to `z_hi`, then the scalar `omp simd` loop for the rest (all of it without
   * AVX-512). Rows read at several offsets become windows: vectors a, b, c before, at and after
   * the pass, each offset one SHIFT of two of them; every load stays inside its row.
   */
  private vectorLoops(nest: SpaceNest, copies: number, depth: number): void {
    const lastDim = nest.dims[nest.dims.length - 1]!;
    const d = lastDim.name;
    const lanes = vectorLanes(this.kernel);
    this.uses.vectors = true;
    const contexts = Array.from({ length: copies }, (_, copy) => this.jammedContext(nest, nest.dims[0]!.name, copy));
    const rows = collectRows(nest, contexts, lastDim.axis);
    /** Index shift of the row's interior start (its halo): where the middle vector of a window loads. */
    const baseOf = (row: RowInfo): number => row.field.halo[lastDim.axis]!;
    // A row read at several offsets keeps three vectors (a, b, c) and shifts them: row → name stem.
    // Rows the nest stores to are loaded where they are read, after the stores before them. A
    // window reaches `base` points (the halo) either way, so the halo must fit in one vector.
    // Every shift already lies in [0, 2·base]: it is offset + halo, and lowering (checkHalo)
    // rejects offsets beyond the halo.
    const windowOf = new Map<RowInfo, string>();
    for (const row of rows.values()) {
      if (!row.stored && row.readers.size > 1 && baseOf(row) <= lanes) windowOf.set(row, `w${windowOf.size}`);
    }
    // Rows read by several jammed copies at the same offset: gcc does not share such loads across
    // the stores between the copies, so they are loaded once, at the top of each pass, before
    // them: row → shift → vector name.
    const sharedOf = new Map<RowInfo, Map<number, string>>();
    let sharedCount = 0;
    for (const row of rows.values()) {
      if (row.stored || windowOf.has(row)) continue;
      for (const [shift, readers] of row.readers) {
        if (readers.size <= 1) continue;
        if (!sharedOf.has(row)) sharedOf.set(row, new Map());
        sharedOf.get(row)!.set(shift, `v${sharedCount++}`);
      }
    }

    this.emit(depth, `/* ${d} in passes of ${lanes} points, then one point at a time */`);
    this.emit(0, '#if defined(__AVX512F__)');
    this.emit(depth, `const int ${d}_hi = ${d}_m + (${d}_M - ${d}_m + 1)/${lanes}*${lanes};`);
    const scalarLoop = (from: string, condition: string): void => {
      this.emit(depth, '#pragma omp simd');
      this.emit(depth, `for (int ${d} = ${from}; ${condition}; ${d} += 1)`);
      this.emit(depth, '{');
      this.scalarBody(nest, copies, depth + 1);
      this.emit(depth, '}');
    };

    this.emit(depth, '{');
    const inside = depth + 1;
    const plus = (base: number): string => (base === 0 ? '' : base > 0 ? ` + ${base}` : ` - ${-base}`);
    // With compile-time strides (3D), every row of a field and time level is addressed from one
    // base pointer with a constant offset: left to itself, gcc keeps a pointer per row (dozens
    // for a jammed stencil) and spills them.
    const fixed = this.kernel.fixedStrides && nest.dims.length === 3;
    /** Slot → name of its base pointer. */
    const bases = new Map<string, string>();
    const address = (row: RowInfo, index: string): string => {
      if (!fixed) return `&${row.prefix}[${index}]`;
      let base = bases.get(row.slot);
      if (!base) {
        base = `base${bases.size}`;
        bases.set(row.slot, base);
      }
      const timeAxes = row.field.isTimeFunction ? 1 : 0;
      const [xShift, yShift] = row.outer as [number, number];
      const yExtent = allocatedExtent(row.field, nest.dims[1]!.axis + timeAxes);
      const zExtent = allocatedExtent(row.field, lastDim.axis + timeAxes);
      return `&${base}[(${xShift}*${yExtent} + ${yShift})*${zExtent} + ${index}]`;
    };
    const at = (row: RowInfo, index: string): string => `VLOAD(${address(row, index)})`;
    const bodyLines: [number, string][] = [];
    const emitLater = (indent: number, text: string): void => {
      bodyLines.push([indent, text]);
    };
    // Window rows: a holds the points before the pass (its last `base` lanes are used), b the pass,
    // c the points after it (its first `base` lanes are used). Every load stays inside the row:
    // a starts as the row's first points moved up, c is cut from a load ending at the last point.
    for (const [row, w] of windowOf) {
      emitLater(inside, `vreal ${w}_a = ${at(row, `${d}_m`)}; /* ${row.prefix} */`);
      emitLater(inside, `${w}_a = SHIFT(${w}_a, ${w}_a, ${baseOf(row)});`);
    }
    emitLater(inside, `for (int ${d} = ${d}_m; ${d} < ${d}_hi; ${d} += ${lanes})`);
    emitLater(inside, '{');
    const body = inside + 1;
    for (const [row, w] of windowOf) {
      const base = baseOf(row);
      emitLater(body, `const vreal ${w}_b = ${at(row, `${d}${plus(base)}`)};`);
      emitLater(body, `const vreal ${w}_n = ${at(row, `${d}${plus(2 * base)}`)};`);
      emitLater(body, `const vreal ${w}_c = SHIFT(${w}_n, ${w}_n, ${lanes - base});`);
    }
    for (const [row, shared] of sharedOf) {
      for (const [shift, name] of shared) emitLater(body, `const vreal ${name} = ${at(row, `${d}${plus(shift)}`)}; /* ${row.prefix}[${d}${plus(shift)}] */`);
    }

    if (nest.dims.length === 3) {
      for (const row of prefetchedRows(rows)) {
        emitLater(body, `__builtin_prefetch(${address(row, `${d}${plus(baseOf(row) + 4 * lanes)}`)}${row.stored ? ', 1' : ''});`);
      }
    }
    /** The row of an access in a jammed copy (every one was collected), and its innermost shift. */
    const rowOf = (access: AccessExpr, ctx: ExprContext, shifts: readonly number[]): [RowInfo, number] => {
      const place = placeOf(access, access.field.isTimeFunction ? ctx.timeIndex(access) : undefined, shifts, lastDim.axis);
      return [rows.get(place.key)!, place.shift];
    };
    contexts.forEach((scalarCtx) => {
      const ctx: ExprContext = {
        ...scalarCtx,
        accessText: (access, shifts) => {
          const [row, shift] = rowOf(access, scalarCtx, shifts);
          const shared = sharedOf.get(row)?.get(shift);
          if (shared) return shared;
          const w = windowOf.get(row);
          if (!w) return at(row, `${d}${plus(shift)}`);
          const offset = shift - baseOf(row);
          if (offset === 0) return `${w}_b`;
          // A whole vector away (halo = lanes): the neighbour vector itself (valign counts modulo lanes).
          if (offset === -lanes) return `${w}_a`;
          if (offset === lanes) return `${w}_c`;
          return offset < 0 ? `SHIFT(${w}_a, ${w}_b, ${lanes + offset})` : `SHIFT(${w}_b, ${w}_c, ${offset})`;
        },
      };
      for (const statement of nest.body) {
        const value = printExpr(statement.value, ctx);
        if (statement.kind === 'define') {
          emitLater(body, `const vreal ${ctx.tempName?.(statement.name) ?? statement.name} = ${value};`);
        } else {
          const [target, shift] = rowOf(statement.target, scalarCtx, indexShifts(statement.target, scalarCtx));
          emitLater(body, `VSTORE(${address(target, `${d}${plus(shift)}`)}, ${value});`);
        }
      }
    });
    for (const w of windowOf.values()) emitLater(body, `${w}_a = ${w}_b;`);
    emitLater(inside, '}');
    const [x, y] = [nest.dims[0]!.name, nest.dims[1]!.name];
    for (const [key, base] of bases) {
      this.emit(inside, `${this.real} *restrict ${base} = &${key}[${x}][${y}][0]; /* ${key}[${x} + i][${y} + j][${d} + k] is ${base}[(i*Ny + j)*Nz + ${d} + k] */`);
    }
    for (const [indent, text] of bodyLines) this.emit(indent, text);
    this.emit(depth, '}');
    this.emit(0, '#else');
    this.emit(depth, `const int ${d}_hi = ${d}_m;`);
    this.emit(0, '#endif');
    scalarLoop(`${d}_hi`, `${d} <= ${d}_M`);
  }


  private nest(nest: SpaceNest, depth: number): void {
    this.emit(depth, `/* ${this.kernel.sections[nest.section]}: ${sectionTitle(nest)} */`);
    this.emit(depth, `double start${nest.section} = omp_get_wtime();`);
    // In a time tile the outer dimension runs over the wave's planes, and the threads already
    // run (one parallel region per call): the loops are only shared out among them.
    const lower = (d: string): string => (this.tile?.dim === d ? `${d}_wave_m` : `${d}_m`);
    const upper = (d: string): string => (this.tile?.dim === d ? `${d}_wave_M` : `${d}_M`);
    const region = this.tile?.region ?? false;
    const last = nest.dims.length - 1;
    const blocked = nest.blocked;
    let level = 0;
    const open = (pragma: string | undefined, header: string): void => {
      if (pragma) this.emit(depth + level, `#pragma omp ${pragma}`);
      this.emit(depth + level, header);
      this.emit(depth + level, '{');
      level++;
    };
    const parallel = (collapse: number, simd = false): string =>
      `${region ? 'for' : 'parallel for'}${simd ? ' simd' : ''}${collapse > 1 ? ` collapse(${collapse})` : ''} schedule(static)${region ? '' : ' num_threads(nthreads)'}`;
    // Block loops (tiled nests): the parallel loops, collapsed so every thread gets many blocks.
    blocked.forEach((dim, i) => {
      const block = `${dim.name}0_blk0`;
      const pragma = i === 0 && nest.parallel ? parallel(blocked.length) : undefined;
      open(pragma, `for (int ${block} = ${lower(dim.name)}; ${block} <= ${upper(dim.name)}; ${block} += ${block}_size)`);
    });
    // The space loops from `from` inwards, around `copies` jammed copies of the body.
    const inner = (from: number, copies: number): void => {
      const base = level;
      const vectorized = nest.vectorWindows && last > 0;
      nest.dims.slice(from, vectorized ? last : undefined).forEach((dim, j) => {
        const i = from + j;
        const d = dim.name;
        const header = blocked.includes(dim)
          ? `for (int ${d} = ${d}0_blk0; ${d} <= MIN(${upper(d)}, ${d}0_blk0 + ${d}0_blk0_size - 1); ${d} += 1)`
          : `for (int ${d} = ${lower(d)}; ${d} <= ${upper(d)}; ${d} += 1)`;
        let pragma: string | undefined;
        if (i === 0 && nest.parallel && blocked.length === 0) pragma = parallel(1, last === 0 && nest.simd);
        else if (i === last && nest.simd) pragma = 'simd';
        open(pragma, header);
      });
      if (vectorized) this.vectorLoops(nest, copies, depth + level);
      else this.scalarBody(nest, copies, depth + level);
      while (level > base) {
        level--;
        this.emit(depth + level, '}');
      }
    };
    if (nest.jam > 1 && blocked.includes(nest.dims[0]!)) {
      // Jammed outer loop inside the block, then a remainder loop for the last few points.
      const d = nest.dims[0]!.name;
      this.emit(depth + level, `const int ${d}_end = MIN(${upper(d)}, ${d}0_blk0 + ${d}0_blk0_size - 1);`);
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
    // In a parallel region every thread reaches this after the loop's closing barrier; one adds.
    if (region) this.emit(depth, '#pragma omp master');
    this.emit(depth, `timers[${nest.section}] += omp_get_wtime() - start${nest.section};`);
  }

  /** One time step: the ring-buffer slots of `time`, then the loop body in order. */
  private timeStep(loop: TimeLoop, depth: number): void {
    for (const slot of loop.slots) {
      const shift = ((slot.offset % slot.modulus) + slot.modulus) % slot.modulus;
      this.emit(depth, `const int ${slot.name} = ${shift === 0 ? 'time' : `(time + ${shift})`} % ${slot.modulus};`);
    }
    loop.body.forEach((block) => {
      this.lines.push('');
      if (block.kind === 'sparseLoop') this.sparseLoop(block, depth);
      else this.nest(block, depth);
    });
  }

  private timeLoop(loop: TimeLoop, depth: number): void {
    if (loop.tiling) {
      this.tiledTimeLoop(loop, depth);
      return;
    }
    const header = loop.direction === 1
      ? 'for (int time = time_m; time <= time_M; time += 1)'
      : 'for (int time = time_M; time >= time_m; time -= 1)';
    this.emit(depth, header);
    this.emit(depth, '{');
    this.timeStep(loop, depth + 1);
    this.emit(depth, '}');
  }

  /**
   * A time-tiled loop (passes/time-tiling.ts): tiles of `time_tile_size` steps; in each, a wave
   * of `x_wave_size` planes moves along x and every step of the tile computes its part of the
   * wave, `skew` planes behind the step before. One parallel region holds the whole loop.
   */
  private tiledTimeLoop(loop: TimeLoop, depth: number): void {
    const { skew } = loop.tiling!;
    const d = loop.tiling!.dim.name;
    // One parallel region when every nest is parallel (a serial nest inside one would run on every thread).
    const region = loop.body.every((block) => block.kind !== 'spaceNest' || block.parallel);
    const times = (count: string): string => (skew === 0 ? '' : ` - ${skew}*${count}`);
    const orders = this.waveOrders(loop, depth);
    this.uses.max = true;
    this.emit(depth, `/* Time tiles of ${TIME_TILE_SIZE} steps. A wave of ${waveSizeName(d)} planes moves along ${d}; each step of a tile`);
    this.emit(depth, `   computes the wave's planes ${skew} behind the step before (the farthest it reads along ${d}), so the`);
    this.emit(depth, '   planes it reads were just computed and are still in cache. */');
    if (region) this.emit(depth, '#pragma omp parallel num_threads(nthreads)');
    const [first, condition, next, remaining, timeOf] = loop.direction === 1
      ? ['time_m', 'time_tile <= time_M', '+=', 'time_M - time_tile + 1', 'time_tile + tile_step']
      : ['time_M', 'time_tile >= time_m', '-=', 'time_tile - time_m + 1', 'time_tile - tile_step'];
    this.emit(depth, `for (int time_tile = ${first}; ${condition}; time_tile ${next} ${TIME_TILE_SIZE})`);
    this.emit(depth, '{');
    this.emit(depth + 1, `const int tile_steps = MIN(${TIME_TILE_SIZE}, ${remaining});`);
    const end = skew === 0 ? `${d}_M` : `${d}_M + ${skew}*(tile_steps - 1)`;
    this.emit(depth + 1, `for (int ${d}_wave = ${d}_m; ${d}_wave <= ${end}; ${d}_wave += ${waveSizeName(d)})`);
    this.emit(depth + 1, '{');
    this.emit(depth + 2, 'for (int tile_step = 0; tile_step < tile_steps; tile_step += 1)');
    this.emit(depth + 2, '{');
    const inner = depth + 3;
    this.emit(inner, `const int time = ${timeOf};`);
    this.emit(inner, `const int ${d}_wave_m = MAX(${d}_m, ${d}_wave${times('tile_step')});`);
    this.emit(inner, `const int ${d}_wave_M = MIN(${d}_M, ${d}_wave + ${waveSizeName(d)} - 1${times('tile_step')});`);
    this.emit(inner, `if (${d}_wave_m > ${d}_wave_M) continue;`);
    this.tile = { dim: d, skew, region };
    this.timeStep(loop, inner);
    this.tile = undefined;
    this.emit(depth + 2, '}');
    this.emit(depth + 1, '}');
    this.emit(depth, '}');
    for (const name of orders) this.emit(depth, `free(${name});`);
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

/** Vector type and helpers of the vector loops, for this kernel's precision. */
function vectorDefinitions(kernel: Kernel): { real: string; lanes: number; align: string } {
  return { real: ctype(kernel), lanes: vectorLanes(kernel), align: kernel.dtype === 'float32' ? '_mm512_alignr_epi32' : '_mm512_alignr_epi64' };
}

/** Prints the kernel as one self-contained, deterministic C file. */
export function printKernel(kernel: Kernel): string {
  const printer = new Printer(kernel);
  const real = ctype(kernel);
  // The body first: what it used decides the file's head.
  const body = printer.body(kernel.body);
  return template({
    name: kernel.name,
    sections: blocksOf(kernel).map((block) => `${kernel.sections[block.section]}: ${sectionTitle(block)}`),
    parameters: kernel.parameters.map((p) => parameterDeclaration(p, real)),
    casts: [...kernel.fields.map((field) => castOf(kernel, field)), ...sparseCasts(kernel)],
    preamble: kernel.preamble.map((d) => printer.statement(d)),
    body,
    vectors: printer.uses.vectors ? vectorDefinitions(kernel) : undefined,
    max: printer.uses.max,
    allocates: printer.uses.allocation,
  });
}
