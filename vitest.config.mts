import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The Temporal worker's native bridge wants real processes (forks). Each file starts its own servers on
// free ports under its own folder, so files share nothing and run side by side: most of an end-to-end
// test's time is waiting (on simulated tasks, timers, servers starting), which another file can use.
// WANFLOW_TEST_WORKERS sets how many at once (1: one file at a time).
const workers = Number(process.env.WANFLOW_TEST_WORKERS ?? 3);

// The slowest files start first, so that none of them starts last and runs alone while the other workers
// idle (in a clean clone vitest has no timings of its own and starts big files first; the slowest are
// short files that wait on simulated tasks). Measured in CI, 2026-12-07, three at a time: the crash
// matrices 395–430 s, exactly-once 350 s, the CLI and the studio ~230 s each. The rest keep vitest's order.
const SLOWEST_FIRST = [
  'test/e2e/pipeline-crashes.test.ts',
  'test/e2e/campaign-crashes.test.ts',
  'test/e2e/exactly-once.test.ts',
  'test/e2e/cli.test.ts',
  'test/e2e/studio.test.ts',
  'test/e2e/mcp.test.ts',
  'test/e2e/demo.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.findIndex((path) => f.moduleId.endsWith(path));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    // Array sort is stable: files not in the list stay in vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: workers > 1,
    maxWorkers: workers,
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { sequencer: SlowestFirst },
    reporters: ['default', './test/harness/time-table.ts'],
  },
});
