// The usual stack of a job test file: real servers, an in-process worker on its own task queue, and a
// client, started before the file's tests and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { startTestServers, testEnv, type TestServers } from './servers';
import type { SimulatorOptions } from '../../src/simulator/options';
import { startInProcessWorker, type InProcessWorker } from './workers';
import { jobHarness, type JobHarness } from './jobs';

export interface JobStack {
  servers: TestServers;
  worker: InProcessWorker;
  h: JobHarness;
}

export function useJobStack(taskQueue: string, sim: SimulatorOptions = {}): JobStack {
  const stack = {} as JobStack;
  beforeAll(async () => {
    stack.servers = await startTestServers(sim);
    const env = testEnv(stack.servers, taskQueue);
    stack.worker = await startInProcessWorker(env);
    stack.h = await jobHarness(env);
  });
  afterAll(async () => {
    await stack.worker?.stop();
    await stack.h?.client.connection.close();
    await stack.servers?.stop();
  });
  return stack;
}
