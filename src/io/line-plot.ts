import { InvalidArgumentError } from '../errors.ts';
import { CAP, GAP, LINE, PAD, TEXT_SCALE, TICK, drawXTick, drawYTick, widest } from './axes.ts';
import { drawText, measureText } from './bitmap-font.ts';
import { formatValue } from './figure.ts';
import { writeImageFile, type RenderedImage } from './png.ts';
import { BLACK, createRaster, fillRect, strokeFrame, type Raster, type Rgb } from './raster.ts';

/** One data set of a line plot: measured points (`markers`), a model curve (`line`) or both. */
export interface PlotSeries {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: Rgb;
  readonly style: 'line' | 'markers' | 'both';
}

export interface LinePlotOptions {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly title?: string;
  /** Logarithmic axes (every value on them must be > 0). */
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Size of the plotting area in pixels (default 560 × 360). */
  readonly plotWidth?: number;
  readonly plotHeight?: number;
}

/** A rendered line plot and where its plotting area is (inside the frame). */
export interface RenderedLinePlot extends RenderedImage {
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

const MARKER = 7;
const SWATCH = 24;

interface Scale {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
}

const forward = (s: Scale, v: number): number => (s.log ? Math.log10(v) : v);

/** Data range of an axis, padded by 5% (linear) or a twentieth of a decade (log) so points do not sit on the frame. */
function axisScale(values: readonly number[], log: boolean, name: string): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!finite.length) throw new InvalidArgumentError(`line plot: no finite${log ? ' positive' : ''} ${name} value to draw; check the series`);
  let lo = Math.min(...finite.map((v) => (log ? Math.log10(v) : v)));
  let hi = Math.max(...finite.map((v) => (log ? Math.log10(v) : v)));
  if (hi === lo) {
    lo -= log ? 0.5 : Math.abs(lo) / 2 || 1;
    hi += log ? 0.5 : Math.abs(hi) / 2 || 1;
  }
  const margin = log ? 0.05 : 0.05 * (hi - lo);
  return { lo: lo - margin, hi: hi + margin, log };
}

/** Tick values: 1/2/5 × 10^k steps for about `target` ticks (linear); 1, 2, 5 × 10^k inside the range (log; decades only when wide). */
function ticks(s: Scale, target: number): number[] {
  if (s.log) {
    const out: number[] = [];
    const decades = s.hi - s.lo;
    const mantissas = decades > 3 ? [1] : decades > 1.2 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
    for (let e = Math.floor(s.lo); e <= Math.ceil(s.hi); e++) {
      for (const m of mantissas) {
        const v = m * 10 ** e;
        const at = Math.log10(v);
        if (at >= s.lo && at <= s.hi) out.push(Number(v.toPrecision(3)));
      }
    }
    return out;
  }
  const raw = (s.hi - s.lo) / target;
  const exponent = Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * 10 ** exponent).find((v) => v >= raw)!;
  const out: number[] = [];
  for (let k = Math.ceil(s.lo / step); k * step <= s.hi; k++) out.push(Number((k * step).toPrecision(12)) + 0);
  return out;
}

/** A thick (2 × 2 pixel pen) straight segment. */
function segment(raster: Raster, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  for (let i = 0; i <= n; i++) fillRect(raster, x0 + ((x1 - x0) * i) / n - 1, y0 + ((y1 - y0) * i) / n - 1, 2, 2, color);
}

/**
 * Series of (x, y) points → a framed plot with ticks and values on both axes (linear or
 * logarithmic), axis labels, an optional title and a legend right of the plot. `markers` draws
 * a filled square per point, `line` joins the points in order. Points with a non-finite (or, on a
 * log axis, non-positive) coordinate are left out. Throws `InvalidArgumentError` when nothing is
 * left to draw.
 */
