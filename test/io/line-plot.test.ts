import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.ts';
import { renderLinePlot, writeLinePlot, type PlotSeries } from '../../src/io/line-plot.ts';
import type { Rgb } from '../../src/io/raster.ts';

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];

function pixel(png: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const at = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
}

describe('line plot', () => {
  const series: PlotSeries[] = [
    { label: 'measured', points: [[1, 10], [10, 100], [100, 1000]], color: RED, style: 'markers' },
    { label: 'model', points: [[1, 10], [100, 1000]], color: BLUE, style: 'line' },
  ];

  it('writes a PNG (and the SVG next to it) whose markers and line sit where the log axes put them', () => {
    // Markers and lines sit at sub-pixel positions, anti-aliased: a 7-pixel marker is solid 2 pixels off its centre.
    const inset = 2;
    const dir = mkdtempSync(join(tmpdir(), 'line-plot-'));
    try {
      const path = join(dir, 'plot.png');
      const size = writeLinePlot(path, series, { xLabel: 'budget (%)', yLabel: 'time (s)', logX: true, logY: true, plotWidth: 400, plotHeight: 300 });
      const png = PNG.sync.read(readFileSync(path));
      expect([png.width, png.height]).toEqual([size.width, size.height]);
      // The SVG next to the PNG holds the axis titles, tick values and legend as text.
      expect(size.svgPath).toBe(join(dir, 'plot.svg'));
      const svg = readFileSync(size.svgPath!, 'utf8');
      for (const text of ['budget (%)', 'time (s)', 'measured', 'model', '>10<', '>100<']) expect(svg).toContain(text);
      const { plot } = renderLinePlot(series, { xLabel: 'budget (%)', yLabel: 'time (s)', logX: true, logY: true, plotWidth: 400, plotHeight: 300 });
      // The data spans 2 decades on both axes plus a twentieth of a decade each side.
      const at = (v: number, lo: number, pixels: number): number => ((Math.log10(v) - (lo - 0.05)) / 2.1) * (pixels - 1);
      const x = (v: number): number => plot.x + at(v, 0, plot.width);
      const y = (v: number): number => plot.y + plot.height - 1 - at(v, 1, plot.height);
      // The middle marker (10, 100), `inset` pixels off its centre: red. The line crosses it too, but markers are drawn last.
      expect(pixel(png, x(10) + inset, y(100) - inset)).toEqual([...RED]);
      expect(pixel(png, x(10) - inset, y(100) + inset)).toEqual([...RED]); // centred both ways
      // Half way between the ends (in log space) but away from the marker: on the blue line (2-pixel pen, so within a pixel).
      const near = [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => pixel(png, x(Math.sqrt(10)) + dx, y(Math.sqrt(1000)) + dy)));
      // Anti-aliased in vega: at least one pixel close to the pen colour.
      expect(near.some((c) => c.every((v, k) => Math.abs(v - BLUE[k]!) <= 40))).toBe(true);
      // A point well off the line and the markers stays white.
      expect(pixel(png, x(50), y(20))).toEqual([255, 255, 255]);
      // The frame is black just outside the plotting area.
      expect(pixel(png, plot.x - 1, plot.y + 50)).toEqual([0, 0, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when nothing can be drawn', () => {
    expect(() => renderLinePlot([{ label: 'x', points: [[0, -1]], color: RED, style: 'both' }], { xLabel: 'x', yLabel: 'y', logY: true })).toThrow(InvalidArgumentError);
    expect(() => renderLinePlot([], { xLabel: 'x', yLabel: 'y' })).toThrow(/at least one series/);
  });
});
