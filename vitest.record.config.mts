import { defineConfig } from 'vitest/config';

// `npm run record-histories`: runs the scenarios whose histories the replay test replays.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/replay/record.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
