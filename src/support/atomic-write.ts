// support: helpers shared by every layer; below them all, so it imports nothing from src.

import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `path` whole or not at all: into a temporary file beside it (a name no other process or
 * call uses), then renamed over it, which POSIX makes atomic on one file system. Readers and
 * concurrent writers never see half a file; a failed write leaves no temporary file behind.
 * `content` is the bytes or text, or a function that writes the temporary file itself (a
 * compiler's output, a copy).
 */
export function writeFileAtomic(path: string, content: string | Uint8Array | ((tmp: string) => void)): void {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    if (typeof content === 'function') content(tmp);
    else writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
