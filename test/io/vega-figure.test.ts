import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MissingPackageError } from '../../src/errors.ts';
import { colormap } from '../../src/io/colormap.ts';
import { renderFigure, svgPathFor, writeFigure, type FigureOptions } from '../../src/io/figure.ts';
import { DEFAULT_FONT_PATH, FONT_PACKAGE, fontMetrics } from '../../src/io/font.ts';
import { writeLinePlot } from '../../src/io/line-plot.ts';
import { plottingUnavailable } from '../../src/io/vega-render.ts';

const dir = mkdtempSync(join(tmpdir(), 'devito-ts-vega-figure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.DEVITO_TS_FONT;
});

/** A smooth [nx, nz] gradient-like field: positive and negative lobes, symmetric range. */
function lobes(nx: number, nz: number): Float32Array {
  const out = new Float32Array(nx * nz);
  for (let x = 0; x < nx; x++) for (let z = 0; z < nz; z++) out[x * nz + z] = Math.sin(x / 20) * Math.cos(z / 15) * 1e-4;
  return out;
}

const pixel = (png: { width: number; data: Uint8Array }, x: number, y: number): number[] => {
  const at = (y * png.width + x) * 4;
  return Array.from(png.data.subarray(at, at + 3));
};
/** The text of every <text> element of an SVG document. */
const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

const section: FigureOptions = {
  colormap: 'seismic', vmin: -1e-4, vmax: 1e-4, title: 'FWI gradient', colorbar: { label: 'dJ/dm' },
  xAxis: { label: 'x (m)', start: 0, step: 10 }, yAxis: { label: 'depth (m)', start: 0, step: 10 },
};

