import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DevitoError, InvalidArgumentError, ShapeError } from '../../src/errors.ts';
import { colormap } from '../../src/io/colormap.ts';
import { formatValue, renderFigure, writeFigure, type FigureOptions, type RenderedFigure } from '../../src/io/figure.ts';
import { fontMetrics, fontPath } from '../../src/io/font.ts';

const dir = mkdtempSync(join(tmpdir(), 'devito-ts-figure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const metres = (label: string) => ({ label, start: 0, step: 10 });

/** A [nx, nz] field growing with x and z, so every sample has its own colour. */
function ramp(nx: number, nz: number): Float64Array {
  const out = new Float64Array(nx * nz);
  for (let x = 0; x < nx; x++) for (let z = 0; z < nz; z++) out[x * nz + z] = Math.sin(x / 3) + z / nz;
  return out;
}

type Image = { width: number; rgba: Uint8Array } | PNG;
const rgbaOf = (image: Image): Uint8Array => ('rgba' in image ? image.rgba : image.data);
const rgb = (image: Image, col: number, row: number): number[] => {
  const at = (row * image.width + col) * 4;
  return Array.from(rgbaOf(image).subarray(at, at + 3));
};
const isDark = (image: Image, col: number, row: number): boolean => rgb(image, col, row).every((c) => c < 96);
/** Dark pixels in the half-open box [x0, x1) × [y0, y1). */
function darkIn(image: Image, x0: number, y0: number, x1: number, y1: number): number {
  let count = 0;
  for (let row = y0; row < y1; row++) for (let col = x0; col < x1; col++) if (isDark(image, col, row)) count++;
  return count;
}

describe('figure', () => {
  const velocity: FigureOptions = {
    colormap: 'viridis', title: 'Velocity', xAxis: metres('x (m)'), yAxis: metres('depth (m)'), colorbar: { label: 'vp (km/s)' },
  };

  it('writes a PNG that decodes to the reported size, the data magnified inside white margins', () => {
    const path = join(dir, 'velocity.png');
    const info = writeFigure(path, ramp(30, 20), [30, 20], velocity);
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([info.width, info.height]);
    // 30 × 20 samples: the automatic factor is the largest ≤ 16 keeping the long side ≤ 480 pixels.
    expect(info.plot).toMatchObject({ width: 480, height: 320, scale: 16 });
    expect(info.width).toBeGreaterThan(info.plot.x + info.plot.width + 60); // margins plus colour bar
    expect(info.height).toBeGreaterThan(info.plot.y + info.plot.height + 40);
    expect(rgb(png, 0, 0)).toEqual([255, 255, 255]);
    expect(rgb(png, png.width - 1, png.height - 1)).toEqual([255, 255, 255]);
    // The black frame hugs the data.
    expect(rgb(png, info.plot.x - 1, info.plot.y + 5)).toEqual([0, 0, 0]);
    expect(rgb(png, info.plot.x + info.plot.width, info.plot.y + 5)).toEqual([0, 0, 0]);
    expect(rgb(png, info.plot.x + 5, info.plot.y + info.plot.height)).toEqual([0, 0, 0]);
    const explicit = renderFigure(ramp(30, 20), [30, 20], { ...velocity, scale: 3 });
    expect(explicit.plot).toMatchObject({ width: 90, height: 60, scale: 3 });
  });

  it('the data area holds the colour-mapped values: x across, depth down; rows layout for shot records', () => {
    const values = ramp(30, 20);
    const figure = renderFigure(values, [30, 20], velocity);
    const { plot, vmin, vmax } = figure;
    expect([vmin, vmax]).toEqual([Math.min(...values), Math.max(...values)]);
    const map = colormap('viridis');
    for (const [x, z] of [[0, 0], [29, 0], [0, 19], [7, 11], [29, 19]] as const) {
      const expected = map((values[x * 20 + z]! - vmin) / (vmax - vmin));
      expect(rgb(figure, plot.x + x * plot.scale + 8, plot.y + z * plot.scale + 8)).toEqual([...expected]);
    }
    // A shot record [nt, nrec]: time down the rows, receivers across; seismic map, symmetric range.
    const [nt, nrec] = [50, 8];
    const shot = Float64Array.from({ length: nt * nrec }, (_, i) => Math.sin(i / 7) * (i % 3 - 1));
    const record = renderFigure(shot, [nt, nrec], {
      layout: 'rows', colormap: 'seismic', vmin: -1, vmax: 1, xAxis: metres('receiver (m)'), yAxis: { label: 'time (s)', start: 0, step: 0.004 },
    });
    expect(record.plot).toMatchObject({ width: 8 * 9, height: 50 * 9, scale: 9 });
    const seismic = colormap('seismic');
    for (const [t, r] of [[0, 0], [13, 5], [49, 7]] as const) {
      const expected = seismic((shot[t * nrec + r]! + 1) / 2);
      expect(rgb(record, record.plot.x + r * 9 + 4, record.plot.y + t * 9 + 4)).toEqual([...expected]);
    }
    expect(record.yTicks.map((t) => t.label)).toEqual(['0.00', '0.05', '0.10', '0.15']);
  });

  it('ticks sit at round 1-2-5 coordinates on sample centres, with labels beside them and blank margins elsewhere', () => {
    const figure = renderFigure(ramp(201, 101).map((v) => v + 2), [201, 101], velocity); // positive: no 0 on the colour bar
    const { plot } = figure;
    expect(plot.scale).toBe(2);
    expect(figure.xTicks.map((t) => t.label)).toEqual(['0', '500', '1000', '1500', '2000']);
    expect(figure.yTicks.map((t) => t.label)).toEqual(['0', '500', '1000']);
    // 500 m is sample 50, whose two pixels start at 2 × 50 = 100 past the plot edge.
    expect(figure.xTicks[1]!.position).toBe(plot.x + 101);
    expect(figure.yTicks[2]!.position).toBe(plot.y + 201);
    const below = plot.y + plot.height + 1;
    for (const tick of figure.xTicks) {
      expect(rgb(figure, tick.position, below + 2)).toEqual([0, 0, 0]); // the tick mark
      expect(darkIn(figure, tick.position - 12, below + 8, tick.position + 12, below + 30)).toBeGreaterThan(10); // its label
    }
    for (const [a, b] of [[0, 1], [1, 2], [3, 4]]) {
      const mid = Math.round((figure.xTicks[a]!.position + figure.xTicks[b]!.position) / 2);
      expect(darkIn(figure, mid - 8, below, mid + 8, below + 30)).toBe(0); // nothing between labels
    }
    for (const tick of figure.yTicks) {
      expect(rgb(figure, plot.x - 3, tick.position)).toEqual([0, 0, 0]);
      expect(darkIn(figure, plot.x - 40, tick.position - 7, plot.x - 8, tick.position + 7)).toBeGreaterThan(10);
    }
    const midY = Math.round((figure.yTicks[0]!.position + figure.yTicks[1]!.position) / 2);
    expect(darkIn(figure, 0, midY - 10, plot.x - 1, midY + 10)).toBe(0);
    // Between the frame and the colour bar, and the padding at the bottom, stay blank.
    const bar = figure.colorbar!;
    expect(darkIn(figure, plot.x + plot.width + 2, plot.y, bar.x - 2, plot.y + plot.height)).toBe(0);
    expect(darkIn(figure, 0, figure.height - 10, figure.width, figure.height)).toBe(0);
    // The colour bar runs from vmax (top) to vmin (bottom), its end values written beside it.
    const map = colormap('viridis');
    expect(rgb(figure, bar.x + 9, bar.y)).toEqual([...map(1)]);
    expect(rgb(figure, bar.x + 9, bar.y + bar.height - 1)).toEqual([...map(0)]);
    expect(darkIn(figure, bar.x + bar.width + 8, bar.y - 7, figure.width, bar.y + 7)).toBeGreaterThan(10);
    // Labels only at the colour bar's ticks (its ends and any round values between): blank half way between them.
    const barTicks = figure.colorbarTicks!;
    expect(barTicks[0]!.label).toBe(formatValue(figure.vmax));
    expect(barTicks[barTicks.length - 1]!.label).toBe(formatValue(figure.vmin));
    for (let i = 1; i < barTicks.length; i++) {
      const mid = Math.round((barTicks[i - 1]!.position + barTicks[i]!.position) / 2);
      expect(darkIn(figure, bar.x + bar.width + 8, mid - 2, bar.x + bar.width + 60, mid + 2)).toBe(0);
    }
    // Title and axis labels: ink above the plot and under the x tick labels.
    expect(darkIn(figure, 0, 0, figure.width, plot.y - 10)).toBeGreaterThan(100);
    expect(darkIn(figure, plot.x, below + 30, plot.x + plot.width, figure.height)).toBeGreaterThan(30);
  });

  it('tick values are free of rounding noise; colour bar values read at three digits', () => {
    const time = renderFigure(new Float64Array(715 * 4).fill(1), [715, 4], {
      layout: 'rows', scale: 1, xAxis: metres('x (m)'), yAxis: { label: 'time (s)', start: 0, step: 1.4e-3 },
    });
    expect(time.yTicks.map((t) => t.label)).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9']);
    expect(time.yTicks[3]!.value).toBe(0.3);
    const offset = renderFigure(new Float64Array(60).fill(2), [30, 2], { xAxis: { label: 'x', start: -35, step: 5 }, yAxis: metres('z') });
    expect(offset.xTicks.map((t) => t.label)).toEqual(['-20', '0', '20', '40', '60', '80', '100']);
    expect([formatValue(2.5), formatValue(-0.25), formatValue(1.8713e-5), formatValue(123456), formatValue(0)]).toEqual(['2.5', '-0.25', '1.87e-5', '1.23e5', '0']);
  });

  it('refuses mismatched shapes, data with no finite value and malformed axes, with messages that say what is wrong', () => {
    const axes = { xAxis: metres('x (m)'), yAxis: metres('depth (m)') };
    const expectError = (body: () => unknown, type: typeof DevitoError, message: RegExp): void => {
      let error: unknown;
      try {
        body();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(type);
      expect(error).toBeInstanceOf(DevitoError);
      expect((error as Error).message).toMatch(message);
    };
    expectError(() => renderFigure(new Float64Array(10), [4, 3], axes), ShapeError, /shape \[4, 3\] needs 12 values, got 10/);
    expectError(() => renderFigure(new Float64Array(12).fill(Number.NaN), [4, 3], axes), InvalidArgumentError, /all 12 values are NaN or infinite/);
    expectError(() => writeFigure(join(dir, 'bad.png'), new Float64Array(12), [4, 3], { ...axes, yAxis: { label: 'time (s)', start: 0, step: 0 } }), InvalidArgumentError, /yAxis needs .*step: finite number > 0/);
    expectError(() => renderFigure(new Float64Array(12), [4, 3], { xAxis: metres('x') } as FigureOptions), InvalidArgumentError, /yAxis needs/);
  });

  it('degenerate sizes still lay out: a single sample, and a long title wider than the data', () => {
    const single: RenderedFigure = renderFigure([3], [1, 1], { xAxis: metres('x (m)'), yAxis: metres('depth (m)'), colorbar: {} });
    expect(single.plot).toMatchObject({ width: 16, height: 16 });
    expect(single.xTicks.map((t) => t.label)).toEqual(['0']);
    const titled = renderFigure(ramp(4, 4), [4, 4], { title: 'A rather long title for four samples', xAxis: metres('x (m)'), yAxis: metres('z (m)') });
    // Wide enough for the title in DejaVu Sans at 15 px, plus the padding.
    expect(titled.width).toBeGreaterThanOrEqual(fontMetrics(fontPath()!).width('A rather long title for four samples', 15) + 24);
  });
});