export function renderLinePlot(series: readonly PlotSeries[], options: LinePlotOptions): RenderedLinePlot {
  if (!series.length) throw new InvalidArgumentError('line plot: give at least one series');
  const all = series.flatMap((s) => s.points);
  const sx = axisScale(all.map((p) => p[0]), options.logX ?? false, 'x');
  const sy = axisScale(all.map((p) => p[1]), options.logY ?? false, 'y');
  const plotW = options.plotWidth ?? 560;
  const plotH = options.plotHeight ?? 360;
  const xTicks = ticks(sx, Math.max(2, Math.floor(plotW / 90)));
  const yTicks = ticks(sy, Math.max(2, Math.floor(plotH / 60)));
  const yTickWidth = widest(yTicks.map(formatValue));
  const legendWidth = Math.max(...series.map((s) => SWATCH + GAP + measureText(s.label, TEXT_SCALE)));

  const title = options.title ?? '';
  const titleH = title ? LINE + GAP : 0;
  const plot = { x: PAD + yTickWidth + GAP + TICK + 1, y: PAD + titleH + LINE + GAP + CAP, width: plotW, height: plotH };
  const width = Math.max(plot.x + plotW + 1 + 2 * GAP + legendWidth + PAD, PAD + measureText(title, TEXT_SCALE) + PAD);
  const xTickY = plot.y + plotH + 1 + TICK + GAP;
  const height = xTickY + CAP + 2 * GAP + LINE + PAD;
  const raster = createRaster(width, height);

  const px = (v: number): number => plot.x + ((forward(sx, v) - sx.lo) / (sx.hi - sx.lo)) * (plotW - 1);
  const py = (v: number): number => plot.y + (1 - (forward(sy, v) - sy.lo) / (sy.hi - sy.lo)) * (plotH - 1);
  const drawable = (p: readonly [number, number]): boolean =>
    Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!sx.log || p[0] > 0) && (!sy.log || p[1] > 0);

  for (const v of xTicks) drawXTick(raster, plot, Math.round(px(v)), formatValue(v), xTickY);
  for (const v of yTicks) drawYTick(raster, plot, Math.round(py(v)), formatValue(v));
  // Every line first, then every marker: measured points stay visible on top of model curves.
  for (const s of series) {
    const points = s.points.filter(drawable);
    if (s.style === 'markers') continue;
    for (let i = 1; i < points.length; i++) segment(raster, px(points[i - 1]![0]), py(points[i - 1]![1]), px(points[i]![0]), py(points[i]![1]), s.color);
  }
  for (const s of series) {
    if (s.style === 'line') continue;
    for (const p of s.points.filter(drawable)) fillRect(raster, px(p[0]) - (MARKER - 1) / 2, py(p[1]) - (MARKER - 1) / 2, MARKER, MARKER, s.color);
  }
  // The frame goes last, so a marker at the edge of the 5% margin cannot hide it.
  strokeFrame(raster, plot.x, plot.y, plotW, plotH, BLACK);

  if (title) drawText(raster, title, PAD, PAD);
  drawText(raster, options.yLabel, PAD, PAD + titleH);
  drawText(raster, options.xLabel, plot.x + plotW / 2, xTickY + CAP + 2 * GAP, { align: 'center' });
  const legendX = plot.x + plotW + 1 + 2 * GAP;
  series.forEach((s, i) => {
    const y = plot.y + i * (LINE + GAP);
    if (s.style !== 'markers') fillRect(raster, legendX, y + CAP / 2 - 1, SWATCH, 2, s.color);
    if (s.style !== 'line') fillRect(raster, legendX + (SWATCH - MARKER) / 2, y + (CAP - MARKER) / 2, MARKER, MARKER, s.color);
    drawText(raster, s.label, legendX + SWATCH + GAP, y);
  });
  return { width, height, rgba: raster.rgba, vmin: sy.log ? 10 ** sy.lo : sy.lo, vmax: sy.log ? 10 ** sy.hi : sy.hi, plot };
}

/** `renderLinePlot` written as a PNG file at `path` (atomically); returns the image size. */
export function writeLinePlot(path: string, series: readonly PlotSeries[], options: LinePlotOptions): { width: number; height: number } {
  const image = renderLinePlot(series, options);
  writeImageFile(path, image);
  return { width: image.width, height: image.height };
}
