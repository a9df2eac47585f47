/** An 8-bit RGB colour. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

/** A mutable RGBA pixel buffer (row-major, 4 bytes per pixel) that figures are drawn into. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** A `width` × `height` raster filled with an opaque `background`. */
export function createRaster(width: number, height: number, background: Rgb = WHITE): Raster {
  const raster = { width, height, rgba: new Uint8Array(width * height * 4) };
  fillRect(raster, 0, 0, width, height, background);
  return raster;
}

/** Fills an axis-aligned rectangle with an opaque colour; the parts outside the raster are skipped. */
export function fillRect(raster: Raster, x: number, y: number, w: number, h: number, color: Rgb): void {
  // Clipping here lets callers place text and ticks near the border without bounds checks of their own.
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(raster.width, Math.round(x + w));
  const y1 = Math.min(raster.height, Math.round(y + h));
  for (let row = y0; row < y1; row++) {
    for (let at = (row * raster.width + x0) * 4, col = x0; col < x1; col++, at += 4) {
      raster.rgba[at] = color[0];
      raster.rgba[at + 1] = color[1];
      raster.rgba[at + 2] = color[2];
      raster.rgba[at + 3] = 255;
    }
  }
}

/** Draws the 1-pixel outline of a rectangle just *outside* the box (x, y, w, h), so the box's own pixels stay untouched. */
export function strokeFrame(raster: Raster, x: number, y: number, w: number, h: number, color: Rgb): void {
  fillRect(raster, x - 1, y - 1, w + 2, 1, color);
  fillRect(raster, x - 1, y + h, w + 2, 1, color);
  fillRect(raster, x - 1, y, 1, h, color);
  fillRect(raster, x + w, y, 1, h, color);
}

/** Copies `src` into `dst` with its top-left corner at (x, y); `src` must fit inside `dst`. */
export function blit(dst: Raster, src: Raster, x: number, y: number): void {
  for (let row = 0; row < src.height; row++) {
    const from = row * src.width * 4;
    dst.rgba.set(src.rgba.subarray(from, from + src.width * 4), ((y + row) * dst.width + x) * 4);
  }
}
