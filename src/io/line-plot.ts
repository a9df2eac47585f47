import { InvalidArgumentError } from '../errors.ts';
import type * as vega from 'vega';
import { writeFileAtomic } from '../support/atomic-write.ts';
import { formatValue, svgPathFor } from './figure-layout.ts';
import { encodePng, type RenderedImage } from './png.ts';
import { requirePlotting, svgToPng, vegaToSvg } from './vega-render.ts';
import type { Rgb } from './raster.ts';

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
  /** `writeLinePlot` also writes the SVG next to the PNG (default true). */
  readonly svg?: boolean;
  /** Device pixels per SVG pixel in the PNG (default 1). */
  readonly pixelRatio?: number;
}

/** A rendered line plot and where its plotting area is (inside the frame). */
export interface RenderedLinePlot extends RenderedImage {
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** The SVG text and the rasteriser's PNG bytes. */
  readonly svg?: string;
  readonly png?: Uint8Array;
}

const MARKER = 7;
const SWATCH = 24;
const GAP = 6;

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
  const step = [1, 2, 5, 10].map((m) => m * 10 ** exponent).find((v) => v >= raw * (1 - 1e-9))!; // 5 × 10^-5 is a hair under 5e-5
  const out: number[] = [];
  for (let k = Math.ceil(s.lo / step); k * step <= s.hi; k++) out.push(Number((k * step).toPrecision(12)) + 0);
  return out;
}

const hex = (c: Rgb): string => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/**
 * Series of (x, y) points → a framed plot with ticks and values on both axes (linear or
 * logarithmic), axis titles, an optional title and a legend right of the plot; lines under
 * markers (filled squares). Drawn through vega and resvg with DejaVu Sans, as SVG and pixels.
 * Points with a non-finite (or, on a log axis, non-positive) coordinate are left out. Throws
 * `InvalidArgumentError` when nothing is left to draw and `MissingPackageError` naming the Debian
 * package when the font is missing.
 */
