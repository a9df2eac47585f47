import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../golden.ts';
import { GOLDEN } from './golden-ops.ts';

// Full golden files (test/golden.ts): a stale or missing one fails; `UPDATE_GOLDEN=1` rewrites them.
describe.each(Object.entries(GOLDEN))('golden C of %s', (name, build) => {
  it('matches the golden file byte for byte', () => {
    expectGolden(`${name}.c`, build().ccode);
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

  it('compiles with gcc the very source pinned by the golden file', () => {
    const op = build();
    const library = op.compile();
    expect(existsSync(library.path)).toBe(true);
    const source = readFileSync(library.sourcePath, 'utf8');
    expect(source).toBe(op.ccode);
    expectGolden(`${name}.c`, source);
  });
});
