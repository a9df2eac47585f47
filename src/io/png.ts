import { PNG } from 'pngjs';
import { InvalidArgumentError, ShapeError } from '../errors.ts';
import { colormap, percentile, type ColormapName } from './colormap.ts';
import { writeFileAtomic } from '../support/atomic-write.ts';

export interface ImageOptions {
  /** `seismic` (default; blue–white–red, symmetric about 0) for wavefields, data and gradients; `gray` or `viridis` for models. */
  readonly colormap?: ColormapName;
  /**
   * Percentile of the values that maps to the ends of the colour scale: of |value| for `seismic`
   * (default 99, so a few spikes do not wash the image out), of the values at both ends otherwise
   * (default 100: the minimum and maximum).
   */
  readonly clipPercentile?: number;
  /** Explicit value range; overrides the percentile clip (give both). */
  readonly vmin?: number;
  readonly vmax?: number;
  /**
   * `xz` (default): axis 0 runs left → right and axis 1 top → bottom, Devito's `[x, z]` layout
   * (depth downwards). `rows`: axis 0 is the image row, like a matrix.
   */
  readonly layout?: 'xz' | 'rows';
  /** Integer magnification (nearest neighbour), default 1. */
  readonly scale?: number;
}

/** An RGBA image and the value range its colours stand for. */
export interface RenderedImage {
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA, 4 bytes per pixel. */
  readonly rgba: Uint8Array;
  readonly vmin: number;
  readonly vmax: number;
}

function valueRange(values: ArrayLike<number>, options: ImageOptions, map: ColormapName): [number, number] {
  if (options.vmin !== undefined || options.vmax !== undefined) {
    const { vmin, vmax } = options;
    if (vmin === undefined || vmax === undefined || !(vmin < vmax)) {
      throw new InvalidArgumentError(`image: give both vmin and vmax with vmin < vmax, got ${vmin} and ${vmax}`);
    }
    return [vmin, vmax];
  }
  if (map === 'seismic') {
    const abs = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) abs[i] = Math.abs(values[i]!);
    // All-zero data (or a clip landing on zeros) still needs a non-empty range.
    const clip = percentile(abs, options.clipPercentile ?? 99) || percentile(abs, 100) || 1;
    return [-clip, clip];
  }
  const p = options.clipPercentile ?? 100;
  const lo = percentile(values, 100 - p);
  const hi = percentile(values, p);
  return lo < hi ? [lo, hi] : [lo - 0.5, lo + 0.5];
}

/** A 2D array (dense, row-major, `shape` = [n0, n1]) → RGBA pixels through a colour map. */
export function renderImage(values: ArrayLike<number>, shape: readonly [number, number], options: ImageOptions = {}): RenderedImage {
  const [n0, n1] = shape;
  if (shape.length !== 2 || !Number.isInteger(n0) || !Number.isInteger(n1) || n0 < 1 || n1 < 1) {
    throw new ShapeError(`image: shape must be two positive integers, got ${JSON.stringify(shape)}`);
  }
  if (values.length !== n0 * n1) throw new ShapeError(`image: shape [${n0}, ${n1}] needs ${n0 * n1} values, got ${values.length}`);
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new InvalidArgumentError(`image: scale must be an integer in 1…64, got ${scale}`);
  const name = options.colormap ?? 'seismic';
  const map = colormap(name);
  const [vmin, vmax] = valueRange(values, options, name);
  const xz = (options.layout ?? 'xz') === 'xz';
  const cols = xz ? n0 : n1;
  const rows = xz ? n1 : n0;
  const width = cols * scale;
  const height = rows * scale;
  const rgba = new Uint8Array(width * height * 4);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const value = values[xz ? col * n1 + row : row * n1 + col]!;
      const [r, g, b] = map((value - vmin) / (vmax - vmin));
      for (let dy = 0; dy < scale; dy++) {
        let at = ((row * scale + dy) * width + col * scale) * 4;
        for (let dx = 0; dx < scale; dx++, at += 4) {
          rgba[at] = r;
          rgba[at + 1] = g;
          rgba[at + 2] = b;
          rgba[at + 3] = 255;
        }
      }
    }
  }
  return { width, height, rgba, vmin, vmax };
}

/** A rendered image → the bytes of a PNG file (8-bit RGBA, encoded by pngjs). */
export function encodePng(image: RenderedImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength);
  return PNG.sync.write(png);
}

/**
 * A 2D array (dense row-major, e.g. `field.data.toArray()` of a 2D field, shape `[nx, nz]`) →
 * a PNG file at `path`, through a colour map; returns the image size and the value range shown.
 */
export function writePng(path: string, values: ArrayLike<number>, shape: readonly [number, number], options: ImageOptions = {}): Omit<RenderedImage, 'rgba'> {
  const image = renderImage(values, shape, options);
  writeImageFile(path, image);
  return { width: image.width, height: image.height, vmin: image.vmin, vmax: image.vmax };
}

/** Writes a rendered image as a PNG file at `path`, atomically (a reader never sees half a file). */
export function writeImageFile(path: string, image: RenderedImage): void {
  writeFileAtomic(path, encodePng(image));
}
