/**
 * The font figures are drawn with: DejaVu Sans from Debian's `fonts-dejavu-core`, read at run time
 * (nothing is bundled or downloaded). Its advance widths are read from the TrueType file itself so
 * that vega lays out text at the widths resvg will draw it.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The Debian package that provides the font, named in every message about it. */
export const FONT_PACKAGE = 'fonts-dejavu-core';
/** Where Debian puts DejaVu Sans. `DEVITO_TS_FONT` (a .ttf path) overrides it. */
export const DEFAULT_FONT_PATH = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
/** The family name figures ask for, with a generic fallback for SVG viewers without DejaVu. */
export const FONT_FAMILY = 'DejaVu Sans, sans-serif';

/** The font file to use, or undefined when it is not there. */
export function fontPath(): string | undefined {
  const path = process.env.DEVITO_TS_FONT || DEFAULT_FONT_PATH;
  return existsSync(path) ? path : undefined;
}

/** Why figures cannot use the font, as a sentence naming the fix. */
export function missingFontMessage(): string {
  const path = process.env.DEVITO_TS_FONT || DEFAULT_FONT_PATH;
  return `the font ${path} is missing; install the Debian package ${FONT_PACKAGE} (apt-get install ${FONT_PACKAGE}, or npm run setup) or point DEVITO_TS_FONT at a .ttf file`;
}

/** Advance widths of a TrueType font: `width(text, size)` in pixels for a font size in pixels. */
export interface FontMetrics {
  readonly width: (text: string, size: number) => number;
}

const cache = new Map<string, FontMetrics>();

/** Reads the `cmap` (format 4, Unicode BMP) and `hmtx` tables of the TrueType file at `path`. */
export function fontMetrics(path: string): FontMetrics {
  const known = cache.get(path);
  if (known) return known;
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    tables.set(bytes.toString('latin1', at, at + 4), view.getUint32(at + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font ${path}: no '${tag}' table; is it a TrueType font?`);
    return at;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  // The Unicode BMP subtable (platform 3 encoding 1, or platform 0), format 4: segments of code points.
  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < view.getUint16(cmap + 2); i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const offset = cmap + view.getUint32(cmap + 8 + 8 * i);
    if (view.getUint16(offset) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) sub = offset;
  }
  if (sub < 0) throw new Error(`font ${path}: no Unicode (format 4) character map`);
  const segCount = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  const glyphOf = (code: number): number => {
    for (let s = 0; s < segCount; s++) {
      if (view.getUint16(ends + 2 * s) < code) continue;
      const start = view.getUint16(starts + 2 * s);
      if (start > code) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (code + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  const em = new Map<number, number>();
  const metrics: FontMetrics = {
    width(text: string, size: number): number {
      let units = 0;
      for (const char of text) {
        const code = char.codePointAt(0)!;
        let w = em.get(code);
        if (w === undefined) em.set(code, (w = advance(code > 0xffff ? 0 : glyphOf(code))));
        units += w;
      }
      return (units / unitsPerEm) * size;
    },
  };
  cache.set(path, metrics);
  return metrics;
}
