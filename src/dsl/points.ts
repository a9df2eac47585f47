import { ShapeError } from '../errors.ts';

/** Point coordinates as users give them: nested rows `[[x, z], …]` or one flat row-major list. */
export type PointsLike = ArrayLike<number> | readonly (readonly number[])[];

/** Points → a flat row-major list; a nested row of the wrong length throws, naming `what` and `owner` ("the grid"). */
export function flattenPoints(points: PointsLike, ndim: number, what: string, owner: string): number[] {
  const rows = points as ArrayLike<unknown>;
  const flat: number[] = [];
  if (rows.length > 0 && Array.isArray(rows[0])) {
    for (let p = 0; p < rows.length; p++) {
      const row = rows[p];
      if (!Array.isArray(row) || row.length !== ndim) {
        throw new ShapeError(`${what}: point ${p} has ${Array.isArray(row) ? row.length : 0} coordinates; ${owner} has ${ndim} dimensions`);
      }
      flat.push(...(row as number[]));
    }
  } else {
    for (let i = 0; i < rows.length; i++) flat.push(rows[i] as number);
  }
  return flat;
}

/** The first coordinate of a flat point list that is not finite or lies outside `[lo_d, hi_d]`, if any. */
export function firstOutside(
  flat: ArrayLike<number>,
  lo: readonly number[],
  hi: readonly number[],
): { point: number; axis: string; value: number; lo: number; hi: number } | undefined {
  const ndim = lo.length;
  for (let i = 0; i < flat.length; i++) {
    const d = i % ndim;
    const value = flat[i]!;
    if (!(Number.isFinite(value) && value >= lo[d]! && value <= hi[d]!)) {
      return { point: Math.floor(i / ndim), axis: 'xyz'[d]!, value, lo: lo[d]!, hi: hi[d]! };
    }
  }
  return undefined;
}
