import { InvalidArgumentError } from '../errors.ts';
import { CAP, GAP, LINE, PAD, TICK, drawXTick, drawYTick, widest } from './axes.ts';
import { GLYPH_ROWS, drawText, measureText } from './bitmap-font.ts';
import { colormap, type ColormapName } from './colormap.ts';
import { renderImage, writeImageFile, type ImageOptions, type RenderedImage } from './png.ts';
import { BLACK, blit, createRaster, fillRect, strokeFrame, type Raster } from './raster.ts';

/** Physical coordinates of one image axis: sample `i` sits at `start + i * step`. */
export interface FigureAxis {
  /** Axis title with its unit, e.g. `x (m)`, `depth (m)`, `time (s)`. */
  readonly label: string;
  /** Coordinate of the first sample (the centre of the first pixel column or row). */
  readonly start: number;
  /** Spacing between samples (> 0), e.g. the grid spacing in metres or dt in seconds. */
  readonly step: number;
}

export interface FigureOptions extends ImageOptions {
  /** The horizontal axis: image columns, left → right (axis 0 for the `xz` layout, axis 1 for `rows`). */
  readonly xAxis: FigureAxis;
  /** The vertical axis: image rows, top → bottom (axis 1 for `xz`, axis 0 for `rows`); its label is written above it. */
  readonly yAxis: FigureAxis;
  readonly title?: string;
  /** Draw a colour bar right of the data with its end values (and 0 for ranges across it). */
  readonly colorbar?: { readonly label?: string };
  // `scale` (from ImageOptions) defaults here to the largest factor ≤ 16 that keeps the data ≤ 480 pixels.
}

/** A labelled tick: its coordinate value, the text drawn and the figure pixel (column for x, row for y). */
export interface FigureTick {
  readonly value: number;
  readonly label: string;
  readonly position: number;
}

/** A pixel rectangle inside the figure. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A rendered figure: the RGBA pixels, the value range of the colours, and where everything was drawn. */
export interface RenderedFigure extends RenderedImage {
  /** The data image (inside the 1-pixel frame) and its magnification. */
  readonly plot: Box & { readonly scale: number };
  readonly xTicks: readonly FigureTick[];
  readonly yTicks: readonly FigureTick[];
  readonly colorbar?: Box;
}

// Layout in figure pixels (the rest in axes.ts).
const TITLE_SCALE = 3;
const BAR_GAP = 24;
const BAR_WIDTH = 18;
const AUTO_SCALE_TARGET = 480;
const AUTO_SCALE_MAX = 16;

function checkAxis(axis: FigureAxis | undefined, name: string): FigureAxis {
  if (!axis || typeof axis.label !== 'string' || !Number.isFinite(axis.start) || !(Number.isFinite(axis.step) && axis.step > 0)) {
    throw new InvalidArgumentError(
      `figure: ${name} needs { label: string, start: finite number, step: finite number > 0 }, got ${JSON.stringify(axis)}`,
    );
  }
  return axis;
}

/** Tick text for a multiple of 10^exponent: as many decimals as the tick step has, exponent form for extreme magnitudes. */
function formatTick(value: number, exponent: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e6 || exponent < -5)) return formatValue(value);
  return value.toFixed(Math.max(0, -exponent));
}

/** A data value at three significant digits, e.g. for colour bar ends: `1.5`, `-0.25`, `2.5e-5`. */
export function formatValue(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-2) return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/**
 * Ticks at round coordinates (1, 2 or 5 × 10^k apart) along an axis of `n` samples drawn `scale`
 * pixels each: the finest such step whose ticks are at least `spacing(labels)` pixels apart.
 * Positions are pixel offsets from the start of the data image.
 */
