// Exactly once against a provider that does not agree with us: creates processed after the client gave
// up, dropped before or after processing, 504s from a gateway, a list that lags, pages, changes shape or
// echoes nothing, undocumented statuses, result servers that close the connection, and many jobs sharing
// a prompt. Asserted from the simulator's own books: every task it made is owned by exactly one job, no
// job owns two, and no job adopted a stranger's task (the seed it asked for is the seed its task ran).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useJobStack } from '../harness/stack';
import { inspectStored, jobHarness, uniqueId, type JobHarness } from '../harness/jobs';
import { testEnv } from '../harness/servers';
import { startInProcessWorker, workflowBundle, type InProcessWorker } from '../harness/workers';
import { Worker } from '@temporalio/worker';
import { jobWorkflowId } from '../../src/shared/ids';
import { startJob, waitForJob } from '../../src/client/jobs';
import type { JobRecord } from '../../src/shared/records';

const stack = useJobStack('exactly-once');

const t2v = (prompt: string, seed?: number) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration: 2, ...(seed === undefined ? {} : { seed }) },
});

let testStarted = 0;
beforeEach(() => {
  stack.servers.simulator.reset();
  testStarted = Date.now();
});

/** Runs jobs side by side and returns their final records. */
async function runAll(requests: unknown[], h: JobHarness = stack.h): Promise<JobRecord[]> {
  const started = await Promise.all(requests.map((request) => startJob(h.client, h.config, { request })));
  return Promise.all(started.map(({ jobId }) => waitForJob(h.client, jobId)));
}

/** The simulator's books against the records: one owner per task, one task per job, no stranger. */
async function expectEachTaskOwnedOnce(records: JobRecord[]) {
  const books = stack.servers.simulator.tasks().filter((t) => t.createdAt >= testStarted);
  const owners = new Map<string, string[]>();
  for (const r of records) if (r.taskId) owners.set(r.taskId, [...(owners.get(r.taskId) ?? []), r.jobId]);
  for (const task of books) expect(owners.get(task.taskId), `owners of ${task.taskId}`).toHaveLength(1);
  expect(owners.size).toBe(books.length);
  for (const r of records) {
    const task = books.find((b) => b.taskId === r.taskId)!;
    const asked = (r.request as { parameters?: { seed?: number } }).parameters?.seed;
    expect(task.seed, `the task ${r.jobId} kept ran the seed it asked for`).toBe(asked);
    expect(task.prompt).toBe((r.request as { input: { prompt: string } }).input.prompt);
  }
  for (const r of records.filter((x) => x.status === 'stored')) {
    const stored = await inspectStored(stack.h.store, r.outputs![0]!.key);
    expect(stored.sha256).toBe(r.outputs![0]!.sha256);
    expect(stored.probe.video?.codec).toBe('h264');
  }
}

describe('a create the provider does not answer cleanly', () => {
  it('processed after the client gave up: the task is found once the create can no longer land', async () => {
    // The simulator makes the task 8.5 s after the request; the client aborts at its 8 s deadline.
    stack.servers.simulator.setFaults({ lateCreateMs: 8_500 });
    const [record] = await runAll([t2v(`late ${uniqueId('p')}`)]);
    expect(record).toMatchObject({ status: 'stored', taskAdopted: true });
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
    await expectEachTaskOwnedOnce([record!]);
  });

  it('dropped before it was processed: sent again, one task', async () => {
    stack.servers.simulator.setFaults({ dropCreateBeforeProcessing: 1 });
    const [record] = await runAll([t2v(`never made ${uniqueId('p')}`)]);
    expect(record!.status).toBe('stored');
    expect(record!.taskAdopted).toBeFalsy();
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 2, tasksCreated: 1 });
  });

  it('a 504 from the gateway after the task was made: adopted, not resent', async () => {
    stack.servers.simulator.setFaults({ gatewayTimeoutAfterCreate: 1 });
    const [record] = await runAll([t2v(`gateway ${uniqueId('p')}`)]);
    expect(record).toMatchObject({ status: 'stored', taskAdopted: true });
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
  });

  it('a task that shows in the list only late is still found by the second read', async () => {
    stack.servers.simulator.setFaults({ dropCreateResponse: 1, listLagMs: 9_800 });
    const [record] = await runAll([t2v(`lagging list ${uniqueId('p')}`)]);
    expect(record).toMatchObject({ status: 'stored', taskAdopted: true });
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
  });

  it.each([
    ['a list body of another shape', { listShape: 'other' as const }, /shape/],
    ['a task that echoes no prompt', { echoPrompt: 'empty' as const }, /echo no prompt/],
    ['a list that ends before its total', { listPageCap: 1, listOmitTotal: false }, /./],
  ])('%s: the job stops as ambiguous, naming what to check; nothing is resent', async (_, faults, reason) => {
    stack.servers.simulator.setFaults({ dropCreateResponse: 1, ...faults });
    const [record] = await runAll([t2v(`uncertain ${uniqueId('p')}`)]);
    if (record!.status === 'stored') {
      // A capped page with an honest total is read whole: then the task is found.
      expect(faults).toHaveProperty('listPageCap');
      expect(record!.taskAdopted).toBe(true);
    } else {
      expect(record).toMatchObject({ status: 'failed', failure: { cause: 'ambiguous_submit' } });
      expect(record!.failure!.message).toMatch(reason);
      expect(record!.failure!.remedy).toMatch(/will not guess/);
    }
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
  });
});

