/** What the figure writers share: the options, the layout they report, axis checks, tick placement and value formatting. */
import { InvalidArgumentError } from '../errors.ts';
import type { ImageOptions, RenderedImage } from './png.ts';

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
  /** `writeFigure` also writes the SVG next to the PNG (default true). */
  readonly svg?: boolean;
  /** Device pixels per SVG pixel in the PNG (default 1). Layout boxes are in PNG pixels. */
  readonly pixelRatio?: number;
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
  /** The colour bar's labelled values; `position` is the figure row of each. */
  readonly colorbarTicks?: readonly FigureTick[];
  /** The SVG text. */
  readonly svg?: string;
  /** The PNG bytes as encoded by the rasteriser . */
  readonly png?: Uint8Array;
}

export function checkAxis(axis: FigureAxis | undefined, name: string): FigureAxis {
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
export function niceTicks(axis: FigureAxis, n: number, scale: number, spacing: (labels: string[]) => number): FigureTick[] {
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

/** `figure.png` → `figure.svg` (any other name gets `.svg` appended). */
export function svgPathFor(path: string): string {
  return /\.png$/i.test(path) ? path.replace(/\.png$/i, '.svg') : `${path}.svg`;
}