function niceTicks(axis: FigureAxis, n: number, scale: number, spacing: (labels: string[]) => number): FigureTick[] {
  const offset = (value: number): number => Math.floor(((value - axis.start) / axis.step + 0.5) * scale);
  const lo = axis.start;
  const hi = axis.start + (n - 1) * axis.step;
  const single = [{ value: lo, label: formatValue(lo), position: offset(lo) }];
  if (n === 1) return single;
  for (let exponent = Math.floor(Math.log10(axis.step)); exponent < 400; exponent++) {
    for (const mantissa of [1, 2, 5]) {
      // Dividing by an exact power of ten keeps 0.1-type steps free of 0.30000000000000004 labels.
      const tickValue = (k: number): number => (exponent < 0 ? (k * mantissa) / 10 ** -exponent : k * mantissa * 10 ** exponent) + 0; // -0 → 0
      const step = tickValue(1);
      const first = Math.ceil(lo / step - 1e-9);
      const last = Math.floor(hi / step + 1e-9);
      // Steps only grow from here: a lone tick cannot collide, and with none left, label the first sample.
      if (last < first) return single;
      const ticks: FigureTick[] = [];
      for (let k = first; k <= last; k++) {
        const value = tickValue(k);
        ticks.push({ value, label: formatTick(value, exponent), position: offset(value) });
      }
      if (ticks.length === 1 || (step / axis.step) * scale >= spacing(ticks.map((t) => t.label))) return ticks;
    }
  }
  return single;
}

/** Keeps a centred text of width `w` inside the figure's padding. */
function clampCentre(centre: number, w: number, width: number): number {
  return Math.min(Math.max(centre, PAD + w / 2), width - PAD - w / 2);
}

/**
 * A 2D array (dense row-major, shape `[n0, n1]`) → a figure: the colour-mapped data (magnified by
 * an integer factor, nearest neighbour), framed, with ticks at round coordinates and their values
 * on both axes, axis labels, an optional title and an optional colour bar. White background,
 * black ink. Throws `ShapeError` when `values` does not fill `shape` and `InvalidArgumentError`
 * for bad axes or data without a single finite value.
 */
export function renderFigure(values: ArrayLike<number>, shape: readonly [number, number], options: FigureOptions): RenderedFigure {
  const xAxis = checkAxis(options?.xAxis, 'xAxis');
  const yAxis = checkAxis(options?.yAxis, 'yAxis');
  const xz = (options.layout ?? 'xz') === 'xz';
  const [cols, rows] = xz ? [shape[0], shape[1]] : [shape[1], shape[0]];
  const autoScale = Math.max(1, Math.min(AUTO_SCALE_MAX, Math.floor(AUTO_SCALE_TARGET / Math.max(cols, rows, 1))));
  const scale = options.scale ?? autoScale;
  const image = renderImage(values, shape, { ...options, scale });
  let finite = false;
  for (let i = 0; i < values.length && !finite; i++) finite = Number.isFinite(values[i]);
  if (!finite) throw new InvalidArgumentError(`figure: all ${values.length} values are NaN or infinite, so there is nothing to draw; check the data`);

  const xTicks = niceTicks(xAxis, cols, scale, (labels) => Math.max(60, widest(labels) + 3 * GAP));
  const yTicks = niceTicks(yAxis, rows, scale, () => Math.max(48, CAP * 2));
  const yTickWidth = widest(yTicks.map((t) => t.label));
  const { vmin, vmax } = image;
  const barTicks = options.colorbar ? colourBarTicks(vmin, vmax, image.height) : [];
  const barLabel = options.colorbar?.label ?? '';

  // Top: title, then the line holding the y-axis and colour bar labels, then room for half a tick label.
  const title = options.title ?? '';
  const titleY = PAD;
  const labelY = title ? titleY + GLYPH_ROWS * TITLE_SCALE + GAP : PAD;
  const plotY = labelY + (yAxis.label || barLabel ? LINE + GAP : 0) + Math.ceil(CAP / 2) + 1;
  const firstX = xTicks[0]!;
  const plotX = Math.max(PAD + yTickWidth + GAP + TICK + 1, PAD + Math.ceil(measureText(firstX.label) / 2) - firstX.position);
  const plot = { x: plotX, y: plotY, width: image.width, height: image.height, scale };
  const xTickY = plotY + plot.height + 1 + TICK + GAP;
  const xLabelY = xTickY + CAP + GAP * 2;
  const height = xLabelY + (xAxis.label ? LINE : 0) + PAD;

  const lastX = xTicks[xTicks.length - 1]!;
  let right = Math.max(plotX + plot.width + 1, plotX + lastX.position + Math.ceil(measureText(lastX.label) / 2));
  let bar: Box | undefined;
  if (options.colorbar) {
    bar = { x: plotX + plot.width + 1 + BAR_GAP, y: plotY, width: BAR_WIDTH, height: plot.height };
    right = Math.max(right, bar.x + BAR_WIDTH + 1 + TICK + GAP + widest(barTicks.map((t) => t.label)));
  }
  // The colour bar label is centred over the bar, pushed right if it would run into the y label on the same line.
  const barLabelWidth = measureText(barLabel);
  const barLabelCentre = bar ? Math.max(bar.x + BAR_WIDTH / 2, PAD + measureText(yAxis.label) + 3 * GAP + barLabelWidth / 2) : 0;
  if (bar) right = Math.max(right, Math.ceil(barLabelCentre + barLabelWidth / 2));
  const titleWidth = measureText(title, TITLE_SCALE);
  const xLabelWidth = measureText(xAxis.label);
  const width = Math.max(right + PAD, titleWidth + 2 * PAD, xLabelWidth + 2 * PAD, PAD + measureText(yAxis.label) + PAD);

  const raster = createRaster(width, height);
  blit(raster, image, plot.x, plot.y);
  strokeFrame(raster, plot.x, plot.y, plot.width, plot.height, BLACK);
  const placedX = xTicks.map((t) => ({ ...t, position: plot.x + t.position }));
  for (const tick of placedX) drawXTick(raster, plot, tick.position, tick.label, xTickY);
  const placedY = yTicks.map((t) => ({ ...t, position: plot.y + t.position }));
  for (const tick of placedY) drawYTick(raster, plot, tick.position, tick.label);
  // The y label sits horizontally above the tick labels: no rotated text needed, and it reads as the axis heading.
  drawText(raster, yAxis.label, PAD, labelY);
  drawText(raster, xAxis.label, clampCentre(plot.x + plot.width / 2, xLabelWidth, width), xLabelY, { align: 'center' });
  if (title) drawText(raster, title, clampCentre(plot.x + plot.width / 2, titleWidth, width), titleY, { align: 'center', scale: TITLE_SCALE });
  if (bar) drawColourBar(raster, bar, barTicks, options.colormap ?? 'seismic');
  if (barLabel) drawText(raster, barLabel, barLabelCentre, labelY, { align: 'center' });

  return { width, height, rgba: raster.rgba, vmin, vmax, plot, xTicks: placedX, yTicks: placedY, ...(bar ? { colorbar: bar } : {}) };
}

