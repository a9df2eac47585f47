/** What the framed figures (`figure.ts`, `line-plot.ts`) share: layout sizes in pixels and axis ticks. */
import { GLYPH_ASCENT, GLYPH_ROWS, drawText, measureText } from './bitmap-font.ts';
import { BLACK, fillRect, type Raster } from './raster.ts';

// Text is the 5×7 font at ×2: capitals are 14 pixels tall, lines 18 with descenders.
export const TEXT_SCALE = 2;
export const CAP = GLYPH_ASCENT * TEXT_SCALE;
export const LINE = GLYPH_ROWS * TEXT_SCALE;
export const PAD = 12;
export const GAP = 6;
export const TICK = 5;

/** Width in pixels of the widest of `labels` (0 for none). */
export function widest(labels: readonly string[]): number {
  return Math.max(0, ...labels.map((label) => measureText(label, TEXT_SCALE)));
}

/** The plotting area a tick is drawn against (inside its 1-pixel frame). */
interface PlotArea {
  readonly x: number;
  readonly y: number;
  readonly height: number;
}

/** A tick under the plot at column `x`, its label centred below it with its top at row `labelY`. */
export function drawXTick(raster: Raster, plot: PlotArea, x: number, label: string, labelY: number): void {
  fillRect(raster, x, plot.y + plot.height + 1, 1, TICK, BLACK);
  drawText(raster, label, x + 0.5, labelY, { align: 'center' });
}

/** A tick left of the plot at row `y`, its label right-aligned before it. */
export function drawYTick(raster: Raster, plot: PlotArea, y: number, label: string): void {
  fillRect(raster, plot.x - 1 - TICK, y, TICK, 1, BLACK);
  drawText(raster, label, plot.x - 1 - TICK - GAP, y - CAP / 2, { align: 'right' });
}
