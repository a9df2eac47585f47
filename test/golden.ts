/**
 * Full golden files: the few generated C sources pinned byte for byte in test/fixtures/golden/
 * (the 2D acoustic and 1D diffusion kernels, and the fully optimised 3D pass kernel). Every other
 * test asserts the loop tree and the C fragments that matter instead.
 *
 * With `UPDATE_GOLDEN=1` in the environment the fixtures are (re)written instead of compared:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/codegen test/passes/pipeline.test.ts
 *
 * then review the change with `git diff test/fixtures/golden` before committing it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { writeFileAtomic } from '../src/support/atomic-write.ts';

export const UPDATE_GOLDEN_COMMAND = 'UPDATE_GOLDEN=1 npx vitest run test/codegen test/passes/pipeline.test.ts';

const HOW = `if the change is intended, regenerate the golden files with \`${UPDATE_GOLDEN_COMMAND}\` and review the diff with \`git diff test/fixtures/golden\``;

/** Absolute path of a golden file, by its name in test/fixtures/golden/ (`acoustic.c`). */
export function goldenPath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/golden/${name}`, import.meta.url));
}

/** Whether this run rewrites the golden files instead of checking them (`UPDATE_GOLDEN=1`). */
export const updatingGolden = (): boolean => process.env.UPDATE_GOLDEN === '1';

/**
 * Checks `text` against test/fixtures/golden/`name` byte for byte. With `UPDATE_GOLDEN=1` it
 * writes the file instead (whole or not at all: temporary file, then rename; untouched when
 * already equal) and passes. A missing or different file fails, saying how to regenerate it.
 */
export function expectGolden(name: string, text: string): void {
  const path = goldenPath(name);
  const shown = `test/fixtures/golden/${name}`;
  const bytes = Buffer.from(text, 'utf8');
  if (updatingGolden()) {
    if (!existsSync(path) || !readFileSync(path).equals(bytes)) {
      writeFileAtomic(path, bytes);
      console.info(`UPDATE_GOLDEN=1: wrote ${shown}`);
    }
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${shown} is missing; generate it with \`${UPDATE_GOLDEN_COMMAND}\` and review it before adding it`);
  const stored = readFileSync(path);
  if (stored.equals(bytes)) return;
  expect(text, `${shown} differs from the generated text; ${HOW}`).toBe(stored.toString('utf8'));
  // Equal as text but not as bytes (the file is not valid UTF-8).
  throw new Error(`${shown} differs from the generated text byte for byte; ${HOW}`);
}