export function renderLinePlot(series: readonly PlotSeries[], options: LinePlotOptions): RenderedLinePlot {
  requirePlotting('line plot');
  if (!series.length) throw new InvalidArgumentError('line plot: give at least one series');
  const ratio = options.pixelRatio ?? 1;
  if (!(Number.isFinite(ratio) && ratio > 0 && ratio <= 8)) throw new InvalidArgumentError(`line plot: pixelRatio must be in (0, 8], got ${ratio}`);
  const all = series.flatMap((s) => s.points);
  const sx = axisScale(all.map((p) => p[0]), options.logX ?? false, 'x');
  const sy = axisScale(all.map((p) => p[1]), options.logY ?? false, 'y');
  const plotW = options.plotWidth ?? 560;
  const plotH = options.plotHeight ?? 360;
  const xTicks = ticks(sx, Math.max(2, Math.floor(plotW / 90)));
  const yTicks = ticks(sy, Math.max(2, Math.floor(plotH / 60)));
  const drawable = (p: readonly [number, number]): boolean =>
    Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!sx.log || p[0] > 0) && (!sy.log || p[1] > 0);
  const domain = (s: Scale): [number, number] => (s.log ? [10 ** s.lo, 10 ** s.hi] : [s.lo, s.hi]);
  const labels = (values: number[]): { signal: string } => ({
    signal: `(${JSON.stringify(Object.fromEntries(values.map((v) => [String(v), formatValue(v)])))})[datum.value + ''] || ''`,
  });
  const data: vega.Data[] = series.map((s, i) => ({ name: `s${i}`, values: s.points.filter(drawable).map(([x, y]) => ({ x, y })) }));
  const from = (i: number) => ({ data: `s${i}` });
  const at = { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' } };
  const marks: vega.Mark[] = [
    // Every line first, then every marker: measured points stay visible on top of model curves.
    ...series.flatMap((s, i): vega.Mark[] => (s.style === 'markers' ? [] : [
      { type: 'line', from: from(i), encode: { enter: { ...at, stroke: { value: hex(s.color) }, strokeWidth: { value: 2 } } } },
    ])),
    ...series.flatMap((s, i): vega.Mark[] => (s.style === 'line' ? [] : [
      { type: 'symbol', from: from(i), encode: { enter: { ...at, shape: { value: 'square' }, size: { value: MARKER * MARKER }, fill: { value: hex(s.color) } } } },
    ])),
    { type: 'rect', encode: { enter: { x: { value: -0.5 }, y: { value: -0.5 }, width: { value: plotW + 1 }, height: { value: plotH + 1 }, stroke: { value: '#000' }, strokeWidth: { value: 1 }, fill: { value: 'transparent' } } } },
  ];
  // The legend: a swatch (line and/or marker) and the label per series, right of the frame.
  const legendX = plotW + 1 + 2 * GAP;
  series.forEach((s, i) => {
    const y = 10 + i * 20;
    if (s.style !== 'markers') marks.push({ type: 'rule', encode: { enter: { x: { value: legendX }, x2: { value: legendX + SWATCH }, y: { value: y }, stroke: { value: hex(s.color) }, strokeWidth: { value: 2 } } } });
    if (s.style !== 'line') marks.push({ type: 'symbol', encode: { enter: { x: { value: legendX + SWATCH / 2 }, y: { value: y }, shape: { value: 'square' }, size: { value: MARKER * MARKER }, fill: { value: hex(s.color) } } } });
    marks.push({ type: 'text', encode: { enter: { x: { value: legendX + SWATCH + GAP }, y: { value: y }, baseline: { value: 'middle' }, text: { value: s.label }, fontSize: { value: 11 } } } });
  });
  const spec: vega.Spec = {
    width: plotW, height: plotH, padding: 12, autosize: { type: 'pad' }, background: 'white',
    ...(options.title ? { title: { text: options.title, anchor: 'middle', frame: 'group' } } : {}),
    data,
    scales: [
      // Pixel centres: the value at the scale's lower end lands on the centre of the first pixel column.
      { name: 'x', type: sx.log ? 'log' : 'linear', domain: domain(sx), range: [0.5, plotW - 0.5], zero: false, nice: false },
      { name: 'y', type: sy.log ? 'log' : 'linear', domain: domain(sy), range: [plotH - 0.5, 0.5], zero: false, nice: false },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: options.xLabel, values: xTicks, domain: false, offset: 1, translate: 0, encode: { labels: { update: { text: labels(xTicks) } } } },
      { orient: 'left', scale: 'y', title: options.yLabel, values: yTicks, domain: false, offset: 1, translate: 0, encode: { labels: { update: { text: labels(yTicks) } } } },
    ],
    marks,
  };
  const rendered = vegaToSvg(spec);
  const raster = svgToPng(rendered.svg, ratio);
  const px = (v: number): number => Math.round(v * ratio);
  const plot = { x: px(rendered.origin[0]), y: px(rendered.origin[1]), width: px(plotW), height: px(plotH) };
  return {
    width: raster.width, height: raster.height, rgba: raster.rgba, png: raster.png, svg: rendered.svg, plot,
    vmin: sy.log ? 10 ** sy.lo : sy.lo, vmax: sy.log ? 10 ** sy.hi : sy.hi,
  };
}

/**
 * `renderLinePlot` written as a PNG file at `path` and, when drawn through vega, as an SVG file
 * next to it (`x.png` → `x.svg`; `svg: false` skips it), atomically; returns the image size and
 * the SVG path when one was written.
 */
export function writeLinePlot(path: string, series: readonly PlotSeries[], options: LinePlotOptions): { width: number; height: number; svgPath?: string } {
  const image = renderLinePlot(series, options);
  writeFileAtomic(path, image.png ?? encodePng(image));
  if (image.svg === undefined || options.svg === false) return { width: image.width, height: image.height };
  const svgPath = svgPathFor(path);
  writeFileAtomic(svgPath, image.svg);
  return { width: image.width, height: image.height, svgPath };
}
