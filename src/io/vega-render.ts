/**
 * The plotting stack behind the figures: a Vega spec (axes, ticks, titles, legends laid out by
 * `vega`) rendered to SVG by vega's own SVG string renderer, and the SVG rasterised to PNG by
 * `@resvg/resvg-js` with DejaVu Sans from Debian. Everything here is synchronous, so the figure
 * writers keep their synchronous signatures.
 *
 * Vega's own `view.toSVG()` is asynchronous only because it loads images and data over its
 * loader; the figures carry no external data and their images are data URLs made here, so the
 * dataflow runs to completion inside `view.run()` and the images are handed to the scenegraph
 * directly (`preloadImages`).
 */
import { createRequire } from 'node:module';
import * as vega from 'vega';
import { MissingPackageError } from '../errors.ts';
import { FONT_FAMILY, fontMetrics, fontPath, missingFontMessage } from './font.ts';

type ResvgModule = typeof import('@resvg/resvg-js');

let resvgModule: ResvgModule | undefined;
let resvgError: string | undefined;

/** resvg's native binding, loaded once; undefined (with `resvgError` set) when this platform has none. */
function resvg(): ResvgModule | undefined {
  if (resvgModule || resvgError) return resvgModule;
  try {
    resvgModule = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
  } catch (error) {
    resvgError = `@resvg/resvg-js could not load its prebuilt binary for ${process.platform}-${process.arch} (${(error as Error).message.split('\n')[0]}); reinstall with optional dependencies (npm ci --include=optional)`;
  }
  return resvgModule;
}

/** Why the figures cannot be drawn here (font or rasteriser missing), or undefined when they can. */
export function plottingUnavailable(): string | undefined {
  if (!fontPath()) return missingFontMessage();
  resvg();
  return resvgError;
}

/** Throws `MissingPackageError` naming the Debian / npm package to install when figures cannot be drawn. */
export function requirePlotting(what: string): void {
  const reason = plottingUnavailable();
  if (reason) throw new MissingPackageError(`${what}: ${reason}`);
}

/** Shared look: DejaVu Sans everywhere, black axes, matplotlib-like sizes. */
export const VEGA_CONFIG = {
  font: FONT_FAMILY,
  title: { font: FONT_FAMILY, fontSize: 15, fontWeight: 'normal', color: '#000', offset: 10 },
  axis: {
    labelFont: FONT_FAMILY, titleFont: FONT_FAMILY, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal',
    labelColor: '#000', titleColor: '#000', tickColor: '#000', domainColor: '#000', tickSize: 5, labelPadding: 3, titlePadding: 8,
    grid: false, labelOverlap: false,
  },
  legend: { labelFont: FONT_FAMILY, titleFont: FONT_FAMILY, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelColor: '#000', titleColor: '#000' },
  text: { font: FONT_FAMILY, fill: '#000' },
} as const;

/** A rendered Vega spec: the SVG text, its size in CSS pixels and where the top-level data rectangle's origin lies. */
export interface VegaSvg {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  /** The origin of the spec's `width` × `height` plotting rectangle in SVG pixels. */
  readonly origin: readonly [number, number];
}

interface SceneItem {
  marktype?: string;
  url?: string;
  image?: unknown;
  items?: SceneItem[];
}

/** Our images are data URLs of known size: give them to the scenegraph so no asynchronous load is needed. */
function preloadImages(item: SceneItem): void {
  if (item.marktype === 'image') {
    for (const child of item.items ?? []) if (child.url) child.image = { complete: true, width: 1, height: 1, src: child.url, url: child.url };
  }
  for (const child of item.items ?? []) if (child.items) preloadImages(child);
}

/** Renders `spec` to an SVG string, synchronously. Text widths come from the real font, so labels fit. */
export function vegaToSvg(spec: vega.Spec): VegaSvg {
  const font = fontPath();
  if (!font) throw new MissingPackageError(`figure: ${missingFontMessage()}`);
  const metrics = fontMetrics(font);
  // Not in vega's typings, but exported and meant to be replaced (vl-convert does the same).
  const { textMetrics } = vega as unknown as { textMetrics: { width: (item: { fontSize?: number; text?: unknown; limit?: number }, text?: string) => number } };
  textMetrics.width = (item, text) => {
    const value = (text ?? (Array.isArray(item.text) ? item.text.join(' ') : item.text ?? '')) + '';
    return metrics.width(value.trim(), item.fontSize ?? 11);
  };
  const view = new vega.View(vega.parse(spec, VEGA_CONFIG as vega.Config), { renderer: 'none', logLevel: vega.Error });
  view.run();
  const padding = view.padding() as { left: number; right: number; top: number; bottom: number };
  const internal = view as unknown as { _viewWidth: number; _viewHeight: number; _origin: [number, number]; _scenegraph: { root: SceneItem } };
  // Whole-pixel origin and size: the data image and 1-pixel strokes then land on the pixel grid.
  const origin: [number, number] = [Math.ceil(padding.left + internal._origin[0]), Math.ceil(padding.top + internal._origin[1])];
  const width = Math.ceil(origin[0] - internal._origin[0] + internal._viewWidth + padding.right);
  const height = Math.ceil(origin[1] - internal._origin[1] + internal._viewHeight + padding.bottom);
  const root = internal._scenegraph.root;
  preloadImages(root);
  const renderModule = vega.renderModule as unknown as (name: string) => { headless: unknown };
  const Renderer = renderModule('svg').headless as new () => {
    initialize(el: null, width: number, height: number, origin: readonly number[]): { background(color: string): { render(scene: unknown): { svg(): string } } };
  };
  const svg = new Renderer().initialize(null, width, height, origin).background(String(view.background() ?? 'white')).render(root).svg();
  view.finalize();
  return { svg, width, height, origin };
}

/** An SVG string → RGBA pixels and PNG bytes at `pixelRatio` device pixels per SVG pixel. */
export function svgToPng(svg: string, pixelRatio = 1): { width: number; height: number; rgba: Uint8Array; png: Uint8Array } {
  const module = resvg();
  if (!module) throw new MissingPackageError(`figure: ${resvgError}`);
  const font = fontPath();
  if (!font) throw new MissingPackageError(`figure: ${missingFontMessage()}`);
  const renderer = new module.Resvg(svg, {
    fitTo: { mode: 'zoom', value: pixelRatio },
    font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 1,
  });
  const image = renderer.render();
  const rgba = new Uint8Array(image.pixels);
  return { width: image.width, height: image.height, rgba, png: new Uint8Array(image.asPng()) };
}
