/**
 * Sparse operations of the reference (see reference.ts): injection and interpolation with the
 * multilinear weights and point location rule of the generated C.
 */
import { spacingOf, type Statement } from './program.ts';
import type { Evaluator, Val } from './reference.ts';
import { opsOf } from './reference.ts';

interface Located {
  /** Lower corner index per axis. */
  readonly idx: number[];
  readonly frac: number[];
  /**
   * Bound on the weight change from locating the point in the kernel's precision: a float32
   * kernel divides by a float32 spacing, so pos moves by about |pos|·u and a point within that
   * of a grid line may fall in the neighbouring cell (with a weight no larger than that).
   */
  readonly weightUncertainty: number;
  /** Per axis, every index a correct kernel may give weight to (the two corners, plus a neighbour near a grid line). */
  readonly candidates: number[][];
}

function locate(ev: Evaluator, coordinates: readonly number[]): Located {
  const { program } = ev;
  const idx: number[] = [];
  const frac: number[] = [];
  const candidates: number[][] = [];
  let uncertainty = 0;
  coordinates.forEach((c, a) => {
    const pos = (c - program.origin[a]!) / spacingOf(program, a);
    const last = program.shape[a]! - 1;
    const i = pos >= last ? last - 1 : Math.floor(pos);
    const f = pos - i;
    const delta = 8 * ev.u * (Math.abs(pos) + 2);
    uncertainty += delta;
    const near = [i, i + 1];
    if (f < delta && i >= 1) near.push(i - 1);
    if (f > 1 - delta && i + 2 <= last) near.push(i + 2);
    idx.push(i); frac.push(f); candidates.push(near);
  });
  return { idx, frac, weightUncertainty: uncertainty, candidates };
}

/** Every combination of per-axis candidates, with the multilinear weight (0 off the two corners). */
function corners(loc: Located): { point: number[]; weight: number }[] {
  let out: { point: number[]; weight: number }[] = [{ point: [], weight: 1 }];
  loc.candidates.forEach((cands, a) => {
    out = out.flatMap(({ point, weight }) => cands.map((i) => {
      const w = i === loc.idx[a] ? 1 - loc.frac[a]! : i === loc.idx[a]! + 1 ? loc.frac[a]! : 0;
      return { point: [...point, i], weight: weight * w };
    }));
  });
  return out;
}

export function sparseStatement(ev: Evaluator, s: Exclude<Statement, { kind: 'eq' }>, t: number): void {
  const spec = ev.program.sparses.find((x) => x.name === s.sparse)!;
  const npoint = spec.coordinates.length;
  const ops = opsOf(s.expr) + 2 * ev.program.shape.length + 4;
  for (let p = 0; p < npoint; p++) {
    ev.point = p;
    const loc = locate(ev, spec.coordinates[p]!);
    const all = corners(loc);
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
      const k = t * npoint + p;
      data.v[k] = v;
      data.e[k] = e + ev.u * (ops * m + Math.abs(v));
    }
  }
}
