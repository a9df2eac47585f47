import { describe, expect, it } from 'vitest';
import { renderSchedule, SCHEDULE_COLORS } from '../../src/io/schedule-figure.ts';
import type { Rgb } from '../../src/io/raster.ts';
import { buildSchedule } from '../../src/revolve/index.ts';

function countColor(rgba: Uint8Array, color: Rgb): number {
  let count = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] === color[0] && rgba[i + 1] === color[1] && rgba[i + 2] === color[2]) count++;
  return count;
}

describe('schedule figure', () => {
  it('marks every kind of action in its colour, disk levels apart', () => {
    const withDisk = buildSchedule('hrevolve', {
      nTimesteps: 30,
      memorySlots: 2,
      diskSlots: 3,
      costs: { forwardStepMs: 1, reverseStepMs: 1, memory: { writeMs: 0, readMs: 0 }, disk: { writeMs: 0.1, readMs: 0.1 } },
    });
    const image = renderSchedule(withDisk, { width: 600, height: 300 });
    expect(image.rgba.length).toBe(image.width * image.height * 4);
    expect(image.vmax).toBe(30);
    // Each mark colour appears in the plot beyond its legend swatch (12 × 12 pixels).
    for (const color of [SCHEDULE_COLORS.reverse, SCHEDULE_COLORS.saveMemory, SCHEDULE_COLORS.restoreMemory, SCHEDULE_COLORS.saveDisk, SCHEDULE_COLORS.restoreDisk]) {
      expect(countColor(image.rgba, color)).toBeGreaterThan(144);
    }
    const memoryOnly = renderSchedule(buildSchedule('binomial', { nTimesteps: 30, memorySlots: 3, diskSlots: 0 }), { width: 600, height: 300 });
    // Only the legend swatch (and its label) carries the disk colours.
    expect(countColor(memoryOnly.rgba, SCHEDULE_COLORS.saveDisk)).toBeLessThan(countColor(image.rgba, SCHEDULE_COLORS.saveDisk));
  });
});
