// support: helpers shared by every layer; below them all, so it imports nothing from src.

import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `path` whole or not at all: into a temporary file beside it (a name no other process or
 * call uses), then renamed over it, which POSIX makes atomic on one file system. Readers and
 * concurrent writers never see half a file; a failed write leaves no temporary file behind.
 * `content` is the bytes or text, or a function that writes the temporary file itself (a
 * compiler's output, a copy).
 */
export function writeFileAtomic(path: string, content: string | Uint8Array | ((tmp: string) => void)): void {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`; // see TEMPORARY
  try {
    if (typeof content === 'function') content(tmp);
    else writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** The temporary files `writeFileAtomic` makes: `<path>.<writer pid>-<8 hex>.tmp`. */
const TEMPORARY = /\.(\d+)-[0-9a-f]{8}\.tmp$/;

/** Whether a process with id `pid` runs on this machine (one we may not signal still runs). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries of `writeFileAtomic` in `dir` that a killed writer left behind (its
 * `finally` never ran): those whose writer process is gone and which are older than
 * `minAgeMs` (a writer on another machine sharing the directory has a pid unknown here, so a
 * young file is left alone), and any older than `maxAgeMs` (the writer's pid was reused).
 * Safe beside live writers and other cleaners: a removal that loses a race is ignored.
 * Returns the names removed.
 */
export function removeStaleTemporaries(dir: string, minAgeMs = 10 * 60_000, maxAgeMs = 24 * 3_600_000, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    let age: number;
    try {
      age = now - statSync(path).mtimeMs;
    } catch {
      continue; // renamed or removed meanwhile
    }
    if (age > maxAgeMs || (age > minAgeMs && !isRunning(Number(match[1])))) {
      rmSync(path, { force: true });
      removed.push(name);
    }
  }
  return removed;
}
