import { defineConfig } from 'vitest/config';

// The Temporal worker's native bridge wants real processes (forks) and the suites share real servers
// per file, so files run one at a time.
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
