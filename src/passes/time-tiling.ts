import { accessesOf, type AccessExpr, type FieldRef } from '../dsl/expr.ts';
import { slotKey, slotKeyOf } from '../ir/lower.ts';
import type { Block, Kernel, Parameter, TimeLoop } from '../ir/types.ts';

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

/** Where a field is written by the loop's nests: its time offsets (0 for a Function). */
function writesOf(loop: TimeLoop): Map<FieldRef, Set<number>> {
  const writes = new Map<FieldRef, Set<number>>();
  for (const block of loop.body) {
    if (block.kind !== 'spaceNest') continue;
    for (const statement of block.body) {
      if (statement.kind !== 'assign') continue;
      const { field, timeOffset } = statement.target;
      if (!writes.has(field)) writes.set(field, new Set());
      writes.get(field)!.add(timeOffset);
    }
  }
  return writes;
}

/** The plan of a tiled loop: its skew, and where each sparse loop works in a wave. */
export interface TilingPlan {
  readonly skew: number;
  /** Section of each interpolation → its wave shift (see `SparseLoop.waveShift`). */
  readonly waveShifts: ReadonlyMap<number, 0 | 1>;
  /** Sections of the injections that lead the wave (see `SparseLoop.waveLead`). */
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
export function timeTilingPlan(loop: TimeLoop): TilingPlan | undefined {
  // Without a stencil there is nothing to keep in cache between steps.
  if (!loop.body.some((block) => block.kind === 'spaceNest')) return undefined;
  const writes = writesOf(loop);
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
  for (const block of loop.body) {
    if (block.kind === 'spaceNest') {
      for (const statement of block.body) {
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
        if (statement.kind === 'assign') {
          if (statement.target.offsets.some((offset) => offset !== 0)) return undefined;
          written.add(slotKey(statement.target));
        }
      }
      continue;
    }
    const reads = accessesOf(block.expr).filter((access) => writes.has(access.field));
    if (block.mode === 'inject') {
      if (!block.field || reads.length > 0) return undefined;
      const target = slotKey(block.field);
      if (written.has(target) && !sampled.has(target)) continue;
      if (!previousStep(block.field) || read.has(target) || written.has(target)) return undefined;
      leads.add(block.section);
      skew = Math.max(skew, 1);
      continue;
    }
    if (reads.some((access) => access.offsets.some((offset) => offset !== 0))) return undefined;
    // One order of points per sparse set (the printer names it after the set).
    if (loop.body.some((other) => other !== block && other.kind === 'sparseLoop' && other.mode === 'interpolate' && other.sparse === block.sparse)) return undefined;
    const current = reads.filter(sameStep);
    if (current.some((access) => !written.has(slotKey(access)))) return undefined;
    for (const access of reads) read.add(slotKey(access));
    for (const access of current) sampled.add(slotKey(access));
    waveShifts.set(block.section, current.length > 0 ? 1 : 0);
    skew = Math.max(skew, 1);
  }
  // A leading injection adds to the data the step before wrote, ahead of the wave: no
  // interpolation may sample that data in the step that writes it.
  for (const block of loop.body) {
    if (block.kind !== 'sparseLoop' || !leads.has(block.section)) continue;
    if (sampled.has(slotKeyOf(block.field!.field, block.field!.timeOffset + loop.direction))) return undefined;
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
  if (kernel.grid.ndim !== 3) return kernel;
  let tiled = false;
  const body = kernel.body.map((block): Block => {
    if (block.kind !== 'timeLoop' || block.tiling) return block;
    const plan = timeTilingPlan(block);
    if (plan === undefined) return block;
    tiled = true;
    const body = block.body.map((inner) => {
      if (inner.kind !== 'sparseLoop') return inner;
      if (plan.waveShifts.has(inner.section)) return { ...inner, waveShift: plan.waveShifts.get(inner.section)! };
      return plan.leads.has(inner.section) ? { ...inner, waveLead: true } : inner;
    });
    return { ...block, body, tiling: { dim: kernel.grid.dimensions[0]!, skew: plan.skew } };
  });
  if (!tiled) return kernel;
  const x = kernel.grid.dimensions[0]!;
  const sizes: Parameter[] = [
    { kind: 'blockSize', name: TIME_TILE_SIZE, dim: kernel.grid.time, role: 'timeTile', defaultSize: DEFAULT_TIME_TILE },
    { kind: 'blockSize', name: waveSizeName(x.name), dim: x, role: 'wave', defaultSize: DEFAULT_WAVE },
  ];
  const at = kernel.parameters.findIndex((p) => p.kind === 'nthreads');
  return { ...kernel, body, parameters: [...kernel.parameters.slice(0, at), ...sizes, ...kernel.parameters.slice(at)] };
}
