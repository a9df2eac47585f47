/**
 * A checkpointing schedule as a picture, like the classic Revolve figures: action index to the
 * right, forward step upwards. Advances are black vertical bars (the steps they run), reverse
 * steps red dots, saves and restores squares coloured by level, discards grey. Drawn through vega
 * (SVG, DejaVu Sans) and rasterised by resvg, like the other figures.
 */
import type { Action, LevelledSchedule } from '../revolve/index.ts';
import type * as vega from 'vega';
import { writeFileAtomic } from '../support/atomic-write.ts';
import { svgPathFor } from './figure-layout.ts';
import { fontMetrics, fontPath } from './font.ts';
import type { RenderedImage } from './png.ts';
import { BLACK, type Rgb } from './raster.ts';
import { requirePlotting, svgToPng, vegaToSvg } from './vega-render.ts';

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

const hex = (c: Rgb): string => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** A rectangle mark on whole pixels, so each mark keeps its exact colour in the PNG. */
function box(x: number, y: number, w: number, h: number, color: Rgb): vega.Mark {
  const x0 = Math.round(x);
  const y0 = Math.round(y);
  return { type: 'rect', encode: { enter: { x: { value: x0 }, y: { value: y0 }, width: { value: Math.max(1, Math.round(x + w) - x0) }, height: { value: Math.max(1, Math.round(y + h) - y0) }, fill: { value: hex(color) } } } };
}

/** `schedule` → a picture of it, as SVG and RGBA pixels (`vmin`/`vmax`: the step range, 0 … n). */
export function renderSchedule(schedule: LevelledSchedule, options: ScheduleFigureOptions = {}): RenderedImage & { readonly svg: string; readonly png: Uint8Array } {
  requirePlotting('schedule figure');
  const plotW = options.width ?? 900;
  const plotH = options.height ?? 420;
  const legend: [string, Rgb][] = [
    ['advance', SCHEDULE_COLORS.advance],
    ['reverse', SCHEDULE_COLORS.reverse],
    ['save mem', SCHEDULE_COLORS.saveMemory],
    ['save disk', SCHEDULE_COLORS.saveDisk],
    ['restore mem', SCHEDULE_COLORS.restoreMemory],
    ['restore disk', SCHEDULE_COLORS.restoreDisk],
    ['discard', SCHEDULE_COLORS.discard],
  ];
  const n = schedule.summary.nTimesteps;
  const count = schedule.actions.length;
  const x = (i: number) => (count > 1 ? (i / (count - 1)) * (plotW - 1) : 0);
  const y = (step: number) => plotH - 1 - (step / n) * (plotH - 1);
  const mark = Math.max(2, Math.min(6, Math.floor(plotW / count)));
  const marks: vega.Mark[] = [];
  schedule.actions.forEach((action, i) => {
    if (action.kind === 'advance') {
      marks.push(box(x(i) - 1, y(action.to), 2, y(action.from) - y(action.to) + 1, SCHEDULE_COLORS.advance));
      return;
    }
    const at = markOf(action, schedule.slotLevels);
    if (at) marks.push(box(x(i) - mark / 2, y(at.step) - mark / 2, mark, mark, at.color));
  });
  marks.push({ type: 'rect', encode: { enter: { x: { value: -0.5 }, y: { value: -0.5 }, width: { value: plotW + 1 }, height: { value: plotH + 1 }, stroke: { value: '#000' }, strokeWidth: { value: 1 }, fill: { value: 'transparent' } } } });
  // The legend under the x axis title: a 12-pixel swatch and the label, in the mark's colour.
  const metrics = fontMetrics(fontPath()!);
  let pen = 0;
  for (const [label, color] of legend) {
    marks.push(box(pen, plotH + 52, 12, 12, color));
    marks.push({ type: 'text', encode: { enter: { x: { value: pen + 18 }, y: { value: plotH + 58 }, baseline: { value: 'middle' }, text: { value: label }, fontSize: { value: 11 }, fill: { value: hex(color) } } } });
    pen += 18 + metrics.width(label, 11) + 18;
  }
  const s = schedule.summary;
  const spec: vega.Spec = {
    width: plotW, height: plotH, padding: 12, autosize: { type: 'pad' }, background: 'white',
    title: { text: options.title ?? `${schedule.name}: n = ${n}, ${s.forwardSteps} forward steps, ${s.saves} saves, ${s.restores} restores`, anchor: 'start', frame: 'group' },
    scales: [
      { name: 'x', type: 'linear', domain: [0, Math.max(1, count - 1)], range: [0.5, plotW - 0.5], zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [0, n], range: [plotH - 0.5, 0.5], zero: false, nice: false },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'action', tickCount: 10, format: 'd', domain: false, offset: 1, translate: 0 },
      { orient: 'left', scale: 'y', title: 'step', tickCount: 8, format: 'd', domain: false, offset: 1, translate: 0 },
    ],
    marks,
  };
  const rendered = vegaToSvg(spec);
  const raster = svgToPng(rendered.svg);
  return { width: raster.width, height: raster.height, rgba: raster.rgba, png: raster.png, svg: rendered.svg, vmin: 0, vmax: n };
}

/** `renderSchedule` written as a PNG file at `path` and an SVG file next to it (atomically); returns the image size and the SVG path. */
export function writeScheduleFigure(path: string, schedule: LevelledSchedule, options: ScheduleFigureOptions = {}): { width: number; height: number; svgPath: string } {
  const image = renderSchedule(schedule, options);
  writeFileAtomic(path, image.png);
  const svgPath = svgPathFor(path);
  writeFileAtomic(svgPath, image.svg);
  return { width: image.width, height: image.height, svgPath };
}
