/**
 * Child process for test/runtime/threads.test.ts: runs both acoustic cases without an
 * `nthreads` argument (so the runtime takes OMP_NUM_THREADS) and prints the thread count and
 * a hash of each field's raw bytes as JSON.
 */
import { CASES, acousticCase, rawBytes, runCase, sha256, type CaseName } from './threads-ops.ts';

const out: Record<string, { nthreads: number; hash: string }> = {};
for (const name of Object.keys(CASES) as CaseName[]) {
  const c = acousticCase(name);
  const nthreads = runCase(c);
  out[name] = { nthreads, hash: sha256(rawBytes(c)) };
}
process.stdout.write(JSON.stringify(out));
