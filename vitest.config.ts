import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests compile real kernels with gcc into one cache inside the checkout (a second run is fast,
// the user's own cache is untouched) unless DEVITO_TS_CACHE is already set.
const cache = process.env.DEVITO_TS_CACHE ?? fileURLToPath(new URL('./.cache/test-kernels', import.meta.url));

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
  },
});