/** Colour bar ticks (positions are row offsets from the bar top): the ends, and 0 when the range crosses it with room to spare. */
function colourBarTicks(vmin: number, vmax: number, height: number): FigureTick[] {
  const row = (value: number): number => Math.round(((vmax - value) / (vmax - vmin)) * (height - 1));
  const ticks = [vmax, vmin].map((value) => ({ value, label: formatValue(value), position: row(value) }));
  const zero = row(0);
  if (vmin < 0 && vmax > 0 && zero >= CAP + GAP && zero <= height - 1 - CAP - GAP) ticks.splice(1, 0, { value: 0, label: '0', position: zero });
  return ticks;
}

function drawColourBar(raster: Raster, bar: Box, ticks: readonly FigureTick[], name: ColormapName): void {
  const map = colormap(name);
  for (let r = 0; r < bar.height; r++) fillRect(raster, bar.x, bar.y + r, bar.width, 1, map(bar.height === 1 ? 1 : 1 - r / (bar.height - 1)));
  strokeFrame(raster, bar.x, bar.y, bar.width, bar.height, BLACK);
  for (const tick of ticks) {
    const y = bar.y + tick.position;
    fillRect(raster, bar.x + bar.width + 1, y, TICK, 1, BLACK);
    drawText(raster, tick.label, bar.x + bar.width + 1 + TICK + GAP, y - CAP / 2);
  }
}

/**
 * `renderFigure` written as a PNG file at `path` (atomically); returns the figure's size, value
 * range and layout (everything but the pixels).
 */
export function writeFigure(
  path: string, values: ArrayLike<number>, shape: readonly [number, number], options: FigureOptions,
): Omit<RenderedFigure, 'rgba'> {
  const { rgba, ...layout } = renderFigure(values, shape, options);
  writeImageFile(path, { ...layout, rgba });
  return layout;
}
