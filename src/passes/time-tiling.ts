import type { Dimension } from '../dsl/dimension.ts';
import { accessesOf, type AccessExpr, type FieldRef } from '../dsl/expr.ts';
import { stencilSpan } from '../dsl/interpolation.ts';
import { compare, iadd, imax, imin, imul, indexVariables, int, isub, ivar, type IndexExpr } from '../ir/index-expr.ts';
import { slotKey, slotKeyOf } from '../ir/lower.ts';
import type { Expression, Iteration, Node, Section, SparsePoints } from '../ir/tree.ts';
import type { Kernel, Parameter } from '../ir/types.ts';
import { isPlainNest } from '../ir/reduction.ts';
import { isNest, isSection, mapTree, nodesOf, pointStatements, rewriteKernel } from '../ir/visit.ts';

/** Runtime argument names of the tile: steps per tile, and planes per wave. */
export const TIME_TILE_SIZE = 'time_tile_size';
export const waveSizeName = (dim: string): string => `${dim}_wave_size`;

/**
 * Defaults when neither the caller nor the autotuner chose: tiles of 4 steps in waves of 2
 * planes. 256³ on two cores, default 32×32 blocks: spaceOrder 8 3.08 GPts/s (2.3 untiled; the
 * tuned 6 steps in waves of 2 with 2×8 blocks 3.24), spaceOrder 4 5.26 (tuned 5.79).
 */
export const DEFAULT_TIME_TILE = 4;
export const DEFAULT_WAVE = 2;

/** A time step's sections in order, each a nest (with its {@link pointStatements}) or one sparse loop. */
type StepPart =
  | { readonly section: Section; readonly nest: true; readonly statements: readonly Expression[] }
  | { readonly section: Section; readonly nest: false; readonly sparse: SparsePoints };

function partsOf(loop: Iteration): StepPart[] {
  // Sections inside a step guard (an equation on every factor-th step) too: they run in the same order.
  return nodesOf(loop.body, isSection).flatMap((node): StepPart[] => {
    if (isNest(node)) return [{ section: node, nest: true, statements: pointStatements(node.body) }];
    const sparse = node.body.find((n): n is SparsePoints => n.kind === 'sparse');
    return sparse ? [{ section: node, nest: false, sparse }] : [];
  });
}

/** Where a field is written by the loop's nests: its time offsets (0 for a Function). */
function writesOf(parts: readonly StepPart[]): Map<FieldRef, Set<number>> {
  const writes = new Map<FieldRef, Set<number>>();
  for (const part of parts) {
    if (!part.nest) continue;
    for (const statement of part.statements) {
      if (statement.op === 'define') continue;
      const { field, timeOffset } = statement.target as AccessExpr;
      if (!writes.has(field)) writes.set(field, new Set());
      writes.get(field)!.add(timeOffset);
    }
  }
  return writes;
}

/** The plan of a tiled loop: its skew, and where each sparse loop works in a wave. */
export interface TilingPlan {
  readonly skew: number;
  /**
   * Section of each interpolation → its wave shift: a point is sampled in the wave that holds
   * its plane `idx + shift` along x: 1 when it reads data its own step writes (both corner
   * planes must be computed), 0 when it reads an earlier step's.
   */
  readonly waveShifts: ReadonlyMap<number, 0 | 1>;
  /**
   * Sections of the injections that lead the wave: an injection into the data the step before
   * wrote (the adjoint's pattern) adds each corner one skew ahead of the wave, where that step
   * has finished and this one has not read yet (and, in a step's first wave, every plane before).
   */
  readonly leads: ReadonlySet<number>;
}

/**
 * How to tile a loop, or undefined when tiling it would change its results. A step of the tile
 * may read along x only as far as the step before has already computed, and data of its own
 * step only at its own plane:
 * - every store of a nest is at the point itself (offset 0 on every axis);
 * - reads of a field the loop writes, at a time it writes in this step, are at offset 0 along x
 *   (a nest reading another's output of the same step further along x would find it not yet
 *   computed in the wave);
 * - reads of a field the loop writes, at earlier times, reach at most `skew` planes along x;
 * - an injection adds into data a nest before it wrote in this step (each corner is added in
 *   the wave of its plane, after the nest computed it and before the next step reads it; the
 *   corners of one grid point are added in the untiled order), or into the data the step
 *   before wrote, before anything in this step reads it (the adjoint's pattern: each corner is
 *   added one skew ahead of the wave, where the step before has finished and this step has not
 *   read yet, and no interpolation samples that data in the step that writes it); its value
 *   reads no field the loop writes;
 * - an interpolation reads fields the loop writes at offset 0 only: a point is sampled in the
 *   wave of its upper corner plane if it reads data of this step (written by nests before it),
 *   else in the wave of its lower one, when the step before has computed both (skew ≥ 1); no
 *   injection after it adds to the data of this step it reads (its lower plane, in the wave
 *   before, would already hold the addition), and it is the only interpolation into its set.
 * Ring buffers stay safe: the slot a step overwrites was last read by earlier steps of the
 * tile, which lead by at least one skew and have passed the plane (an untiled loop relies on
 * the same slot count).
 */
