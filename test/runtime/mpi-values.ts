/**
 * The per-rank data of test/runtime/mpi-programs/collectives.ts, shared with the test that checks
 * what every rank received: rank r contributes lengthOf(r) elements f(r·100 + i).
 */

/** Elements rank `rank` contributes to each allgatherv: distinct per rank, one of them empty. */
export const lengthOf = (rank: number): number => [3, 0, 5, 1][rank % 4]! + Math.floor(rank / 4);

/** The value each gathered element type is built from r·100 + i (float32 rounds it, int32 keeps it exact). */
export const VALUE = {
  f32: (v: number): number => Math.fround(v + 0.25),
  f64: (v: number): number => v / 3,
  i32: (v: number): number => -7 * v - 1,
} as const;

/** Rank `rank`'s elements. */
export function elements(f: (v: number) => number, rank: number): number[] {
  return Array.from({ length: lengthOf(rank) }, (_, i) => f(rank * 100 + i));
}

/** Every rank's elements concatenated in rank order: what allgatherv gives each rank. */
export function concatenation(f: (v: number) => number, size: number): number[] {
  return Array.from({ length: size }, (_, r) => elements(f, r)).flat();
}
