import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CASES, STEPS, acousticCase, rawBytes, runCase, sha256, type CaseName } from './threads-ops.ts';

function runChild(ompNumThreads: string): Promise<Record<CaseName, { nthreads: number; hash: string }>> {
  const script = new URL('./threads-child.ts', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, OMP_NUM_THREADS: ompNumThreads },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`child (OMP_NUM_THREADS=${ompNumThreads}) exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as Record<CaseName, { nthreads: number; hash: string }>);
    });
  });
}

const inProcess = new Map<CaseName, string>();

describe.each(Object.keys(CASES) as CaseName[])('acoustic %s, spaceOrder 8: results do not depend on the thread count', (name) => {
  it(`nthreads 1 and 2 give bitwise identical fields after ${STEPS} steps`, () => {
    const c = acousticCase(name);
    c.reset();
    const initial = rawBytes(c);

    expect(runCase(c, 1)).toBe(1);
    const one = rawBytes(c);
    const oneDense = c.u.data.toArray();
    expect(runCase(c, 2)).toBe(2);
    const two = rawBytes(c);
    const twoDense = c.u.data.toArray();

    // The wave moved, stayed finite and did not blow up: the comparison is not between zeros.
    expect(Buffer.from(one).equals(Buffer.from(initial))).toBe(false);
    expect(oneDense.every(Number.isFinite)).toBe(true);
    let peak = 0;
    for (const value of oneDense) peak = Math.max(peak, Math.abs(value));
    expect(peak).toBeGreaterThan(1e-3);
    expect(peak).toBeLessThan(10);

    expect(two.length).toBe(one.length);
    expect(Buffer.from(two).equals(Buffer.from(one))).toBe(true);
    expect(new Uint8Array(twoDense.buffer)).toEqual(new Uint8Array(oneDense.buffer));
    inProcess.set(name, sha256(one));
  });
});

describe('OMP_NUM_THREADS', () => {
  it('child processes with OMP_NUM_THREADS=1 and =2 use it and give bitwise identical fields', async () => {
    const [one, two] = await Promise.all([runChild('1'), runChild('2')]);
    for (const name of Object.keys(CASES) as CaseName[]) {
      expect(one[name].nthreads).toBe(1);
      expect(two[name].nthreads).toBe(2);
      expect(two[name].hash).toBe(one[name].hash);
      // Same bytes as the in-process runs with an explicit nthreads.
      const local = inProcess.get(name) ?? sha256(((): Uint8Array => { const c = acousticCase(name); runCase(c, 1); return rawBytes(c); })());
      expect(one[name].hash).toBe(local);
    }
  });
});
