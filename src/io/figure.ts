/**
 * Figures of 2D arrays (velocity models, gradients, images, shot records) through vega: the
 * colour-mapped data is one `image` mark (a PNG data URL of the raster, drawn by our own colour
 * maps and PNG encoder) placed inside vega's axes, so a 600 × 300 section costs one image, not
 * 180,000 `rect` marks. The colour bar is a second image with its own axis on the right. Vega lays
 * out ticks, labels and titles with the real font's widths (`vega-render.ts`).
 */
import type * as vega from 'vega';
import { InvalidArgumentError } from '../errors.ts';
import { writeFileAtomic } from '../support/atomic-write.ts';
import { colormap } from './colormap.ts';
import { checkAxis, formatValue, niceTicks, svgPathFor, type FigureOptions, type FigureTick, type RenderedFigure } from './figure-layout.ts';
import { fontMetrics, fontPath } from './font.ts';
import { encodePng, renderImage } from './png.ts';
import { requirePlotting, svgToPng, vegaToSvg } from './vega-render.ts';

export { formatValue, svgPathFor } from './figure-layout.ts';
export type { Box, FigureAxis, FigureOptions, FigureTick, RenderedFigure } from './figure-layout.ts';

const LABEL_SIZE = 11;
const BAR_GAP = 16;
const BAR_WIDTH = 16;
const AUTO_SCALE_TARGET = 480;
const AUTO_SCALE_MAX = 16;

const dataUrl = (png: Uint8Array): string => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

/** A vega signal expression that looks the label of a tick value up (vega formats nothing itself). */
function labelLookup(ticks: readonly { value: number; label: string }[]): { signal: string } {
  const table = Object.fromEntries(ticks.map((t) => [String(t.value), t.label]));
  return { signal: `(${JSON.stringify(table)})[datum.value + ''] || ''` };
}

/** Colour bar ticks: both ends, and round values between them at least `room` pixels from the ends. */
function colourBarValues(vmin: number, vmax: number, height: number, room: number): { value: number; label: string }[] {
  const raw = (vmax - vmin) / 4;
  const exponent = Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * 10 ** exponent).find((v) => v >= raw * (1 - 1e-9))!; // 5 × 10^-5 is a hair under 5e-5 in floating point
  const ticks = [vmin, vmax].map((value) => ({ value, label: formatValue(value) }));
  const px = (v: number): number => ((v - vmin) / (vmax - vmin)) * height;
  for (let k = Math.ceil(vmin / step); k * step < vmax; k++) {
    const value = Number((k * step).toPrecision(12)) + 0;
    if (px(value) >= room && px(value) <= height - room) ticks.push({ value, label: formatValue(value) });
  }
  return ticks;
}

/**
 * A 2D array (dense row-major, shape `[n0, n1]`) → a figure: the colour-mapped data (magnified by
 * an integer factor, nearest neighbour) with axes in physical units, ticks at round coordinates,
 * axis titles, an optional title and colour bar; as SVG (text as text, DejaVu Sans) and as pixels
 * rasterised by resvg. Throws `ShapeError` when `values` does not fill `shape`,
 * `InvalidArgumentError` for bad axes or data without a single finite value, and
 * `MissingPackageError` naming the Debian package when the font is missing.
 */
