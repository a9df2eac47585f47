import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldAllocator, rowPadding } from '../../src/dsl/memory.ts';
import { addressOf, alignedFieldAllocator } from '../../src/runtime/memory.ts';
import '../../src/operator.ts';

/** VmFlags of the mapping of this process that contains `address` (from /proc/self/smaps). */
function vmFlagsAt(address: bigint): string[] {
  const lines = readFileSync('/proc/self/smaps', 'utf8').split('\n');
  let inside = false;
  for (const line of lines) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) inside = BigInt(`0x${range[1]}`) <= address && address < BigInt(`0x${range[2]}`);
    else if (inside && line.startsWith('VmFlags:')) return line.slice('VmFlags:'.length).trim().split(/\s+/);
  }
  throw new Error(`no mapping contains 0x${address.toString(16)}`);
}

describe('field memory', () => {
  it('the Operator module installs the aligning allocator', () => {
    expect(fieldAllocator()).toBe(alignedFieldAllocator);
  });

  it('puts the requested element on a 64-byte boundary, zeroed, for every index and both dtypes', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const size = dtype === 'float32' ? 4 : 8;
      for (let alignedIndex = 0; alignedIndex < 20; alignedIndex++) {
        const array = alignedFieldAllocator.allocate(dtype, 1000, alignedIndex);
        expect(array).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        expect(array.length).toBe(1000);
        expect(array.every((v) => v === 0)).toBe(true);
        expect((addressOf(array) + BigInt(alignedIndex * size)) % 64n).toBe(0n);
      }
    }
  });

  it('pads rows to whole 64-byte vectors', () => {
    expect([1, 15, 16, 17, 264].map((n) => rowPadding(n, 'float32'))).toEqual([15, 1, 0, 15, 8]);
    expect([1, 7, 8, 9, 264].map((n) => rowPadding(n, 'float64'))).toEqual([7, 1, 0, 7, 0]);
  });

  it('advises huge pages for large fields only (VmFlags hg), and not at all with DEVITO_TS_HUGE_PAGES=0', () => {
    expect(process.platform).toBe('linux');
    expect(process.env.DEVITO_TS_HUGE_PAGES).toBeUndefined();
    const large = alignedFieldAllocator.allocate('float32', 3 * 2 ** 20, 0); // 12 MiB
    const huge = 2n * 2n ** 20n;
    const interior = ((addressOf(large) + huge - 1n) / huge) * huge;
    expect(vmFlagsAt(interior)).toContain('hg');
    const small = alignedFieldAllocator.allocate('float32', 2 ** 18, 0); // 1 MiB
    expect(vmFlagsAt(addressOf(small))).not.toContain('hg');

    // The switch is read once per process: check it in a child.
    const script = [
      `import { alignedFieldAllocator, addressOf } from ${JSON.stringify(new URL('../../src/runtime/memory.ts', import.meta.url).pathname)};`,
      `import { readFileSync } from 'node:fs';`,
      `const a = alignedFieldAllocator.allocate('float32', 3 * 2 ** 20, 0);`,
      `const at = addressOf(a) + 4n * 2n ** 20n;`,
      `let inside = false, flags = '';`,
      `for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {`,
      `  const r = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);`,
      `  if (r) inside = BigInt('0x' + r[1]) <= at && at < BigInt('0x' + r[2]);`,
      `  else if (inside && line.startsWith('VmFlags:')) flags = line;`,
      `}`,
      `console.log(JSON.stringify(flags));`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, DEVITO_TS_HUGE_PAGES: '0' },
    });
    expect(child.stderr).toBe('');
    const flags = JSON.parse(child.stdout.trim()) as string;
    expect(flags).toMatch(/^VmFlags:/);
    expect(flags.split(/\s+/)).not.toContain('hg');
  });
});
