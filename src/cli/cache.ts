import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../jit/compiler.ts';

/** One line per cached kernel, with its size, plus a total. */
export function describeCache(dir = defaultCacheDir()): string {
  if (!existsSync(dir)) return `cache ${dir}: empty`;
  const libraries = readdirSync(dir).filter((f) => f.endsWith('.so'));
  const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  return [`cache ${dir}: ${libraries.length} kernel(s), ${(bytes / 1024).toFixed(0)} KiB`, ...libraries.map((f) => `  ${f}`)].join('\n');
}

/** Deletes the cache directory; returns what was done. */
export function clearCache(dir = defaultCacheDir()): string {
  if (!existsSync(dir)) return `cache ${dir}: already empty`;
  const count = readdirSync(dir).filter((f) => f.endsWith('.so')).length;
  rmSync(dir, { recursive: true, force: true });
  return `cache ${dir}: removed ${count} kernel(s)`;
}
