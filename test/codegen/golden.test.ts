import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN } from './golden-ops.ts';

// Fixtures are written by hand (see the report), never by this test: a missing or stale fixture fails.
const fixturePath = (name: string): string => new URL(`../fixtures/golden/${name}.c`, import.meta.url).pathname;

function readFixture(name: string): string {
  const path = fixturePath(name);
  if (!existsSync(path)) {
    throw new Error(`golden fixture ${path} is missing; generate it from test/codegen/golden-ops.ts and review it before adding it`);
  }
  return readFileSync(path, 'utf8');
}

describe.each(Object.entries(GOLDEN))('golden C of %s', (name, build) => {
  it('matches the fixture byte for byte', () => {
    const expected = readFixture(name);
    const op = build();
    expect(op.ccode).toBe(expected);
    expect(Buffer.from(op.ccode, 'utf8').equals(readFileSync(fixturePath(name)))).toBe(true);
  });

  it('is byte-identical when built twice from fresh Grid and field objects', () => {
    const first = build();
    const second = build();
    expect(second).not.toBe(first);
    expect(second.kernel.grid).not.toBe(first.kernel.grid);
    expect(second.ccode).toBe(first.ccode);
  });

  it('names the kernel function after the operator and is self-contained', () => {
    const code = build().ccode;
    expect(code).toContain(`int ${name}(`);
    const includes = code.split('\n').filter((line) => line.startsWith('#include'));
    // Only system headers; <immintrin.h> only with the vector loop, and then only under AVX-512.
    const vectors = code.includes('VLOAD(');
    expect(includes).toEqual(['#include <math.h>', '#include <omp.h>', ...(vectors ? ['#include <immintrin.h>'] : [])]);
    if (vectors) expect(code).toMatch(/#if defined\(__AVX512F__\)\n#include <immintrin.h>/);
  });

  it('compiles with gcc', () => {
    const library = build().compile();
    expect(existsSync(library.path)).toBe(true);
    expect(readFileSync(library.sourcePath, 'utf8')).toBe(readFixture(name));
  });
});
