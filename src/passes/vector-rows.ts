import type { AccessExpr, FieldRef } from '../dsl/expr.ts';
import { accessesOf } from '../dsl/expr.ts';
import { ivar, type IndexExpr } from '../ir/index-expr.ts';
import { slotKey } from '../ir/lower.ts';
import { pointShifts, vectorOperandKey, type Expression, type Iteration, type VectorLoop, type VectorOperand, type VectorRow } from '../ir/tree.ts';

/** A row of a field along the innermost axis while the vector loop is planned. */
interface RowPlan {
  readonly key: string;
  readonly field: FieldRef;
  readonly timeOffset: number;
  /** The field slot (field at one time offset): rows of one slot share a base pointer. */
  readonly slot: string;
  readonly outer: readonly number[];
  /** Every index shift along the innermost axis the body touches (stores too, with no reader) → the jammed copies that read it. */
  readonly readers: Map<number, Set<number>>;
  stored: boolean;
}

/** Every row the jammed copies of the body touch, in first-touch order, keyed by slot and outer shifts. */
function collectRows(body: readonly Expression[], jamDim: string, lastAxis: number): Map<string, RowPlan> {
  const rows = new Map<string, RowPlan>();
  const visit = (access: AccessExpr, shifts: Readonly<Record<string, number>>, stored: boolean): void => {
    const all = pointShifts(access, shifts);
    const outer = all.slice(0, lastAxis);
    const shift = all[lastAxis]!;
    const key = `${slotKey(access)}|${outer.join(',')}`;
    let row = rows.get(key);
    if (!row) {
      row = { key, field: access.field, timeOffset: access.timeOffset, slot: slotKey(access), outer, readers: new Map(), stored };
      rows.set(key, row);
    }
    if (!row.readers.has(shift)) row.readers.set(shift, new Set());
    if (!stored) row.readers.get(shift)!.add(shifts[jamDim] ?? 0);
    row.stored ||= stored;
  };
  for (const statement of body) {
    for (const access of accessesOf(statement.value)) visit(access, statement.shifts, false);
    if (statement.op !== 'define') visit(statement.target as AccessExpr, statement.shifts, true);
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
function prefetchedRows(rows: ReadonlyMap<string, RowPlan>): RowPlan[] {
  const groups = new Map<string, RowPlan[]>();
  for (const row of rows.values()) groups.set(row.slot, [...(groups.get(row.slot) ?? []), row]);
  const chosen: RowPlan[] = [];
  for (const group of groups.values()) {
    const columns = new Map<number, RowPlan[]>();
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

/**
 * The innermost loop `loop` as a vector loop (see passes/vector-windows.ts): which rows are
 * windows, which loads several jammed copies share, which rows are prefetched, which base
 * pointers address them, and what every access of the body becomes.
 */
export function vectorLoopOf(loop: Iteration, jamDim: string, lanes: number, fixedStrides: boolean, prefetch: boolean): VectorLoop {
  const dim = loop.dim!;
  const body = loop.body as readonly Expression[];
  const lastAxis = dim.axis;
  const rows = collectRows(body, jamDim, lastAxis);
  /** Index shift of the row's interior start (its halo): where the middle vector of a window loads. */
  const baseOf = (row: RowPlan): number => row.field.halo[lastAxis]!;
  // A row read at several offsets keeps three vectors (a, b, c) and shifts them. Rows the nest
  // stores to are loaded where they are read, after the stores before them. A window reaches
  // `base` points (the halo) either way, so the halo must fit in one vector. Every shift already
  // lies in [0, 2·base]: it is offset + halo, and lowering (checkHalo) rejects offsets beyond the halo.
  const windowOf = new Map<RowPlan, string>();
  for (const row of rows.values()) {
    if (!row.stored && row.readers.size > 1 && baseOf(row) <= lanes) windowOf.set(row, `w${windowOf.size}`);
  }
  // Rows read by several jammed copies at the same offset: gcc does not share such loads across
  // the stores between the copies, so they are loaded once, at the top of each pass, before them.
  const sharedOf = new Map<RowPlan, Map<number, string>>();
  let sharedCount = 0;
  for (const row of rows.values()) {
    if (row.stored || windowOf.has(row)) continue;
    for (const [shift, readers] of row.readers) {
      if (readers.size <= 1) continue;
      if (!sharedOf.has(row)) sharedOf.set(row, new Map());
      sharedOf.get(row)!.set(shift, `v${sharedCount++}`);
    }
  }
  const prefetched = prefetch ? prefetchedRows(rows) : [];
  // With compile-time strides (3D), every row of a field slot is addressed from one base pointer
  // with a constant offset: left to itself, gcc keeps a pointer per row (dozens for a jammed
  // stencil) and spills them. Bases are numbered in the order the loop first addresses them.
  const baseNames = new Map<string, string>();
  if (fixedStrides) {
    for (const row of [...windowOf.keys(), ...sharedOf.keys(), ...prefetched, ...rows.values()]) {
      if (!baseNames.has(row.slot)) baseNames.set(row.slot, `base${baseNames.size}`);
    }
  }
  const operands = new Map<string, VectorOperand>();
  const operandOf = (access: AccessExpr, shifts: Readonly<Record<string, number>>): VectorOperand => {
    const all = pointShifts(access, shifts);
    const row = rows.get(`${slotKey(access)}|${all.slice(0, lastAxis).join(',')}`)!;
    const shift = all[lastAxis]!;
    const shared = sharedOf.get(row)?.get(shift);
    if (shared) return { kind: 'shared', name: shared };
    const window = windowOf.get(row);
    if (window) return { kind: 'window', window, offset: shift - baseOf(row) };
    return { kind: 'load', row: row.key, shift };
  };
  for (const statement of body) {
    const targets = statement.op === 'define' ? [] : [statement.target as AccessExpr];
    for (const access of [...accessesOf(statement.value), ...targets]) {
      operands.set(vectorOperandKey(access.field, access.timeOffset, pointShifts(access, statement.shifts)), operandOf(access, statement.shifts));
    }
  }
  const vectorRows: VectorRow[] = [...rows.values()].map((row) => ({
    key: row.key, field: row.field, timeOffset: row.timeOffset, outer: row.outer, base: baseNames.get(row.slot),
  }));
  // A subdomain's loop (not z_m … z_M) ends its row with an overlapping pass where recomputing is harmless.
  const written = new Set(body.flatMap((s) => (s.op === 'define' ? [] : [slotKey(s.target as AccessExpr)])));
  const isVar = (bound: IndexExpr | undefined, name: string): boolean => bound?.kind === 'var' && bound.name === name;
  const restricted = !isVar(loop.lower, `${dim.name}_m`) || !isVar(loop.upper, `${dim.name}_M`);
  const tail = restricted && body.every((s) => accessesOf(s.value).every((access) => !written.has(slotKey(access))));
  const firstRowOf = (slot: string): string => [...rows.values()].find((row) => row.slot === slot)!.key;
  return {
    kind: 'vector',
    dim,
    lower: loop.lower!,
    lanes,
    rows: vectorRows,
    bases: [...baseNames].map(([slot, name]) => ({ name, row: firstRowOf(slot) })),
    windows: [...windowOf].map(([row, name]) => ({ name, row: row.key, base: baseOf(row) })),
    shared: [...sharedOf].flatMap(([row, byShift]) => [...byShift].map(([shift, name]) => ({ name, row: row.key, shift }))),
    prefetches: prefetched.map((row) => ({ row: row.key, shift: baseOf(row) + 4 * lanes, write: row.stored })),
    body,
    operands,
    // The scalar loop after the vector loop does fewer points than a vector holds: gcc's own
    // vectorisation of it (omp simd) cost compile time for nothing (<GCC_TAIL>). Without
    // AVX-512 the scalar loop does the whole row, and is the simd loop.
    remainder: { ...loop, lower: ivar(`${dim.name}_${tail ? 'rest' : 'hi'}`), simd: false },
    tail,
    fallbackSimd: loop.simd,
  };
}
