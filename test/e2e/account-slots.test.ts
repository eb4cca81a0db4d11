// Account slots against a simulator that enforces the account's limit (beyond K tasks in progress per
// key and model, a create gets 429): jobs hold a slot from just before their create until their task has
// ended, so K limits them before the provider has to; a job terminated while holding its slot gives it
// back through the slot workflow's check; tasks another client runs on the key count, as the account's
// task watcher reads them from the provider's list. A worker without limits is the control: the same jobs meet 429s.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { jobHarness, uniqueId, type JobHarness } from '../harness/jobs';
import { startJob, waitForJob, getJobState } from '../../src/client/jobs';
import { jobWorkflowId } from '../../src/shared/ids';
import { slotsQuery } from '../../src/workflows/slots';
import { slotResolver } from '../../src/worker/worker';
import { ModelStudioProvider } from '../../src/providers/modelstudio/client';
import { peakInProgress } from '../harness/campaigns';
import { parseVideoRequest } from '../../src/wan/validation';

const K = 2;
const BUDGET_KEY = 'sk-query-budget-account-01';
// An account of its own: the others' tests leave long tasks running on the default key.
const SHARED_KEY = 'sk-shared-with-another-client-01';
let servers: TestServers;
const workers: InProcessWorker[] = [];
let limited: JobHarness;
let unlimited: JobHarness;
let over: JobHarness;
let budgeted: JobHarness;
let shared: JobHarness;
let slotsEnv: NodeJS.ProcessEnv;
let sharedEnv: NodeJS.ProcessEnv;
let overEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  // The query budget's account is one of its own: the budget is per task queue, and the task watchers of
  // the other queues sweep the default account for tasks the earlier tests leave running.
  servers = await startTestServers({ keys: { [BUDGET_KEY]: 'cn-beijing', [SHARED_KEY]: 'cn-beijing' } });
  const file = join(mkdtempSync(join(tmpdir(), 'wanflow-limits-')), 'limits.json');
  writeFileSync(
    file,
    JSON.stringify({
      'wan2.7-t2v': { concurrentTasks: K },
      // Images: many at once, but one create a second.
      'wan2.7-image': { concurrentTasks: 10, submitsPerSecond: 1 },
    }),
  );
  const withSlots = (slotsEnv = testEnv(servers, 'slots', { WANFLOW_ACCOUNT_LIMITS: file }));
  // The control polls as jobs did before their account's task watcher woke them: every job on its own.
  const without = testEnv(servers, 'no-slots', { WANFLOW_TASK_SWEEP_MS: '0' });
  // Configured above what the account gets (the simulator allows K): the provider's 429s must correct it.
  const overFile = join(dirname(file), 'over.json');
  writeFileSync(overFile, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: 4 * K } }));
  overEnv = testEnv(servers, 'over-slots', { WANFLOW_ACCOUNT_LIMITS: overFile });
  // Polls held to 2 a second across the task queue, by the Temporal server (whose limiter lets a
  // second's worth burst: a third of the simulator's 6).
  const budgetEnv = testEnv(servers, 'query-budget', {
    WANFLOW_QUERIES_PER_SECOND: '2',
    DASHSCOPE_API_KEY: BUDGET_KEY,
  });
  sharedEnv = testEnv(servers, 'shared-slots', {
    WANFLOW_ACCOUNT_LIMITS: file,
    DASHSCOPE_API_KEY: SHARED_KEY,
  });
  workers.push(
    await startInProcessWorker(sharedEnv),
    await startInProcessWorker(withSlots),
    await startInProcessWorker(without),
    await startInProcessWorker(overEnv),
    await startInProcessWorker(budgetEnv),
  );
  budgeted = await jobHarness(budgetEnv);
  shared = await jobHarness(sharedEnv);
  limited = await jobHarness(withSlots);
  unlimited = await jobHarness(without);
  over = await jobHarness(overEnv);
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.stop();
  await limited?.client.connection.close();
  await unlimited?.client.connection.close();
  await over?.client.connection.close();
  await budgeted?.client.connection.close();
  await shared?.client.connection.close();
  await servers?.stop();
});
beforeEach(() => {
  servers.simulator.reset();
  servers.simulator.setLimits({ concurrentTasks: { 'wan2.7-t2v': K } });
});

