import { defineConfig } from 'vitest/config';

// The Temporal worker's native bridge wants real processes (forks). Each file starts its own servers on
// free ports under its own folder, so files share nothing and run side by side: most of an end-to-end
// test's time is waiting (on simulated tasks, timers, servers starting), which another file can use.
// WANFLOW_TEST_WORKERS sets how many at once (1: one file at a time).
const workers = Number(process.env.WANFLOW_TEST_WORKERS ?? 3);

export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: workers > 1,
    maxWorkers: workers,
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/harness/time-table.ts'],
  },
});
