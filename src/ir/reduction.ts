import type { Dimension } from '../dsl/dimension.ts';
import { accessesOf, type AccessExpr, type FieldRef } from '../dsl/expr.ts';
import type { Expression } from './tree.ts';
import type { LoweredEq } from './types.ts';

/*
 * Reductions: writes into a field that lacks some of the loops' dimensions (a `Function` over
 * fewer dimensions than the grid). Every point of a missing dimension writes the same element,
 * so loops along it race when run in parallel. They run in order on one thread instead, inside
 * the loops along the target's own dimensions, which stay parallel: each element then receives
 * its additions in the order of the serial loop, whatever the thread count (an OpenMP reduction
 * or per-thread partial sums would change the rounding with the thread count).
 */

/** The grid dimensions `field` lacks (in grid order): loops along them write its elements again and again. */
export function missingDimensions(field: FieldRef): Dimension[] {
  return field.grid.dimensions.filter((dim) => !field.dimensions.includes(dim));
}

/** Whether writing `field` inside a loop nest over the grid is a reduction (it lacks a grid dimension). */
export function isReduced(field: FieldRef): boolean {
  return field.dimensions.length < field.grid.dimensions.length;
}

/** The grid dimensions (by name) some written target of `statements` lacks: loops along them must run in order. */
export function racingDimensions(statements: readonly Expression[]): Set<string> {
  const racing = new Set<string>();
  for (const statement of statements) {
    if (statement.op === 'define') continue;
    for (const dim of missingDimensions((statement.target as AccessExpr).field)) racing.add(dim.name);
  }
  return racing;
}

/**
 * Whether the stencil passes (blocking, unroll-and-jam, vector windows, time tiling) may
 * transform a nest: nothing is incremented and every access spans the whole grid. Other nests
 * keep their loops as built (parallel and simd loops aside).
 */
export function isPlainNest(statements: readonly Expression[]): boolean {
  return statements.every((statement) => {
    if (statement.op === 'increment') return false;
    const accesses = accessesOf(statement.value, statement.op === 'define' ? [] : [statement.target as AccessExpr]);
    return accesses.every((access) => !isReduced(access.field));
  });
}

/** The loop order of a cluster's nest: the targets' own dimensions outside, the racing ones inside (each in grid order). */
export function nestDimensions(dims: readonly Dimension[], cluster: readonly LoweredEq[]): Dimension[] {
  const racing = new Set(cluster.flatMap((eq) => missingDimensions(eq.target.field)));
  return [...dims.filter((dim) => !racing.has(dim)), ...dims.filter((dim) => racing.has(dim))];
}