export function renderFigure(values: ArrayLike<number>, shape: readonly [number, number], options: FigureOptions): RenderedFigure {
  requirePlotting('figure');
  const xAxis = checkAxis(options?.xAxis, 'xAxis');
  const yAxis = checkAxis(options?.yAxis, 'yAxis');
  const ratio = options.pixelRatio ?? 1;
  if (!(Number.isFinite(ratio) && ratio > 0 && ratio <= 8)) throw new InvalidArgumentError(`figure: pixelRatio must be in (0, 8], got ${ratio}`);
  const xz = (options.layout ?? 'xz') === 'xz';
  const [cols, rows] = xz ? [shape[0], shape[1]] : [shape[1], shape[0]];
  const autoScale = Math.max(1, Math.min(AUTO_SCALE_MAX, Math.floor(AUTO_SCALE_TARGET / Math.max(cols, rows, 1))));
  const scale = options.scale ?? autoScale;
  // The raster at one pixel per sample: resvg magnifies it with nearest-neighbour sampling.
  const image = renderImage(values, shape, { ...options, scale: 1 });
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new InvalidArgumentError(`image: scale must be an integer in 1…64, got ${scale}`);
  let finite = false;
  for (let i = 0; i < values.length && !finite; i++) finite = Number.isFinite(values[i]);
  if (!finite) throw new InvalidArgumentError(`figure: all ${values.length} values are NaN or infinite, so there is nothing to draw; check the data`);
  const width = cols * scale;
  const height = rows * scale;
  const { vmin, vmax } = image;

  const metrics = fontMetrics(fontPath()!);
  const textWidth = (labels: string[]): number => Math.max(0, ...labels.map((l) => metrics.width(l, LABEL_SIZE)));
  const xTicks = niceTicks(xAxis, cols, scale, (labels) => Math.max(60, textWidth(labels) + 18));
  const yTicks = niceTicks(yAxis, rows, scale, () => 48);
  const edges = (axis: typeof xAxis, n: number): [number, number] => [axis.start - axis.step / 2, axis.start + (n - 0.5) * axis.step];

  const marks: vega.Mark[] = [
    {
      type: 'image',
      encode: { enter: { url: { value: dataUrl(encodePng(image)) }, x: { value: 0 }, y: { value: 0 }, width: { value: width }, height: { value: height }, aspect: { value: false }, smooth: { value: false } } },
    },
    // The frame just outside the data, 1 pixel wide on the pixel grid.
    { type: 'rect', encode: { enter: { x: { value: -0.5 }, y: { value: -0.5 }, width: { value: width + 1 }, height: { value: height + 1 }, stroke: { value: '#000' }, strokeWidth: { value: 1 }, fill: { value: 'transparent' } } } },
  ];
  const barValues = options.colorbar ? colourBarValues(vmin, vmax, height, 18) : [];
  if (options.colorbar) {
    const map = colormap(options.colormap ?? 'seismic');
    const bar = new Uint8Array(height * 4);
    for (let r = 0; r < height; r++) {
      const [red, green, blue] = map(height === 1 ? 1 : 1 - r / (height - 1));
      bar.set([red, green, blue, 255], r * 4);
    }
    marks.push({
      type: 'group',
      encode: { enter: { x: { value: width + BAR_GAP }, y: { value: 0 }, width: { value: BAR_WIDTH }, height: { value: height } } },
      scales: [{ name: 'bar', type: 'linear', domain: [vmin, vmax], range: [height, 0], zero: false, nice: false }],
      axes: [{
        orient: 'right', scale: 'bar', values: barValues.map((t) => t.value), domain: false, offset: BAR_WIDTH, translate: 0.5,
        titleAngle: -90, titleBaseline: 'top', // read bottom to top, like the y axis title (and matplotlib's colour bars)
        ...(options.colorbar.label ? { title: options.colorbar.label } : {}),
        encode: { labels: { update: { text: labelLookup(barValues) } } },
      }],
      marks: [
        { type: 'image', encode: { enter: { url: { value: dataUrl(encodePng({ width: 1, height, rgba: bar, vmin, vmax })) }, x: { value: 0 }, y: { value: 0 }, width: { value: BAR_WIDTH }, height: { value: height }, aspect: { value: false }, smooth: { value: false } } } },
        { type: 'rect', encode: { enter: { x: { value: -0.5 }, y: { value: -0.5 }, width: { value: BAR_WIDTH + 1 }, height: { value: height + 1 }, stroke: { value: '#000' }, strokeWidth: { value: 1 }, fill: { value: 'transparent' } } } },
      ],
    } as vega.GroupMark);
  }
  const spec: vega.Spec = {
    width, height, padding: 12, autosize: { type: 'pad' }, background: 'white',
    ...(options.title ? { title: { text: options.title, anchor: 'middle', frame: 'group' } } : {}),
    scales: [
      { name: 'x', type: 'linear', domain: edges(xAxis, cols), range: [0, width], zero: false, nice: false },
      { name: 'y', type: 'linear', domain: edges(yAxis, rows), range: [0, height], zero: false, nice: false },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: xAxis.label, values: xTicks.map((t) => t.value), domain: false, offset: 1, encode: { labels: { update: { text: labelLookup(xTicks) } } } },
      { orient: 'left', scale: 'y', title: yAxis.label, values: yTicks.map((t) => t.value), domain: false, offset: 1, encode: { labels: { update: { text: labelLookup(yTicks) } } } },
    ],
    marks,
  };
  const rendered = vegaToSvg(spec);
  const svg = rendered.svg; // vega marks the unsmoothed images image-rendering: pixelated itself
  const raster = svgToPng(svg, ratio);
  const [ox, oy] = rendered.origin;
  const px = (v: number): number => Math.round(v * ratio);
  const plot = { x: px(ox), y: px(oy), width: px(width), height: px(height), scale: scale * ratio };
  const place = (ticks: readonly FigureTick[], at: number): FigureTick[] => ticks.map((t) => ({ ...t, position: px(at + t.position) }));
  return {
    width: raster.width, height: raster.height, rgba: raster.rgba, png: raster.png, svg, vmin, vmax, plot,
    xTicks: place(xTicks, ox), yTicks: place(yTicks, oy),
    ...(options.colorbar ? {
      colorbar: { x: px(ox + width + BAR_GAP), y: plot.y, width: px(BAR_WIDTH), height: plot.height },
      colorbarTicks: barValues.map((t) => ({ ...t, position: px(oy + ((vmax - t.value) / (vmax - vmin)) * height) })).sort((a, b) => a.position - b.position),
    } : {}),
  };
}

/**
 * `renderFigure` written as a PNG file at `path` and as an SVG file next
 * to it (`x.png` → `x.svg`; `svg: false` skips it), both atomically; returns the figure's size,
 * value range and layout (everything but the pixels), and the SVG path when one was written.
 */
export function writeFigure(
  path: string, values: ArrayLike<number>, shape: readonly [number, number], options: FigureOptions,
): Omit<RenderedFigure, 'rgba' | 'svg' | 'png'> & { readonly svgPath?: string } {
  const { rgba, svg, png, ...layout } = renderFigure(values, shape, options);
  writeFileAtomic(path, png ?? encodePng({ ...layout, rgba }));
  if (svg === undefined || options.svg === false) return layout;
  const svgPath = svgPathFor(path);
  writeFileAtomic(svgPath, svg);
  return { ...layout, svgPath };
}