const t2v = (prompt: string) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration: 2 },
});

async function startMany(h: JobHarness, n: number, prefix: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const { jobId } = await startJob(h.client, h.config, {
        request: t2v(`${prefix} ${i}`),
        jobId: uniqueId(prefix),
      });
      return jobId;
    }),
  );
}

describe('account slots', () => {
  it(`${3 * K} jobs at once with K = ${K}: all stored, and the provider never had to refuse one`, async () => {
    const ids = await startMany(limited, 3 * K, 'slot');
    const records = await Promise.all(ids.map((id) => waitForJob(limited.client, id)));
    expect(records.map((r) => r.status)).toEqual(ids.map(() => 'stored'));
    const stats = servers.simulator.stats();
    expect(stats.refusals['Throttling.RateQuota'] ?? 0).toBe(0);
    expect(stats.tasksCreated).toBe(3 * K);
  }, 180_000);

  it('told by its account watcher that its task ended, a job gives its slot back beside its poll, not after it', async () => {
    const [id] = await startMany(limited, 1, 'early-release');
    expect(await waitForJob(limited.client, id!)).toMatchObject({ status: 'stored', taskWatched: true });
    const events = (await limited.client.workflow.getHandle(jobWorkflowId(id!)).fetchHistory()).events ?? [];
    const notice = events.findIndex(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'taskNotice',
    );
    expect(notice).toBeGreaterThan(0);
    const after = events.slice(notice);
    const release = after.find(
      (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'releaseSlot',
    );
    const poll = after.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pollTask');
    // One workflow task sends both: the release does not wait for the poll's answer.
    expect(
      release?.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowTaskCompletedEventId,
    ).toEqual(poll?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId);
    expect(release).toBeDefined();
  }, 180_000);

  it('control: without slots the same jobs run into the limit (429s, resent after a backoff)', async () => {
    const ids = await startMany(unlimited, 3 * K, 'free');
    const records = await Promise.all(ids.map((id) => waitForJob(unlimited.client, id)));
    expect(records.map((r) => r.status)).toEqual(ids.map(() => 'stored'));
    expect(servers.simulator.stats().refusals['Throttling.RateQuota']).toBeGreaterThan(0);
  }, 180_000);

  it("the submit rate: creates paced by the slots stay under the provider's rate; unpaced ones do not", async () => {
    servers.simulator.setLimits({ concurrentTasks: {}, submitsPerSecond: 3 });
    const image = (i: number) => ({
      model: 'wan2.7-image',
      input: { messages: [{ role: 'user', content: [{ text: `poster ${i}` }] }] },
      parameters: { size: '1K', n: 1 },
    });
    const run = (h: JobHarness, prefix: string) =>
      Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const { jobId } = await startJob(h.client, h.config, {
            request: image(i),
            jobId: uniqueId(prefix),
          });
          return (await waitForJob(h.client, jobId)).status;
        }),
      );
    expect(await run(limited, 'paced')).toEqual(Array(6).fill('stored'));
    expect(servers.simulator.stats().refusals['Throttling.RateQuota'] ?? 0).toBe(0);
    expect(await run(unlimited, 'unpaced')).toEqual(Array(6).fill('stored'));
    expect(servers.simulator.stats().refusals['Throttling.RateQuota']).toBeGreaterThan(0);
  }, 180_000);

  it("a configured limit above the account's: throttled creates shrink the grants, and every job is stored", async () => {
    const ids = await startMany(over, 4 * K, 'aimd');
    const records = await Promise.all(ids.map((id) => waitForJob(over.client, id)));
    expect(records.map((r) => r.status)).toEqual(ids.map(() => 'stored'));
    const slotId = slotResolver(over.config, overEnv)!('modelstudio', 'cn-beijing', 'wan2.7-t2v')!.id;
    const state = await over.client.workflow.getHandle(slotId).query(slotsQuery);
    // The provider refused creates past its K; each refusal was reported and the grants came down.
    const refusals = servers.simulator.stats().refusals['Throttling.RateQuota'] ?? 0;
    expect(refusals).toBeGreaterThan(0);
    expect(state.throttles).toBe(refusals);
    expect(servers.simulator.stats().tasksCreated).toBe(4 * K);
  }, 180_000);

  it('jobs terminated while holding their slots: the slots are taken back and the next job runs', async () => {
    // The provider would still count the terminated jobs' tasks; here only the slots are under test.
    servers.simulator.setLimits({ concurrentTasks: {} });
    servers.simulator.setFaults({ slowTaskExtraMs: 120_000 });
    const leaked = await startMany(limited, K, 'leak');
    // Both hold a slot once their task exists; then they are terminated, never releasing.
    for (const id of leaked)
      for (let i = 0; i < 100 && !(await getJobState(limited.client, id)).taskId; i++)
        await new Promise((r) => setTimeout(r, 200));
    servers.simulator.setFaults({ slowTaskExtraMs: 0 });
    for (const id of leaked)
      await limited.client.workflow.getHandle(jobWorkflowId(id)).terminate('test: a job that never releases');
    // Every slot was held by a closed job: the next one runs only once the slot workflow takes them back.
    const [next] = await startMany(limited, 1, 'after-leak');
    expect((await waitForJob(limited.client, next!)).status).toBe('stored');
    const slotId = slotResolver(limited.config, slotsEnv)!('modelstudio', 'cn-beijing', 'wan2.7-t2v')!.id;
    const state = await limited.client.workflow.getHandle(slotId).query(slotsQuery);
    expect(state.reclaimed).toBe(K);
  }, 180_000);

  it('a task someone else runs on the same key counts: the slots grant one fewer and the provider refuses none', async () => {
    // Another client on the account, its task running half a minute; one of ours beside it, long enough
    // for the account's watcher to count them both.
    const other = new ModelStudioProvider({
      baseUrl: servers.simulator.baseUrl,
      apiKey: SHARED_KEY,
    });
    servers.simulator.setFaults({ slowTaskExtraMs: 30_000 });
    await other.createTask(parseVideoRequest(t2v('not ours')));
    servers.simulator.setFaults({ slowTaskExtraMs: 8_000 });
    const [first] = await startMany(shared, 1, 'beside-foreign');
    while (!(await getJobState(shared.client, first!)).taskId) await new Promise((r) => setTimeout(r, 100));
    servers.simulator.setFaults({ slowTaskExtraMs: 0 });
    const slotId = slotResolver(shared.config, sharedEnv)!('modelstudio', 'cn-beijing', 'wan2.7-t2v')!.id;
    const slots = shared.client.workflow.getHandle(slotId);
    for (let i = 0; i < 100 && (await slots.query(slotsQuery)).foreign !== 1; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await slots.query(slotsQuery)).foreign).toBe(1);
    // K = 2 with one task not ours: the next jobs go one at a time, and no create is refused.
    const rest = await startMany(shared, 3, 'beside-foreign');
    const records = await Promise.all([first!, ...rest].map((id) => waitForJob(shared.client, id)));
    expect(records.map((r) => r.status)).toEqual(Array(4).fill('stored'));
    expect(servers.simulator.stats().refusals['Throttling.RateQuota'] ?? 0).toBe(0);
    const mine = servers.simulator
      .tasks()
      .filter((t) => t.prompt === 'not ours' || t.prompt?.startsWith('beside-foreign'));
    expect(mine).toHaveLength(5);
    expect(peakInProgress(mine)).toBeLessThanOrEqual(K);
  }, 180_000);

  it("the query budget: polls of many jobs stay under the account's queries a second; unbudgeted ones do not", async () => {
    servers.simulator.setLimits({ concurrentTasks: {}, queriesPerSecond: 6 });
    const run = async (h: JobHarness, prefix: string) => {
      const ids = await startMany(h, 12, prefix);
      return Promise.all(ids.map(async (id) => (await waitForJob(h.client, id)).status));
    };
    expect(await run(budgeted, 'budget')).toEqual(Array(12).fill('stored'));
    expect(servers.simulator.stats().refusals['Throttling'] ?? 0).toBe(0);
    // The same jobs polling on their own at the default budget (10 a second) meet the simulator's 6:
    // refused, retried.
    expect(await run(unlimited, 'burst')).toEqual(Array(12).fill('stored'));
    expect(servers.simulator.stats().refusals['Throttling']).toBeGreaterThan(0);
  }, 180_000);
});
