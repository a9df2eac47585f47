/**
 * The comparison rule. A kernel value `got` matches the reference value `ref` when
 *
 *     |got − ref| ≤ SAFETY · E + TINY
 *
 * where E is the reference's running error bound for that value (reference.ts): the errors of
 * the values it was computed from, propagated through every operation (|b|·e_a + |a|·e_b for a
 * product, Σ|w_i|·e_i for a stencil, …), plus u · (n · M + |value|) for its own computation,
 * with u the unit roundoff of the dtype (2⁻²⁴ or 2⁻⁵³), n the rounding operations on the longest
 * path of the expression, and M the expression evaluated on absolute values (the sum of the
 * magnitudes of the terms that built the value: cancellation does not shrink it). This is the
 * classical forward error bound of any evaluation order, so reassociation, factorisation, FMA
 * contraction and vectorisation all stay inside it, while a wrong stencil weight, offset, slot,
 * order of equations or point location exceeds it. SAFETY covers the second-order terms the
 * first-order bound leaves out; TINY absorbs subnormal underflow.
 */
import type { ReferenceResult, Slab } from './reference.ts';

export const SAFETY = 4;
export const TINY = 1e-30;

export interface Mismatch {
  readonly array: string;
  /** Dense index into the array (slots first for TimeFunctions). */
  readonly index: number;
  readonly got: number;
  readonly expected: number;
  readonly tolerance: number;
}

/** Flattens the reference's slabs of a field into one dense array, slots first. */
function dense(slabs: readonly Slab[]): Slab {
  const size = slabs[0]!.v.length;
  const v = new Float64Array(size * slabs.length);
  const e = new Float64Array(size * slabs.length);
  slabs.forEach((s, i) => { v.set(s.v, i * size); e.set(s.e, i * size); });
  return { v, e };
}

/** Mismatches of one array (at most `limit` reported, the first ones). */
export function compareArray(array: string, got: ArrayLike<number>, ref: Slab, limit = 3): Mismatch[] {
  const out: Mismatch[] = [];
  if (got.length !== ref.v.length) return [{ array: `${array} (length ${got.length} vs ${ref.v.length})`, index: -1, got: NaN, expected: NaN, tolerance: 0 }];
  for (let i = 0; i < got.length && out.length < limit; i++) {
    const tolerance = SAFETY * ref.e[i]! + TINY;
    const g = got[i]!;
    const r = ref.v[i]!;
    // NaN never passes: `!(x <= t)` is true for NaN.
    if (!(Math.abs(g - r) <= tolerance)) out.push({ array, index: i, got: g, expected: r, tolerance });
  }
  return out;
}

/** Every mismatch between a kernel's results and the reference (fields, then sparse arrays). */
export function compareResults(got: { fields: Map<string, Float64Array>; sparses: Map<string, Float64Array> }, ref: ReferenceResult): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [name, slabs] of ref.fields) out.push(...compareArray(name, got.fields.get(name)!, dense(slabs)));
  for (const [name, slab] of ref.sparses) out.push(...compareArray(name, got.sparses.get(name)!, slab));
  return out;
}

/** Largest |value| of the reference (programs whose values explode are not meaningful tests). */
export function largestMagnitude(ref: ReferenceResult): number {
  let max = 0;
  const visit = (v: Float64Array): void => { for (const x of v) max = Number.isFinite(x) ? Math.max(max, Math.abs(x)) : Infinity; };
  for (const slabs of ref.fields.values()) slabs.forEach((s) => visit(s.v));
  for (const s of ref.sparses.values()) visit(s.v);
  return max;
}
