/**
 * Sparse operations of the reference (see reference.ts): injection and interpolation with the
 * weights (linear, nearest, Kaiser-windowed sinc) and point location rule of the generated C,
 * written from their definitions (Hicks 2002 for sinc) without the compiler's code.
 */
import { spacingOf, type SparseSpec, type Statement } from './program.ts';
import type { Evaluator, Val } from './reference.ts';
import { opsOf } from './reference.ts';

/** Flat index of a sparse function's sample at time t (a SparseFunction has one per point). */
export const sampleIndex = (spec: SparseSpec, t: number, point: number): number => (spec.nt === undefined ? 0 : t) * spec.coordinates.length + point;

/** Hicks (2002), Table 1: the Kaiser window parameter b of each sinc radius. */
const HICKS_B: Readonly<Record<number, number>> = { 2: 2.94, 3: 4.53, 4: 4.14, 5: 5.26, 6: 6.4, 7: 7.51, 8: 8.56, 9: 9.56, 10: 10.64 };
/** Bound on |d/dd| of a sinc weight over radii 2–10 (measured: 1.39), for the location uncertainty. */
const SINC_SLOPE = 1.5;

function besselI0(x: number): number {
  let [sum, term] = [1, 1];
  for (let k = 1; k < 60; k++) sum += term *= (x * x) / (4 * k * k);
  return sum;
}

/** sinc(d) in a Kaiser window of radius r (0 from |d| = r on). */
function sincWeight(d: number, r: number): number {
  if (Math.abs(d) >= r) return 0;
  const sinc = d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
  return (sinc * besselI0(HICKS_B[r]! * Math.sqrt(1 - (d / r) ** 2))) / besselI0(HICKS_B[r]!);
}

interface Located {
  /**
   * Bound on each stencil weight's change from locating the point in the kernel's precision: a
   * float32 kernel divides by a float32 spacing, so pos moves by about |pos|·u and a point within
   * that of a grid line may fall in the neighbouring cell (with a weight no larger than that).
   */
  readonly weightUncertainty: number;
  /** Per axis, every index a correct kernel may give weight to, with the reference's weight. */
  readonly candidates: { readonly index: number; readonly weight: number }[][];
}

function locate(ev: Evaluator, spec: SparseSpec, coordinates: readonly number[]): Located {
  const { program } = ev;
  const candidates: Located['candidates'] = [];
  let uncertainty = 0;
  coordinates.forEach((c, a) => {
    const pos = (c - program.origin[a]!) / spacingOf(program, a);
    const last = program.shape[a]! - 1;
    const i = pos >= last ? last - 1 : Math.floor(pos);
    const f = pos - i;
    const delta = 8 * ev.u * (Math.abs(pos) + 2);
    const axis: { index: number; weight: number }[] = [];
    if (spec.interpolation === 'linear') {
      uncertainty += delta;
      axis.push({ index: i, weight: 1 - f }, { index: i + 1, weight: f });
      if (f < delta && i >= 1) axis.push({ index: i - 1, weight: 0 });
      if (f > 1 - delta && i + 2 <= last) axis.push({ index: i + 2, weight: 0 });
    } else if (spec.interpolation === 'nearest') {
      // Weight 1 on the nearest point; near halfway, the kernel may pick the other one.
      const upper = f >= 0.5;
      axis.push({ index: i, weight: upper ? 0 : 1 }, { index: i + 1, weight: upper ? 1 : 0 });
      if (Math.abs(f - 0.5) <= delta) uncertainty += 1;
    } else {
      // Sinc weights are continuous in pos (0 at distance radius), so a shifted cell changes them by slope·delta.
      const r = spec.radius!;
      uncertainty += SINC_SLOPE * delta;
      for (let k = i - r; k <= i + r + 1; k++) if (k >= 0 && k <= last) axis.push({ index: k, weight: sincWeight(pos - k, r) });
    }
    candidates.push(axis);
  });
  // The kernel's own weight arithmetic (double, stored in the kernel's precision).
  if (spec.interpolation === 'sinc') uncertainty += 64 * 2 ** -53 + 2 * coordinates.length * ev.u;
  return { weightUncertainty: uncertainty, candidates };
}

/** Every combination of per-axis candidates, with the product weight. */
function corners(loc: Located): { point: number[]; weight: number }[] {
  let out: { point: number[]; weight: number }[] = [{ point: [], weight: 1 }];
  for (const axis of loc.candidates) {
    out = out.flatMap(({ point, weight }) => axis.map((c) => ({ point: [...point, c.index], weight: weight * c.weight })));
  }
  return out;
}

export function sparseStatement(ev: Evaluator, s: Exclude<Statement, { kind: 'eq' }>, t: number): void {
  const spec = ev.program.sparses.find((x) => x.name === s.sparse)!;
  const npoint = spec.coordinates.length;
  const ops = opsOf(s.expr) + 2 * ev.program.shape.length + 4;
  for (let p = 0; p < npoint; p++) {
    ev.point = p;
    const loc = locate(ev, spec, spec.coordinates[p]!);
    const all = corners(loc);
    // An interpolation sums its stencil's terms one by one: each sum rounds.
    const opsHere = s.kind === 'interpolate' ? ops + all.length : ops;
    if (s.kind === 'inject') {
      for (const { point, weight } of all) {
        const x: Val = ev.eval(s.expr, point, t);
        const slab = ev.slab(s.target, t + s.time);
        const k = ev.flat(point);
        const old = slab.v[k]!;
        const v = old + weight * x.v;
        slab.v[k] = v;
        slab.e[k] = slab.e[k]! + Math.abs(weight) * x.e + loc.weightUncertainty * x.m
          + ev.u * (ops * (Math.abs(old) + Math.abs(weight) * x.m) + Math.abs(v));
      }
    } else {
      let v = 0; let e = 0; let m = 0;
      for (const { point, weight } of all) {
        const x: Val = ev.eval(s.expr, point, t);
        v += weight * x.v;
        e += Math.abs(weight) * x.e + loc.weightUncertainty * x.m;
        m += Math.abs(weight) * x.m;
      }
      const data = ev.sparses.get(s.sparse)!;
      const k = sampleIndex(spec, t, p);
      data.v[k] = v;
      data.e[k] = e + ev.u * (opsHere * m + Math.abs(v));
    }
  }
}
