import type { RevolverStats } from '../../revolve/revolver.ts';

/** The Revolver's counters over several shots: counts, bytes and times summed; peaks the largest shot's. */
export type RevolverTotals = Omit<RevolverStats, 'compressionRatio' | 'compression'> & { readonly shots: number };

/** Counters that are maxima over a run, not amounts: their total is the largest shot's. */
const PEAKS: ReadonlySet<string> = new Set(['peakSlots', 'peakCheckpointBytes', 'reservedBytes']);
/** A ratio: it does not add up over shots. */
const RATIOS: ReadonlySet<string> = new Set(['compressionRatio']);

/** Per-shot Revolver counters → their totals (see `RevolverTotals`). */
export function sumStats(perShot: readonly RevolverStats[]): RevolverTotals {
  const totals: Record<string, number> = { shots: perShot.length };
  for (const stats of perShot) {
    for (const [key, value] of Object.entries(stats)) {
      if (typeof value !== 'number' || RATIOS.has(key)) continue;
      totals[key] = PEAKS.has(key) ? Math.max(totals[key] ?? 0, value) : (totals[key] ?? 0) + value;
    }
  }
  return totals as unknown as RevolverTotals;
}
