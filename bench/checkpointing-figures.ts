// The figures of `npm run bench:checkpointing`, per dimension: gradient time against memory
// budget (measured points, and the cost model's predicted curve per mesh size), recompute factor
// against budget, and peak RSS against budget. Budgets on a log axis, as in the paper.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeLinePlot, type PlotSeries } from '../src/io/line-plot.ts';
import type { Rgb } from '../src/io/raster.ts';
import { planCheckpoints } from '../src/revolve/budget.ts';
import { predictTime } from '../src/revolve/schedules/cost.ts';
import { buildSchedule } from '../src/revolve/schedules/registry.ts';
import type { CostModel } from '../src/revolve/schedules/types.ts';

/** One measured checkpointed-gradient row, as the figures need it. */
export interface FigurePoint {
  readonly ndim: 2 | 3;
  readonly size: number;
  readonly nSteps: number;
  readonly stateBytes: number;
  /** Budget as a fraction of (n + 1) states. */
  readonly fraction: number;
  /** 1st run (a fresh Revolver: first touch of its memory) and 2nd run (the same again). */
  readonly gradientSeconds: number;
  readonly warmGradientSeconds: number;
  readonly recomputeFactor: number;
  readonly peakRssBytes: number;
  /** The cost model measured in the row's process. */
  readonly costs: CostModel;
}

/** `color` mixed halfway with white: the same series, less prominent. */
const fade = ([r, g, b]: Rgb): Rgb => [Math.round((r + 255) / 2), Math.round((g + 255) / 2), Math.round((b + 255) / 2)];

const PALETTE: readonly Rgb[] = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [148, 103, 189], [255, 127, 14], [23, 190, 207]];
const CURVE_POINTS = 48;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The element-wise median of the rows' cost models: one model per mesh size for its curve. */
function medianCosts(costs: readonly CostModel[]): CostModel {
  return {
    forwardStepMs: median(costs.map((c) => c.forwardStepMs)),
    reverseStepMs: median(costs.map((c) => c.reverseStepMs)),
    memory: {
      writeMs: median(costs.map((c) => c.memory.writeMs)),
      readMs: median(costs.map((c) => c.memory.readMs)),
      inPlaceReadMs: median(costs.map((c) => c.memory.inPlaceReadMs ?? c.memory.readMs)),
    },
    disk: { writeMs: Infinity, readMs: Infinity },
  };
}

/** Budgets log-spaced from `lo` to `hi` (fractions), each with the binomial schedule's predicted seconds and recompute factor. */
function predictedCurve(n: number, stateBytes: number, costs: CostModel, lo: number, hi: number): { fraction: number; seconds: number; recompute: number }[] {
  const out = [];
  for (let i = 0; i < CURVE_POINTS; i++) {
    const fraction = lo * (hi / lo) ** (i / (CURVE_POINTS - 1));
    const budget = fraction * (n + 1) * stateBytes;
    if (budget < stateBytes) continue;
    const { nCheckpoints } = planCheckpoints({ nTimesteps: n, stateBytes, memoryBudgetBytes: budget });
    const schedule = buildSchedule('binomial', { nTimesteps: n, memorySlots: nCheckpoints, diskSlots: 0, costs });
    out.push({ fraction, seconds: predictTime(schedule, costs).totalMs / 1000, recompute: schedule.summary.forwardSteps / n });
  }
  return out;
}

/** Writes the three figures per dimension under `directory` (created) and returns their absolute paths. */
export function writeFigures(points: readonly FigurePoint[], directory: string): string[] {
  const paths: string[] = [];
  const dims = [...new Set(points.map((p) => p.ndim))];
  if (!dims.length) return paths;
  mkdirSync(directory, { recursive: true });
  for (const ndim of dims) {
    const mine = points.filter((p) => p.ndim === ndim);
    const sizes = [...new Set(mine.map((p) => p.size))].sort((a, b) => a - b);
    const pctLo = Math.min(...mine.map((p) => p.fraction));
    const pctHi = Math.max(...mine.map((p) => p.fraction));
    const time: PlotSeries[] = [];
    const recompute: PlotSeries[] = [];
    const rss: PlotSeries[] = [];
    sizes.forEach((size, i) => {
      const rows = mine.filter((p) => p.size === size).sort((a, b) => a.fraction - b.fraction);
      const color = PALETTE[i % PALETTE.length]!;
      const name = Array.from({ length: ndim }, () => size).join('x'); // the bitmap font has no superscripts
      const curve = predictedCurve(rows[0]!.nSteps, rows[0]!.stateBytes, medianCosts(rows.map((r) => r.costs)), pctLo, pctHi);
      time.push({ label: `${name} measured, 2nd run`, points: rows.map((r) => [100 * r.fraction, r.warmGradientSeconds]), color, style: 'markers' });
      time.push({ label: `${name} 1st run`, points: rows.map((r) => [100 * r.fraction, r.gradientSeconds]), color: fade(color), style: 'markers' });
      time.push({ label: `${name} predicted`, points: curve.map((c) => [100 * c.fraction, c.seconds]), color, style: 'line' });
      recompute.push({ label: `${name} measured`, points: rows.map((r) => [100 * r.fraction, r.recomputeFactor]), color, style: 'markers' });
      if (i === 0) recompute.push({ label: 'binomial plan', points: curve.map((c) => [100 * c.fraction, c.recompute]), color: [90, 90, 90], style: 'line' });
      rss.push({ label: name, points: rows.map((r) => [100 * r.fraction, r.peakRssBytes / 2 ** 20]), color, style: 'both' });
    });
    const n = mine[0]!.nSteps;
    const figures: [string, PlotSeries[], string, string, boolean][] = [
      ['time', time, 'gradient time (s)', `${ndim}D FWI gradient, n = ${n}: measured vs cost model`, true],
      ['recompute', recompute, 'recompute factor (forward steps / n)', `${ndim}D recompute factor, n = ${n}`, false],
      ['rss', rss, 'peak RSS (MiB)', `${ndim}D peak RSS per gradient process, n = ${n}`, true],
    ];
    for (const [kind, series, yLabel, title, logY] of figures) {
      const path = resolve(join(directory, `checkpointing-${kind}-${ndim}d.png`));
      writeLinePlot(path, series, { title, xLabel: 'memory budget (% of n + 1 states)', yLabel, logX: true, logY });
      paths.push(path);
    }
  }
  return paths;
}
