import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { colormap, percentile } from '../../src/io/colormap.ts';
import { renderImage, writePng } from '../../src/io/png.ts';

const dir = mkdtempSync(join(tmpdir(), 'devito-ts-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A [nx, nz] wavefield-like array: a ring, positive inside and negative outside. */
function ring(nx: number, nz: number): Float64Array {
  const out = new Float64Array(nx * nz);
  for (let x = 0; x < nx; x++) for (let z = 0; z < nz; z++) {
    const r = Math.hypot(x - nx / 2, z - nz / 3);
    out[x * nz + z] = Math.cos(r / 3) * Math.exp(-r / 20);
  }
  return out;
}

const pixel = (png: PNG, col: number, row: number): number[] => {
  const at = (row * png.width + col) * 4;
  return Array.from(png.data.subarray(at, at + 4));
};

describe('png', () => {
  it('writes a PNG that decodes to the right size with varied colours ([x, z]: x across, z down)', () => {
    const path = join(dir, 'wavefield.png');
    const info = writePng(path, ring(80, 50), [80, 50]);
    expect(info).toMatchObject({ width: 80, height: 50 });
    expect(info.vmin).toBeCloseTo(-info.vmax);
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([80, 50]);
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.subarray(i, i + 3).join(','));
    expect(colours.size).toBeGreaterThan(50);
  });

  it('seismic is white at zero, red for positive and blue for negative values', () => {
    const values = Float64Array.from([-1, 0, 1, 0.5]); // [x, z] = [4, 1]: one row of four pixels
    const image = renderImage(values, [4, 1], { colormap: 'seismic', vmin: -1, vmax: 1 });
    const px = (i: number): number[] => Array.from(image.rgba.subarray(i * 4, i * 4 + 3));
    expect(px(1)).toEqual([255, 255, 255]);
    expect(px(0)).toEqual([0, 0, 77]);
    expect(px(2)).toEqual([128, 0, 0]);
    expect(px(3)).toEqual([255, 0, 0]);
  });

  it('velocity maps grow with the value; rows layout and scaling', () => {
    const path = join(dir, 'velocity.png');
    const vp = Float32Array.from([1.5, 1.5, 2.5, 2.5, 3.5, 3.5]); // rows: 3 layers of 2 columns
    writePng(path, vp, [3, 2], { colormap: 'gray', layout: 'rows', scale: 4 });
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([8, 12]);
    expect(pixel(png, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(png, 7, 11)).toEqual([255, 255, 255, 255]);
    expect(pixel(png, 3, 5)[0]).toBe(128);
    const viridis = colormap('viridis');
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
  });

  it('the percentile clip ignores spikes; bad shapes are refused', () => {
    const values = new Float64Array(1000).map((_, i) => Math.sin(i));
    values[10] = 1e6;
    const { vmax } = renderImage(values, [100, 10]);
    expect(vmax).toBeLessThan(1.01);
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(() => renderImage(values, [10, 10])).toThrow(/needs 100 values, got 1000/);
    expect(renderImage(new Float32Array(4), [2, 2]).vmax).toBe(1);
  });
});
