// Workflow tests that skip time: Temporal's time-skipping test server (the Java one the bootstrap puts in
// .tools/bin), a worker over the real workflow code, and activities replaced by stubs typed from the
// activity factory, so a stub cannot drift from the real activity's signature.
import { afterAll, beforeAll } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WanflowActivities } from '../../src/activities';
import { findTool } from '../../src/stack/tools';
import { workflowBundle } from './workers';
import { queriesTaskQueue } from '../../src/shared/ids';

export type ActivityStubs = Partial<WanflowActivities>;

export interface SkippingEnv {
  env: TestWorkflowEnvironment;
  /** Runs `fn` while a worker with these activity stubs serves `taskQueue`. */
  withWorker<T>(taskQueue: string, activities: ActivityStubs, fn: () => Promise<T>): Promise<T>;
}

/**
 * The test server, started again (three tries) when it misses the SDK's startup deadline: core waits a
 * fixed 5 s for it, then kills it, and a JVM starting while other test files run can take longer.
 */
async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: findTool('temporal-test-server') } },
      });
    } catch (err) {
      if (attempt === 3 || !/did not start within/.test((err as Error).message)) throw err;
      console.warn(
        `the time-skipping test server missed its startup deadline; starting it again (${attempt})`,
      );
    }
  }
}

export function useTimeSkipping(): SkippingEnv {
  const s = {} as SkippingEnv;
  beforeAll(async () => {
    s.env = await startTimeSkipping();
    s.withWorker = async (taskQueue, activities, fn) => {
      const worker = await Worker.create({
        connection: s.env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities,
      });
      // Polls and sweeps run on a queue of their own (worker.ts): their stubs are served there.
      const queryStubs = Object.fromEntries(
        (['pollTask', 'sweepEndedTasks'] as const).flatMap((name) =>
          activities[name] ? [[name, activities[name]]] : [],
        ),
      );
      if (!Object.keys(queryStubs).length) return worker.runUntil(fn());
      const queries = await Worker.create({
        connection: s.env.nativeConnection,
        taskQueue: queriesTaskQueue(taskQueue),
        activities: queryStubs,
      });
      const polling = queries.run();
      try {
        return await worker.runUntil(fn());
      } finally {
        queries.shutdown();
        await polling;
      }
    };
  }, 120_000);
  afterAll(() => s.env?.teardown());
  return s;
}
