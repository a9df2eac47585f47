import { InvalidArgumentError, type DevitoError } from '../errors.ts';

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours) between two short keys. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key a misspelt one most likely meant (case or up to two edits away), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  const scored = known.map((k) => ({ k, d: k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k) }));
  const best = scored.sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(1, Math.min(2, Math.floor(key.length / 3))) ? best.k : undefined;
}

/**
 * Checks that `options` is an object (a plain bag, not null or an array) whose keys are all
 * `known`, so a misspelt option (`spaceOrdr`) is an error instead of a silent default. The
 * error names the key, the likely intended one and every known key. Returns `options`.
 */
export function checkOptionKeys<T>(
  what: string,
  options: T,
  known: readonly string[],
  ErrorClass: new (message: string) => DevitoError = InvalidArgumentError,
  noun = 'option',
): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ErrorClass(`${what}: pass an object of ${noun}s (${known.join(', ')}), got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    throw new ErrorClass(`${what}: unknown ${noun} "${key}"${guess ? ` (did you mean ${guess}?)` : ''}; known ${noun}s: ${known.join(', ')}`);
  }
  return options;
}

/**
 * The keys of an options interface, spelt once as `{ key: true, … }`: the type makes the compiler
 * check the list is complete and has no stray key, so the check above cannot drift from the API.
 */
export function optionKeys<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}