export function timeTilingPlan(loop: Iteration): TilingPlan | undefined {
  const parts = partsOf(loop);
  // Without a stencil there is nothing to keep in cache between steps.
  if (!parts.some((part) => part.nest)) return undefined;
  // Reductions and increments keep their nests' loops (a tile would reorder their additions).
  if (parts.some((part) => part.nest && !isPlainNest(part.statements))) return undefined;
  const writes = writesOf(parts);
  const sameStep = (access: AccessExpr): boolean => writes.get(access.field)?.has(access.timeOffset) ?? false;
  /** Data the step before wrote: a written field one step back against the loop's direction. */
  const previousStep = (access: AccessExpr): boolean => writes.get(access.field)?.has(access.timeOffset + loop.direction) ?? false;
  let skew = 0;
  const waveShifts = new Map<number, 0 | 1>();
  const leads = new Set<number>();
  /** Fields and times the nests so far have written in this step. */
  const written = new Set<string>();
  /** Fields and times read so far in this step, and those interpolations read of this step's data. */
  const read = new Set<string>();
  const sampled = new Set<string>();
  /** Slots an interpolation earlier in the step read: its stencil spans planes idx and idx + 1. */
  const interpolated = new Set<string>();
  for (const part of parts) {
    if (part.nest) {
      // Statements under a guard at each point (a condition on values) are not seen here: not tiled.
      if (part.statements.length === 0) return undefined;
      for (const statement of part.statements) {
        for (const access of accessesOf(statement.value)) {
          read.add(slotKey(access));
          if (!writes.has(access.field)) continue;
          const reach = Math.abs(access.offsets[0] ?? 0);
          if (sameStep(access)) {
            if (reach !== 0) return undefined;
          } else {
            skew = Math.max(skew, reach);
          }
        }
        if (statement.op !== 'define') {
          const target = statement.target as AccessExpr;
          if (target.offsets.some((offset) => offset !== 0)) return undefined;
          // A later write to what an interpolation read: in the wave before, it would overwrite
          // plane idx + 1 of a point interpolated in the next wave (fuzz seed 100217).
          if (interpolated.has(slotKey(target))) return undefined;
          written.add(slotKey(target));
        }
      }
      continue;
    }
    const block = part.sparse;
    const id = part.section.id;
    // The wave placement below reasons about stencils of the two planes idx and idx + 1 along x
    // (linear, and nearest, which uses one of them); sinc's 2·radius planes would need a skew
    // and wave shifts of their own: such loops stay untiled.
    if (stencilSpan(block.sparse.interpolation).count > 2) return undefined;
    const reads = accessesOf(block.expr).filter((access) => writes.has(access.field));
    if (block.mode === 'inject') {
      if (!block.field || reads.length > 0) return undefined;
      const target = slotKey(block.field);
      if (written.has(target) && !sampled.has(target)) continue;
      if (!previousStep(block.field) || read.has(target) || written.has(target)) return undefined;
      leads.add(id);
      skew = Math.max(skew, 1);
      continue;
    }
    if (reads.some((access) => access.offsets.some((offset) => offset !== 0))) return undefined;
    // One order of points per sparse set (the printer names it after the set).
    if (parts.some((other) => !other.nest && other.sparse !== block && other.sparse.mode === 'interpolate' && other.sparse.sparse === block.sparse)) return undefined;
    const current = reads.filter(sameStep);
    if (current.some((access) => !written.has(slotKey(access)))) return undefined;
    for (const access of reads) {
      read.add(slotKey(access));
      interpolated.add(slotKey(access));
    }
    for (const access of current) sampled.add(slotKey(access));
    waveShifts.set(id, current.length > 0 ? 1 : 0);
    skew = Math.max(skew, 1);
  }
  // A leading injection adds to the data the step before wrote, ahead of the wave: no
  // interpolation may sample that data in the step that writes it.
  for (const part of parts) {
    if (part.nest || !leads.has(part.section.id)) continue;
    const field = part.sparse.field!;
    if (sampled.has(slotKeyOf(field.field, field.timeOffset + loop.direction))) return undefined;
  }
  return { skew, waveShifts, leads };
}

