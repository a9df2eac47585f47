import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Tests compile real kernels with gcc into one cache inside the checkout (a second run is fast,
// the user's own cache is untouched) unless DEVITO_TS_CACHE is already set.
const cache = process.env.DEVITO_TS_CACHE ?? fileURLToPath(new URL('./.cache/test-kernels', import.meta.url));

/**
 * The slowest test files on a clean checkout (cold kernel cache, 2 cores), longest first: 30–70 s
 * each. On a fresh clone vitest knows no durations and runs files in its own order; one of these
 * starting last kept a worker busy for a minute after the other had finished (378 s for 653 s of
 * tests on 2 workers). Started first, the short files fill in around them.
 */
const SLOWEST_FIRST = [
  'test/seismic/mpi.test.ts', 'test/cli/errors.test.ts', 'test/passes/time-tiling.test.ts', 'test/package/pack.test.ts',
  'test/seismic/tti.test.ts', 'test/cli/fwi-mpi.test.ts', 'test/seismic/free-surface.test.ts', 'test/operator/mpi.test.ts',
  'test/codegen/names.test.ts', 'test/cli/compile.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const at = SLOWEST_FIRST.findIndex((slow) => file.moduleId.endsWith(slow));
      return at < 0 ? SLOWEST_FIRST.length : at;
    };
    return sorted.map((file, i) => ({ file, i })).sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i).map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every kernel a test builds has its loop tree verified after lowering and after every pass.
    env: { DEVITO_TS_CACHE: cache, DEVITO_TS_VERIFY: '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine, where most of
    // a test's time is gcc (one core) or a kernel on 1–2 threads. Two workers share the cores.
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
  },
});