describe('jobs that share a prompt', () => {
  it('candidates whose create answers are all lost each adopt their own task, never a sibling’s', async () => {
    const prompt = `candidates ${uniqueId('p')}`;
    stack.servers.simulator.setFaults({ dropCreateResponse: 3 });
    const records = await runAll([t2v(prompt, 1), t2v(prompt, 1001), t2v(prompt, 2001)]);
    for (const r of records) expect(r).toMatchObject({ status: 'stored', taskAdopted: true });
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 3, tasksCreated: 3 });
    await expectEachTaskOwnedOnce(records);
  });
});

describe('jobs that share a prompt under account slots (the create lock comes with the slot)', () => {
  let worker: InProcessWorker;
  let slotted: JobHarness;
  beforeAll(async () => {
    const limits = join(mkdtempSync(join(tmpdir(), 'wanflow-eo-slots-')), 'limits.json');
    // More slots than look-alikes: only the create lock keeps their creates apart.
    writeFileSync(limits, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: 6 } }));
    const env = testEnv(stack.servers, 'exactly-once-slots', { WANFLOW_ACCOUNT_LIMITS: limits });
    worker = await startInProcessWorker(env);
    slotted = await jobHarness(env);
  });
  afterAll(async () => {
    await slotted?.client.connection.close();
    await worker?.stop();
  });

  it('candidates whose create answers are all lost each adopt their own task; no lock workflow ran', async () => {
    const prompt = `slotted candidates ${uniqueId('p')}`;
    stack.servers.simulator.setFaults({ dropCreateResponse: 4 });
    const since = new Date(testStarted).toISOString();
    const records = await runAll(
      [1, 1001, 2001, 3001].map((seed) => t2v(prompt, seed)),
      slotted,
    );
    for (const r of records) expect(r).toMatchObject({ status: 'stored', taskAdopted: true });
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 4, tasksCreated: 4 });
    await expectEachTaskOwnedOnce(records);
    const locks = await slotted.client.workflow.count(
      `WorkflowType = 'wanCreateLock' AND StartTime >= '${since}'`,
    );
    expect(locks.count).toBe(0);
  });

  it('30 jobs on 2 prompts under every create fault at once', async () => {
    stack.servers.simulator.setFaults({
      dropCreateResponse: 5,
      dropCreateBeforeProcessing: 3,
      gatewayTimeoutAfterCreate: 3,
      createRateLimited: 3,
      serverErrors: 3,
      listLagMs: 500,
    });
    const prompts = [1, 2].map((n) => `slotted shared prompt ${n} ${uniqueId('p')}`);
    const records = await runAll(
      Array.from({ length: 30 }, (_, i) => t2v(prompts[i % 2]!, i % 5 === 0 ? undefined : 11 + i * 1000)),
      slotted,
    );
    for (const r of records) expect(r.status, `${r.jobId}: ${r.failure?.message}`).toBe('stored');
    await expectEachTaskOwnedOnce(records);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(30);
  }, 300_000);
});

describe('what happens after the create', () => {
  it('an undocumented status in the middle of a task is polled through, not taken for an end', async () => {
    stack.servers.simulator.setFaults({ unknownStatusTasks: 1, slowTaskExtraMs: 3_000 });
    const [record] = await runAll([t2v(`odd status ${uniqueId('p')}`)]);
    expect(record!.status).toBe('stored');
  });

  it('a result server that closes the connection after the body: the output is stored whole', async () => {
    stack.servers.simulator.setFaults({ closeAfterBody: true });
    const [record] = await runAll([t2v(`closing server ${uniqueId('p')}`)]);
    await expectEachTaskOwnedOnce([record!]);
    expect(record!.outputs![0]!.sizeBytes).toBeGreaterThan(1000);
  });
});

describe('an adversarial mix', () => {
  it('50 jobs on 3 prompts, seeded and not, under every create fault at once', async () => {
    stack.servers.simulator.setFaults({
      dropCreateResponse: 6,
      dropCreateBeforeProcessing: 4,
      gatewayTimeoutAfterCreate: 3,
      createRateLimited: 5,
      serverErrors: 5,
      unknownStatusTasks: 5,
      listLagMs: 500,
      echoPrompt: 'normalized',
      closeAfterBody: true,
    });
    const prompts = [1, 2, 3].map((n) => `  shared   prompt ${n} ${uniqueId('p')} `);
    const requests = Array.from({ length: 50 }, (_, i) =>
      t2v(prompts[i % 3]!, i % 4 === 0 ? undefined : 7 + i * 1000),
    );
    const records = await runAll(requests);
    for (const r of records) expect(r.status, `${r.jobId}: ${r.failure?.message}`).toBe('stored');
    await expectEachTaskOwnedOnce(records);
    const stats = stack.servers.simulator.stats();
    expect(stats.tasksCreated).toBe(50);
    // Every job took the lean path (its lock carried by its creates, queued behind look-alikes, lost
    // answers reconciled under it), and every history it made replays on the current code.
    const histories = await Promise.all(
      records.map((r) => stack.h.client.workflow.getHandle(jobWorkflowId(r.jobId)).fetchHistory()),
    );
    for (const h of histories)
      expect(h.events!.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(true);
    const replays = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'lean jobs' },
      histories.map((history, i) => ({ workflowId: jobWorkflowId(records[i]!.jobId), history })),
    );
    let replayed = 0;
    for await (const r of replays) {
      expect(r.error, r.workflowId).toBeUndefined();
      replayed += 1;
    }
    expect(replayed).toBe(50);
  }, 300_000);
});
