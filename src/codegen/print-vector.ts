import { children, type AccessExpr, type Expr, type TempExpr } from '../dsl/expr.ts';
import { allocatedExtent } from '../ir/types.ts';
import { pointShifts, vectorOperandKey, type VectorLoop, type VectorOperand, type VectorRow } from '../ir/tree.ts';
import { printExpr, printIndexed, type ExprContext } from './c-expr.ts';
import type { Node } from '../ir/tree.ts';
import { emit, shifted, type Printer } from './print-context.ts';
import { printIndex } from './print-index.ts';

const plus = (base: number): string => (base === 0 ? '' : base > 0 ? ` + ${base}` : ` - ${-base}`);

/**
 * The innermost loop in explicit vectors (passes/vector-windows.ts): passes of `lanes` points
 * from `z_m` to `z_hi`, then the scalar remainder loop for the rest (all of it without
 * AVX-512). Window rows keep vectors a, b, c before, at and after the pass; each offset is one
 * SHIFT of two of them; every load stays inside its row.
 */
export function printVectorLoop(printer: Printer, loop: VectorLoop, depth: number, printNode: (printer: Printer, node: Node, depth: number) => void): void {
  printer.uses.vectors = true;
  const n = (name: string): string => printer.names.c(name);
  const d = n(loop.dim.name);
  // The loop's own bounds: `z_m … z_M`, or a subdomain's (`z_m + 1 … z_M - 1`).
  const [dm, dM, dhi, drest] = [printIndex(loop.lower, printer), printIndex(loop.remainder.upper, printer), n(`${loop.dim.name}_hi`), n(`${loop.dim.name}_rest`)];
  const [vreal, VLOAD, VSTORE, SHIFT] = [n('vreal'), n('VLOAD'), n('VSTORE'), n('SHIFT')];
  const { lanes } = loop;
  const rows = new Map(loop.rows.map((row) => [row.key, row]));
  const row = (key: string): VectorRow => rows.get(key)!;
  const timeText = (r: VectorRow): string | undefined =>
    r.field.isTimeFunction ? printer.expr.timeIndex({ field: r.field, timeOffset: r.timeOffset } as AccessExpr) : undefined;
  const slotText = (r: VectorRow): string => printIndexed(r.field, timeText(r), [], printer.names);
  const prefix = (r: VectorRow): string => printIndexed(r.field, timeText(r), r.outer, printer.names);
  const kernelDims = printer.kernel.grid.dimensions;
  const address = (r: VectorRow, index: string): string => {
    if (r.base === undefined) return `&${prefix(r)}[${index}]`;
    const timeAxes = r.field.isTimeFunction ? 1 : 0;
    const [xShift, yShift] = r.outer as [number, number];
    const yExtent = allocatedExtent(r.field, kernelDims[1]!.axis + timeAxes);
    const zExtent = allocatedExtent(r.field, loop.dim.axis + timeAxes);
    return `&${n(r.base)}[(${xShift}*${yExtent} + ${yShift})*${zExtent} + ${index}]`;
  };
  const at = (r: VectorRow, index: string): string => `${VLOAD}(${address(r, index)})`;
  const operandText = (operand: VectorOperand): string => {
    switch (operand.kind) {
      case 'shared': return n(operand.name);
      case 'load': return at(row(operand.row), `${d}${plus(operand.shift)}`);
      case 'window': {
        const w = operand.window;
        const offset = operand.offset;
        const [a, b, c] = [n(`${w}_a`), n(`${w}_b`), n(`${w}_c`)];
        if (offset === 0) return b;
        // A whole vector away (halo = lanes): the neighbour vector itself (valign counts modulo lanes).
        if (offset === -lanes) return a;
        if (offset === lanes) return c;
        return offset < 0 ? `${SHIFT}(${a}, ${b}, ${lanes + offset})` : `${SHIFT}(${b}, ${c}, ${offset})`;
      }
    }
  };
  const operandOf = (access: AccessExpr, shifts: readonly number[]): VectorOperand => {
    const operand = loop.operands.get(vectorOperandKey(access.field, access.timeOffset, shifts));
    if (!operand) throw new Error(`internal: the vector loop has no operand for ${access.key}`);
    return operand;
  };

  /** One pass of `lanes` points from the loop index: window loads, shared loads, prefetches, the statements. */
  const printPass = (body: number): void => {
    for (const w of loop.windows) {
      const [b, c, next] = [n(`${w.name}_b`), n(`${w.name}_c`), n(`${w.name}_n`)];
      emit(printer, body, `const ${vreal} ${b} = ${at(row(w.row), `${d}${plus(w.base)}`)};`);
      emit(printer, body, `const ${vreal} ${next} = ${at(row(w.row), `${d}${plus(2 * w.base)}`)};`);
      emit(printer, body, `const ${vreal} ${c} = ${SHIFT}(${next}, ${next}, ${lanes - w.base});`);
    }
    for (const s of loop.shared) {
      emit(printer, body, `const ${vreal} ${n(s.name)} = ${at(row(s.row), `${d}${plus(s.shift)}`)}; /* ${prefix(row(s.row))}[${d}${plus(s.shift)}] */`);
    }
    for (const p of loop.prefetches) {
      emit(printer, body, `__builtin_prefetch(${address(row(p.row), `${d}${plus(p.shift)}`)}${p.write ? ', 1' : ''});`);
    }
    // A value that reads no field and no vector temporary is a scalar: C wants it broadcast.
    const vectorTemps = new Set<string>();
    const isVector = (expr: Expr): boolean =>
      expr.kind === 'access' || (expr.kind === 'temp' && vectorTemps.has(expr.name)) || children(expr).some(isVector);
    for (const statement of loop.body) {
      const scalar = shifted(printer, statement.shifts);
      const ctx: ExprContext = { ...scalar, accessText: (access, shifts) => operandText(operandOf(access, shifts)) };
      let value = printExpr(statement.value, ctx);
      if (!isVector(statement.value)) {
        printer.uses.splat = true;
        value = `${n('VSPLAT')}(${value})`;
      }
      if (statement.op === 'define') vectorTemps.add((statement.target as TempExpr).name);
      if (statement.op === 'define') {
        emit(printer, body, `const ${vreal} ${printExpr(statement.target, ctx)} = ${value};`);
      } else {
        const target = statement.target as AccessExpr;
        const store = operandOf(target, pointShifts(target, statement.shifts));
        if (store.kind !== 'load') throw new Error(`internal: the vector loop stores ${target.key} to a register`);
        emit(printer, body, `${VSTORE}(${address(row(store.row), `${d}${plus(store.shift)}`)}, ${value});`);
      }
    }
    for (const w of loop.windows) emit(printer, body, `${n(`${w.name}_a`)} = ${n(`${w.name}_b`)};`);
  };

  emit(printer, depth, `/* ${d} in passes of ${lanes} points, then one point at a time */`);
  emit(printer, 0, '#if defined(__AVX512F__)');
  const subtracted = loop.lower.kind === 'var' ? dm : `(${dm})`;
  emit(printer, depth, `const int ${dhi} = ${dm} + (${dM} - ${subtracted} + 1)/${lanes}*${lanes};`);
  emit(printer, depth, '{');
  const inside = depth + 1;
  const [x, y] = [n(kernelDims[0]!.name), n(kernelDims[1]!.name)];
  for (const base of loop.bases) {
    const key = slotText(row(base.row));
    const name = n(base.name);
    emit(printer, inside, `${printer.real} *restrict ${name} = &${key}[${x}][${y}][0]; /* ${key}[${x} + i][${y} + j][${d} + k] is ${name}[(i*Ny + j)*Nz + ${d} + k] */`);
  }
  // Window rows: a holds the points before the pass (its last `base` lanes are used), b the pass,
  // c the points after it (its first `base` lanes are used). a starts as the row's first points
  // moved up, c is cut from a load ending at the last point.
  const startWindows = (from: string, at0: number): void => {
    for (const w of loop.windows) {
      const a = n(`${w.name}_a`);
      emit(printer, at0, `${vreal} ${a} = ${at(row(w.row), from)}; /* ${prefix(row(w.row))} */`);
      emit(printer, at0, `${a} = ${SHIFT}(${a}, ${a}, ${w.base});`);
    }
  };
  startWindows(dm, inside);
  emit(printer, inside, `for (int ${d} = ${dm}; ${d} < ${dhi}; ${d} += ${lanes})`);
  emit(printer, inside, '{');
  printPass(inside + 1);
  emit(printer, inside, '}');
  if (loop.tail) {
    // The points whole passes leave over: one more pass ending at the last point, overlapping the
    // one before (recomputing its points gives the same values: the body reads nothing it writes).
    emit(printer, inside, `if (${dhi} <= ${dM} && ${dhi} - ${subtracted} >= ${lanes})`);
    emit(printer, inside, '{');
    emit(printer, inside + 1, `const int ${d} = ${dM} - ${lanes - 1};`);
    startWindows(d, inside + 1);
    printPass(inside + 1);
    emit(printer, inside, '}');
  }
  emit(printer, depth, '}');
  if (loop.tail) emit(printer, depth, `const int ${drest} = ${dhi} - ${subtracted} >= ${lanes} ? ${dM} + 1 : ${dhi};`);
  emit(printer, 0, '#else');
  emit(printer, depth, `const int ${loop.tail ? drest : dhi} = ${dm};`);
  if (loop.fallbackSimd) emit(printer, depth, '#pragma omp simd');
  emit(printer, 0, '#endif');
  printNode(printer, loop.remainder, depth);
}