/**
 * Time tiling (temporal blocking) of 3D time loops. Untiled, every step streams the whole grid
 * through memory. Tiled, `time_tile_size` steps advance together along x in waves of
 * `x_wave_size` planes, each step `skew` planes (the stencil's reach along x) behind the one
 * before: when a step computes its planes, the planes of the step before that it reads are
 * computed and still in cache, and each tile moves the fields through memory once instead of
 * once per step. Each step still covers the whole y–z extent of its planes with the nest's own
 * blocks, jam and vector loops, and every point is computed from the same values with the same
 * operations in the same order: results are bitwise those of the untiled loop, for any tile
 * sizes and thread counts. Both sizes are runtime arguments (`time_tile_size` 1 is the untiled
 * order); `apply({ autotune: true })` picks them with the block sizes. Sources and receivers
 * (injections after the update they add to, interpolations) are handled in the wave of their
 * planes. Loops that do not qualify (see `timeTilingPlan`) and 1D and 2D kernels stay untiled.
 */
export function timeTiling(kernel: Kernel): Kernel {
  // Under MPI every step needs fresh halos from the neighbours, which a tile's later steps would
  // have to compute themselves (deeper halos, redundant points): tiles stay within one process.
  if (kernel.grid.ndim !== 3 || kernel.mpi !== undefined) return kernel;
  const x = kernel.grid.dimensions[0]!;
  const next = rewriteKernel(kernel, (node) => {
    if (node.kind !== 'iteration' || node.role !== 'time') return undefined;
    const plan = timeTilingPlan(node);
    return plan === undefined ? [node] : tileTimeLoop(node, plan, x);
  });
  if (next === kernel) return kernel;
  const sizes: Parameter[] = [
    { kind: 'blockSize', name: TIME_TILE_SIZE, dim: kernel.grid.time, role: 'timeTile', defaultSize: DEFAULT_TIME_TILE },
    { kind: 'blockSize', name: waveSizeName(x.name), dim: x, role: 'wave', defaultSize: DEFAULT_WAVE },
  ];
  const at = kernel.parameters.findIndex((p) => p.kind === 'nthreads');
  return { ...next, parameters: [...kernel.parameters.slice(0, at), ...sizes, ...kernel.parameters.slice(at)] };
}

/**
 * A sparse loop inside a tile step: an interpolation visits the points its wave order places in
 * this wave (the order is made before the loop); an injection adds only the corners in the
 * wave's planes, or one skew ahead of them when it leads.
 */
function placeInWave(points: SparsePoints, id: number, plan: TilingPlan, dim: Dimension, orders: Node[], frees: Node[]): SparsePoints {
  const d = dim.name;
  const waveM = ivar(`${d}_wave_m`);
  const waveUpper = ivar(`${d}_wave_M`);
  if (points.mode === 'interpolate') {
    orders.push({ kind: 'waveOrder', sparse: points.sparse, dim, shift: plan.waveShifts.get(id) ?? 0 });
    frees.push({ kind: 'free', sparse: points.sparse });
    return { ...points, wave: { dim, lower: waveM, upper: waveUpper } };
  }
  if (!plan.leads.has(id)) return { ...points, planes: { dim, lower: waveM, upper: waveUpper } };
  const lower: IndexExpr = { kind: 'select', condition: compare('==', waveM, `${d}_m`), a: ivar(`${d}_m`), b: iadd(waveM, plan.skew) };
  return { ...points, planes: { dim, lower, upper: iadd(waveUpper, plan.skew) } };
}

/**
 * A bound of a loop along x inside a wave: the wave's bound where the loop spans the grid (`x_m`,
 * `x_M`, or a block's bound built on them), else the loop's own bound clipped to the wave (a
 * subdomain's `x_m + 1` becomes `MAX(x_wave_m, x_m + 1)`; a block's point loop's `MIN(bound, block end)` clips
 * its first operand), so every point is still computed once
 * per step, in the wave of its plane.
 */
