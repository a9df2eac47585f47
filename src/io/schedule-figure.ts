/**
 * A checkpointing schedule as a picture, like the classic Revolve figures: action index to the
 * right, forward step upwards. Advances are black vertical bars (the steps they run), reverse
 * steps red dots, saves and restores squares coloured by level, discards grey.
 */
import type { Action, LevelledSchedule } from '../revolve/index.ts';
import { drawText, measureText } from './bitmap-font.ts';
import { writeImageFile, type RenderedImage } from './png.ts';
import { BLACK, createRaster, fillRect, strokeFrame, type Rgb } from './raster.ts';

/** Colours of the marks, for the legend and for tests that look for them. */
export const SCHEDULE_COLORS = Object.freeze({
  advance: BLACK,
  reverse: [220, 30, 30] as Rgb,
  saveMemory: [30, 90, 230] as Rgb,
  saveDisk: [140, 40, 190] as Rgb,
  restoreMemory: [20, 160, 60] as Rgb,
  restoreDisk: [235, 140, 20] as Rgb,
  discard: [150, 150, 150] as Rgb,
});

export interface ScheduleFigureOptions {
  /** Plot size in pixels (default 900 × 420). */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
}

/** Where a mark of `action` goes and what colour it is; advances are handled apart. */
function markOf(action: Action, levels: readonly string[]): { step: number; color: Rgb } | undefined {
  switch (action.kind) {
    case 'save':
      return { step: action.step, color: levels[action.slot] === 'disk' ? SCHEDULE_COLORS.saveDisk : SCHEDULE_COLORS.saveMemory };
    case 'restore':
      return { step: action.step, color: levels[action.slot] === 'disk' ? SCHEDULE_COLORS.restoreDisk : SCHEDULE_COLORS.restoreMemory };
    case 'discard':
      return { step: action.step, color: SCHEDULE_COLORS.discard };
    case 'reverse':
      return { step: action.step, color: SCHEDULE_COLORS.reverse };
    default:
      return undefined;
  }
}

/** `schedule` → an RGBA picture of it (`vmin`/`vmax`: the step range, 0 … n). */
export function renderSchedule(schedule: LevelledSchedule, options: ScheduleFigureOptions = {}): RenderedImage {
  const plotW = options.width ?? 900;
  const plotH = options.height ?? 420;
  const left = 80;
  const top = 44;
  const bottom = 84;
  const legend: [string, Rgb][] = [
    ['advance', SCHEDULE_COLORS.advance],
    ['reverse', SCHEDULE_COLORS.reverse],
    ['save mem', SCHEDULE_COLORS.saveMemory],
    ['save disk', SCHEDULE_COLORS.saveDisk],
    ['restore mem', SCHEDULE_COLORS.restoreMemory],
    ['restore disk', SCHEDULE_COLORS.restoreDisk],
    ['discard', SCHEDULE_COLORS.discard],
  ];
  const legendWidth = legend.reduce((sum, [label]) => sum + 36 + measureText(label), 0);
  const raster = createRaster(Math.max(left + plotW + 24, left + legendWidth), top + plotH + bottom);
  const n = schedule.summary.nTimesteps;
  const count = schedule.actions.length;
  const x = (i: number) => left + (count > 1 ? (i / (count - 1)) * (plotW - 1) : 0);
  const y = (step: number) => top + plotH - 1 - (step / n) * (plotH - 1);
  const mark = Math.max(2, Math.min(6, Math.floor(plotW / count)));
  schedule.actions.forEach((action, i) => {
    if (action.kind === 'advance') {
      fillRect(raster, x(i) - 1, y(action.to), 2, y(action.from) - y(action.to) + 1, SCHEDULE_COLORS.advance);
      return;
    }
    const at = markOf(action, schedule.slotLevels);
    if (at) fillRect(raster, x(i) - mark / 2, y(at.step) - mark / 2, mark, mark, at.color);
  });
  strokeFrame(raster, left, top, plotW, plotH, BLACK);
  const s = schedule.summary;
  drawText(raster, options.title ?? `${schedule.name}: n = ${n}, ${s.forwardSteps} forward steps, ${s.saves} saves, ${s.restores} restores`, left, 12);
  drawText(raster, String(n), left - 8, top, { align: 'right' });
  drawText(raster, '0', left - 8, top + plotH - 14, { align: 'right' });
  drawText(raster, 'step', left - 8, top + plotH / 2 - 7, { align: 'right' });
  drawText(raster, '0', left, top + plotH + 8);
  drawText(raster, String(count - 1), left + plotW, top + plotH + 8, { align: 'right' });
  drawText(raster, 'action', left + plotW / 2, top + plotH + 8, { align: 'center' });
  let pen = left;
  for (const [label, color] of legend) {
    fillRect(raster, pen, top + plotH + 44, 12, 12, color);
    pen += 18 + drawText(raster, label, pen + 18, top + plotH + 43, { color }).width + 18;
  }
  return { width: raster.width, height: raster.height, rgba: raster.rgba, vmin: 0, vmax: n };
}

/** `renderSchedule` written as a PNG file at `path` (atomically); returns the image size. */
export function writeScheduleFigure(path: string, schedule: LevelledSchedule, options: ScheduleFigureOptions = {}): { width: number; height: number } {
  const image = renderSchedule(schedule, options);
  writeImageFile(path, image);
  return { width: image.width, height: image.height };
}
