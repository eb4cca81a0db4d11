// Bulk completion detection against the simulator: an account's task watcher reads the task list and
// wakes the jobs whose tasks ended, so jobs sleep on a long safety timer instead of polling. Tried where
// it can go wrong: every job on one prompt (the notice must reach the owner of that very task), a list
// that shows new tasks late, a list in a shape nobody can read (jobs must still end, on their safety
// timers), and a worker with the watcher off as the control.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { endToStored, jobHarness, runOnOnePrompt, type JobHarness } from '../harness/jobs';
import { watcherResolver } from '../../src/worker/worker';

let servers: TestServers;
const workers: InProcessWorker[] = [];
let watched: JobHarness;
let polling: JobHarness;
let watchedEnv: NodeJS.ProcessEnv;

// Tasks run about 11 s: past the watched jobs' first safeguard query (twice the expected 3.4 s).
const EXTRA_MS = 8_000;
const N = 12;
const CONTROL_KEY = 'sk-control-account-0001';

beforeAll(async () => {
  // The control runs on an account of its own: a watcher wakes every owner of its account's tasks.
  servers = await startTestServers({ keys: { [CONTROL_KEY]: 'cn-beijing' } });
  watchedEnv = testEnv(servers, 'watched');
  const pollingEnv = testEnv(servers, 'polling', {
    WANFLOW_TASK_SWEEP_MS: '0',
    DASHSCOPE_API_KEY: CONTROL_KEY,
  });
  workers.push(await startInProcessWorker(watchedEnv), await startInProcessWorker(pollingEnv));
  watched = await jobHarness(watchedEnv);
  polling = await jobHarness(pollingEnv);
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.stop();
  await watched?.client.connection.close();
  await polling?.client.connection.close();
  await servers?.stop();
});
beforeEach(() => {
  servers.simulator.reset();
  servers.simulator.setFaults({ slowTaskExtraMs: EXTRA_MS });
});

/** `n` jobs on one prompt, started at once; their records. */

describe('task watcher', () => {
  it('wakes each job when its own task ends: fewer queries than polling, and no job waits for its safeguard', async () => {
    const records = await runOnOnePrompt(watched, 'watched', N);
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'stored'));
    // One prompt for all, one task each: every notice reached the owner of that very task.
    expect(new Set(records.map((r) => r.taskId)).size).toBe(N);
    for (const r of records) {
      expect(r.taskWatched).toBe(true);
      expect(r.notices).toBeGreaterThanOrEqual(1);
      // The safeguard query while RUNNING (at 6.8 s) and the one the notice brought.
      expect(r.polls).toBeLessThanOrEqual(2);
    }
    const lags = endToStored(records);
    // Sweeps every 0.5 s: the outputs land within seconds of the provider's end, not at the next
    // safeguard (13.6 s after the first).
    expect(lags.at(-1)!).toBeLessThan(5_000);
    const w = servers.simulator.stats();

    servers.simulator.reset();
    servers.simulator.setFaults({ slowTaskExtraMs: EXTRA_MS });
    const control = await runOnOnePrompt(polling, 'polled', N);
    expect(control.map((r) => r.status)).toEqual(control.map(() => 'stored'));
    expect(control.every((r) => !r.taskWatched && !r.notices)).toBe(true);
    const p = servers.simulator.stats();
    // The watcher's list reads included, the account spends fewer queries than jobs polling alone.
    expect(w.queries + w.lists).toBeLessThan(p.queries + p.lists);
    console.log(
      `watched: ${((w.queries + w.lists) / N).toFixed(1)} queries/task (${w.lists} list reads), p50 end→stored ${lags[N >> 1]} ms; polling: ${((p.queries + p.lists) / N).toFixed(1)} queries/task, p50 ${endToStored(control)[N >> 1]} ms`,
    );
  }, 180_000);

  it('a list that shows new tasks late still wakes every job', async () => {
    servers.simulator.setFaults({ slowTaskExtraMs: EXTRA_MS, listLagMs: 3_000 });
    const records = await runOnOnePrompt(watched, 'lagged', N);
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'stored'));
    expect(records.every((r) => (r.notices ?? 0) >= 1)).toBe(true);
  }, 180_000);

  it('a list in a shape nobody reads wakes nobody: every job still ends, on its safety timer', async () => {
    servers.simulator.setFaults({ slowTaskExtraMs: EXTRA_MS, listShape: 'other' });
    const records = await runOnOnePrompt(watched, 'unread', N);
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'stored'));
    expect(records.every((r) => r.taskWatched && !r.notices)).toBe(true);
    expect(servers.simulator.stats().lists).toBeGreaterThan(0);
  }, 180_000);

  it('the watcher runs while tasks do, and ends once nothing of the account is in progress', async () => {
    servers.simulator.setFaults({});
    const records = await runOnOnePrompt(watched, 'last', 3);
    expect(records.every((r) => r.status === 'stored' && (r.notices ?? 0) >= 1)).toBe(true);
    const id = watcherResolver(watched.config, watchedEnv)!('modelstudio', 'cn-beijing').id;
    const handle = watched.client.workflow.getHandle(id);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const deadline = Date.now() + 30_000;
    let status = (await handle.describe()).status.name;
    while (status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await handle.describe()).status.name;
    }
    expect(status).toBe('COMPLETED');

    // Started again by the next job, it paces itself on what that job expects until a task has ended.
    const [next] = await runOnOnePrompt(watched, 'again', 1);
    const started = (await watched.client.workflow.getHandle(id).fetchHistory()).events![0]!;
    const payload = started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const input = JSON.parse(Buffer.from(payload.data!).toString()) as { runMs?: number };
    expect(next!.expectedTaskSeconds).toBeGreaterThan(0);
    expect(input.runMs).toBe(next!.expectedTaskSeconds! * 1000);
  }, 90_000);
});