function clipToWave(bound: IndexExpr, d: string, end: 'm' | 'M'): IndexExpr {
  const own = `${d}_${end}`;
  if (bound.kind === 'var' && bound.name === own) return ivar(`${d}_wave_${end}`);
  // A block's point loop stops at MIN(the nest's bound, the block's end).
  if (bound.kind === 'min' && end === 'M') return { ...bound, a: clipToWave(bound.a, d, end) };
  if (!indexVariables(bound).has(`${d}_m`) && !indexVariables(bound).has(`${d}_M`)) return bound;
  return end === 'm' ? imax(`${d}_wave_m`, bound) : imin(`${d}_wave_M`, bound);
}

/**
 * time → time tiles ⊃ waves along x ⊃ the steps of the tile, each computing the wave's planes
 * `skew` behind the step before; the receivers' wave orders are made before the loop.
 */
function tileTimeLoop(loop: Iteration, plan: TilingPlan, x: Dimension): Node[] {
  const d = x.name;
  const { skew } = plan;
  const waveM = `${d}_wave_m`;
  const waveUpper = `${d}_wave_M`;
  const waveSize = waveSizeName(d);
  const forward = loop.direction === 1;
  const orders: Node[] = [];
  const frees: Node[] = [];
  const step = mapTree(loop.body, (node) => {
    if (node.kind === 'iteration' && node.dim?.name === d && (node.role === 'space' || node.role === 'block')) {
      return { ...node, lower: node.lower && clipToWave(node.lower, d, 'm'), upper: clipToWave(node.upper, d, 'M') };
    }
    if (node.kind === 'section' && !isNest(node)) {
      return { ...node, body: node.body.map((n) => (n.kind === 'sparse' ? placeInWave(n, node.id, plan, x, orders, frees) : n)) };
    }
    return node;
  });
  const definition = (name: string, value: IndexExpr): Node => ({ kind: 'index', name, value, mutable: false, slot: undefined });
  // Each step of a tile lags the one before by `skew` planes.
  const lag = imul(-skew, 'tile_step');
  const tileStep: Iteration = {
    kind: 'iteration', index: 'tile_step', role: 'tileStep', dim: undefined, lower: int(0), upper: ivar('tile_steps'), exclusive: true,
    direction: 1, step: int(1), parallel: undefined, simd: false, jam: 1,
    body: [
      definition('time', forward ? iadd('time_tile', 'tile_step') : isub('time_tile', 'tile_step')),
      definition(waveM, imax(`${d}_m`, iadd(`${d}_wave`, lag))),
      definition(waveUpper, imin(`${d}_M`, iadd(`${d}_wave`, waveSize, -1, lag))),
      { kind: 'guard', condition: compare('>', waveM, waveUpper), body: [{ kind: 'continue' }] },
      ...step,
    ],
  };
  const wave: Iteration = {
    kind: 'iteration', index: `${d}_wave`, role: 'wave', dim: undefined, lower: ivar(`${d}_m`),
    // Kept a product even for skew 1: the IR says the skew.
    upper: skew === 0 ? ivar(`${d}_M`) : iadd(`${d}_M`, { kind: 'mul', factors: [int(skew), iadd('tile_steps', -1)] }), exclusive: false,
    direction: 1, step: ivar(waveSize), parallel: undefined, simd: false, jam: 1, body: [tileStep],
  };
  const remaining = forward ? iadd(isub('time_M', 'time_tile'), 1) : iadd(isub('time_tile', 'time_m'), 1);
  const tiles: Iteration = {
    kind: 'iteration', index: 'time_tile', role: 'timeTile', dim: loop.dim, lower: ivar('time_m'), upper: ivar('time_M'), exclusive: false,
    direction: loop.direction, step: ivar(TIME_TILE_SIZE), parallel: undefined, simd: false, jam: 1,
    body: [definition('tile_steps', imin(TIME_TILE_SIZE, remaining)), wave],
  };
  const comment: Node = {
    kind: 'comment',
    lines: [
      `Time tiles of ${TIME_TILE_SIZE} steps. A wave of ${waveSize} planes moves along ${d}; each step of a tile`,
      `   computes the wave's planes ${skew} behind the step before (the farthest it reads along ${d}), so the`,
      '   planes it reads were just computed and are still in cache.',
    ],
  };
  return [...orders, comment, tiles, ...frees];
}