describe('figures through vega and resvg', () => {
  it('the font and the rasteriser are here (Debian fonts-dejavu-core, resvg prebuilt binary)', () => {
    expect(existsSync(DEFAULT_FONT_PATH)).toBe(true);
    expect(plottingUnavailable()).toBeUndefined();
    // DejaVu Sans advance widths straight from the TrueType file: digits are 1303/2048 em, a space 651/2048.
    const metrics = fontMetrics(DEFAULT_FONT_PATH);
    expect(metrics.width('0', 2048)).toBe(1303);
    expect(metrics.width('10 ', 2048)).toBe(2 * 1303 + 651);
  });

  it('writes the SVG next to the PNG; the PNG decodes at the reported size with the data where the layout says', () => {
    const values = lobes(600, 300);
    const path = join(dir, 'gradient.png');
    const info = writeFigure(path, values, [600, 300], section);
    expect(info.svgPath).toBe(join(dir, 'gradient.svg'));
    expect(svgPathFor('/a/b.PNG')).toBe('/a/b.svg');
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([info.width, info.height]);
    expect(info.plot).toMatchObject({ width: 600, height: 300, scale: 1 });
    // A pixel per sample at scale 1: sample (x, z) is pixel (plot.x + x, plot.y + z), in the seismic colour map.
    const map = colormap('seismic');
    for (const [x, z] of [[0, 0], [31, 0], [94, 47], [300, 150], [599, 299]] as const) {
      expect(pixel(png, info.plot.x + x, info.plot.y + z)).toEqual([...map((values[x * 300 + z]! + 1e-4) / 2e-4)]);
    }
    // Black frame just outside the data, white margins, colour bar ends = colour map ends.
    expect(pixel(png, info.plot.x - 1, info.plot.y + 100)).toEqual([0, 0, 0]);
    expect(pixel(png, info.plot.x + 100, info.plot.y + info.plot.height)).toEqual([0, 0, 0]);
    expect(pixel(png, 0, 0)).toEqual([255, 255, 255]);
    const bar = info.colorbar!;
    expect(pixel(png, bar.x + 8, bar.y)).toEqual([...map(1)]);
    expect(pixel(png, bar.x + 8, bar.y + bar.height - 1)).toEqual([...map(0)]);
    expect(info.colorbarTicks!.map((t) => t.label)).toEqual(['1e-4', '5e-5', '0', '-5e-5', '-1e-4']);
    const svg = readFileSync(info.svgPath!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain(`width="${info.width}"`);
  });

  it('text is real text in the SVG, in DejaVu Sans: title, axis titles, tick labels and colour bar values', () => {
    const figure = renderFigure(lobes(600, 300), [600, 300], section);
    const svg = figure.svg!;
    const words = texts(svg);
    for (const word of ['FWI gradient', 'x (m)', 'depth (m)', 'dJ/dm', '0', '1000', '5000', '2000', '1e-4', '-5e-5']) expect(words).toContain(word);
    expect(figure.xTicks.map((t) => t.label)).toEqual(['0', '1000', '2000', '3000', '4000', '5000']);
    for (const tick of [...figure.xTicks, ...figure.yTicks]) expect(words).toContain(tick.label);
    expect(svg).toMatch(/font-family="DejaVu Sans, sans-serif"/);
    // The data is one embedded image, drawn unsmoothed; no per-sample rectangles.
    expect(svg.match(/<image /g)?.length).toBe(2); // the data and the colour bar
    expect(svg).toContain('image-rendering: pixelated');
    expect((svg.match(/<path /g) ?? []).length).toBeLessThan(100);
  });

  it('shot records: time in seconds down the rows; pixelRatio 2 doubles the PNG', () => {
    const [nt, nrec] = [200, 50];
    const shot = Float32Array.from({ length: nt * nrec }, (_, i) => Math.sin(i / 7));
    const options: FigureOptions = {
      layout: 'rows', colormap: 'seismic', title: 'Shot record', scale: 2,
      xAxis: { label: 'receiver x (m)', start: 100, step: 20 }, yAxis: { label: 'time (s)', start: 0, step: 0.004 },
    };
    const one = renderFigure(shot, [nt, nrec], options);
    expect(one.plot).toMatchObject({ width: 100, height: 400, scale: 2 });
    expect(texts(one.svg!)).toEqual(expect.arrayContaining(['time (s)', 'receiver x (m)', 'Shot record', '0.0', '0.4', '0.7', '1000']));
    const two = renderFigure(shot, [nt, nrec], { ...options, pixelRatio: 2 });
    expect([two.width, two.height]).toEqual([one.width * 2, one.height * 2]);
    expect(two.plot).toMatchObject({ x: one.plot.x * 2, y: one.plot.y * 2, width: 200, height: 800, scale: 4 });
    const decoded = PNG.sync.read(Buffer.from(two.png!));
    expect([decoded.width, decoded.height]).toEqual([two.width, two.height]);
  });

  it('a 600 × 300 section with colour bar renders (SVG + PNG) quickly: one image mark, not a mark per sample', () => {
    const values = lobes(600, 300);
    renderFigure(values, [600, 300], section); // warm-up: module and font loading
    const start = performance.now();
    const figure = renderFigure(values, [600, 300], section);
    const ms = performance.now() - start;
    console.log(`600 × 300 figure: ${ms.toFixed(0)} ms, PNG ${figure.png!.length} bytes, SVG ${figure.svg!.length} bytes`);
    // Alone on an idle core this takes 100–250 ms; the bound leaves room for a loaded CI machine while still
    // catching a return to one vega mark per sample (seconds for 180,000 rects).
    expect(ms).toBeLessThan(2000);
  });

  it('without the font it refuses with the Debian package to install, and writes nothing', () => {
    process.env.DEVITO_TS_FONT = join(dir, 'no-such-font.ttf');
    expect(plottingUnavailable()).toMatch(new RegExp(`no-such-font\\.ttf is missing; install the Debian package ${FONT_PACKAGE}`));
    const path = join(dir, 'nofont.png');
    expect(() => writeFigure(path, lobes(60, 30), [60, 30], section)).toThrow(MissingPackageError);
    expect(() => writeFigure(path, lobes(60, 30), [60, 30], section)).toThrow(/figure: .*install the Debian package fonts-dejavu-core/);
    expect(() => writeLinePlot(path, [{ label: 'J', points: [[1, 2]], color: [0, 0, 0], style: 'line' }], { xLabel: 'x', yLabel: 'y' })).toThrow(/line plot: .*fonts-dejavu-core/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, 'nofont.svg'))).toBe(false);
  });

  it('svg: false writes only the PNG', () => {
    const path = join(dir, 'only.png');
    const info = writeFigure(path, lobes(40, 20), [40, 20], { ...section, svg: false });
    expect(info.svgPath).toBeUndefined();
    expect(existsSync(join(dir, 'only.svg'))).toBe(false);
  });
});
