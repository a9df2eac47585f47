import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/support/atomic-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'devito-ts-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text, bytes, or through a writer, and replaces the file whole', () => {
    const path = join(dir, 'a.txt');
    writeFileAtomic(path, 'first');
    expect(readFileSync(path, 'utf8')).toBe('first');
    writeFileAtomic(path, Uint8Array.of(104, 105));
    expect(readFileSync(path, 'utf8')).toBe('hi');
    writeFileAtomic(path, (tmp) => writeFileSync(tmp, 'from a writer'));
    expect(readFileSync(path, 'utf8')).toBe('from a writer');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('leaves the old file and no temporary file when the writer fails half-way', () => {
    const path = join(dir, 'b.txt');
    writeFileAtomic(path, 'intact');
    expect(() => writeFileAtomic(path, (tmp) => {
      writeFileSync(tmp, 'half');
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('intact');
    expect(readdirSync(dir).filter((name) => name.startsWith('b.txt'))).toEqual(['b.txt']);
  });
});
