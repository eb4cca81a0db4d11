// One Wan job end to end on a real Temporal dev server, a real MinIO and the Model Studio simulator.
import { createReadStream } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { testEnv } from '../harness/servers';
import { useJobStack } from '../harness/stack';
import { historyText, inspectStored, jobHarness, readJson, uniqueId } from '../harness/jobs';
import { startInProcessWorker } from '../harness/workers';
import { makeImage } from '../harness/media';
import { getJobState, startJob, waitForJob } from '../../src/client/jobs';
import { InvalidRequestError } from '../../src/wan/validation';
import { type JobInput } from '../../src/workflows/job-input';
import { DEFAULT_JOB_OPTIONS, SIMULATOR_JOB_OPTIONS } from '../../src/config/policy';
import { jobWorkflowId } from '../../src/shared/ids';
import type { JobRecord } from '../../src/shared/records';

const stack = useJobStack('job-e2e');

const t2v = (prompt: string, duration = 2) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration },
});

beforeEach(() => stack.servers.simulator.reset());

async function expectStoredVideo(record: JobRecord, width: number, height: number, seconds: number) {
  expect(record.status).toBe('stored');
  const stored = await inspectStored(stack.h.store, record.outputs![0]!.key);
  expect(stored.sha256).toBe(record.outputs![0]!.sha256);
  expect(stored.probe.video).toMatchObject({ codec: 'h264', width, height });
  expect(stored.probe.video!.fps).toBeCloseTo(30, 1);
  expect(stored.probe.durationSeconds!).toBeGreaterThan(seconds - 0.1);
  expect(stored.probe.durationSeconds!).toBeLessThan(seconds + 0.1);
  const manifest = await readJson<JobRecord>(stack.h.store, record.manifestKey!);
  expect(manifest).toMatchObject({
    jobId: record.jobId,
    status: 'stored',
    taskId: record.taskId,
    outputs: [{ sha256: stored.sha256 }],
  });
  return manifest;
}

describe('a job end to end', () => {
  it('text-to-video: stores a playable MP4 of the requested size and length, with a full record', async () => {
    const record = await stack.h.run({
      ...t2v('a lighthouse at dawn', 3),
      parameters: { resolution: '720P', duration: 3, ratio: '9:16' },
    });
    const manifest = await expectStoredVideo(record, 720, 1280, 3);
    expect(manifest).toMatchObject({
      route: 'modelstudio',
      model: 'wan2.7-t2v',
      region: 'cn-beijing',
      endpointFamily: 'video-synthesis',
      resolution: '720P',
      durationSeconds: 3,
      usage: { duration: 3, outputVideoDuration: 3, sr: 720, ratio: '9:16' },
      cost: { estimated: { amount: 1.8, currency: 'CNY' }, billed: { amount: 1.8, currency: 'CNY' } },
    });
    expect(manifest.timestamps.providerSubmit).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
    // Neither the key nor a signed result URL reaches workflow history or the manifest.
    const history = await historyText(stack.h.client, jobWorkflowId(record.jobId));
    for (const text of [history, JSON.stringify(manifest)]) {
      expect(text).not.toContain(stack.servers.simulator.defaultKey);
      expect(text).not.toContain('Signature=');
    }
    expect(history).toContain(record.taskId);
  });

  it('image-to-video: the first frame comes from storage by presigned URL; the output follows its aspect', async () => {
    const key = `inputs/${uniqueId('frame')}.png`;
    await stack.h.store.put(key, createReadStream(await makeImage(480, 640)), 'image/png');
    const url = await stack.h.store.url(key, 3600);
    const record = await stack.h.run({
      model: 'wan2.7-i2v',
      input: { prompt: 'the frame comes alive', media: [{ type: 'first_frame', url }] },
      parameters: { resolution: '720P', duration: 2 },
    });
    const manifest = await expectStoredVideo(record, 832, 1104, 2);
    expect(manifest.mediaRoles).toEqual(['first_frame']);
    expect(manifest.sourceAssets[0]!.url).toMatch(/\?<redacted>$/);
    expect(JSON.stringify(manifest)).not.toContain('X-Amz-Signature');
  });

  it('recovers from 429 storms and 5xx answers without creating a second task', async () => {
    stack.servers.simulator.setFaults({ createRateLimited: 3, serverErrors: 2, queryRateLimited: 2 });
    const record = await stack.h.run(t2v('storm'));
    await expectStoredVideo(record, 1280, 720, 2);
    const stats = stack.servers.simulator.stats();
    expect(stats.refusals).toMatchObject({ 'Throttling.RateQuota': 3, InternalError: 2, Throttling: 2 });
    expect(stats.tasksCreated).toBe(1);
  });

  it('a create whose answer is dropped is reconciled through the task list, not sent twice', async () => {
    stack.servers.simulator.setFaults({ dropCreateResponse: 1 });
    const record = await stack.h.run(t2v(`dropped answer ${uniqueId('p')}`));
    await expectStoredVideo(record, 1280, 720, 2);
    expect(record.taskAdopted).toBe(true);
    const stats = stack.servers.simulator.stats();
    expect(stats.createRequests).toBe(1);
    expect(stats.tasksCreated).toBe(1);
    expect(stats.lists).toBeGreaterThan(0);
  });

  it("with the 'fail' policy, a dropped create answer stops the job instead of looking the task up", async () => {
    stack.servers.simulator.setFaults({ dropCreateResponse: 1 });
    const record = await stack.h.run(t2v('dropped, fail policy'), {
      options: { ...SIMULATOR_JOB_OPTIONS, ambiguousSubmit: 'fail' },
    });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'ambiguous_submit' } });
    expect(record.failure!.message).toMatch(/a paid task may exist/);
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
    // The job never read the list (the account's task watcher may, for tasks that were answered).
    expect(await historyText(stack.h.client, jobWorkflowId(record.jobId))).not.toContain('findSubmittedTask');
  });

  it('DataInspectionFailed at create fails at once, without retries, naming the cause', async () => {
    stack.servers.simulator.setFaults({ dataInspectionAtCreate: 1 });
    const record = await stack.h.run(t2v('blocked input'));
    expect(record).toMatchObject({
      status: 'failed',
      failure: { cause: 'content_policy', code: 'DataInspectionFailed' },
    });
    expect(record.failure!.remedy).toMatch(/prompt or media/);
    expect(stack.servers.simulator.stats().createRequests).toBe(1);
    const manifest = await readJson<JobRecord>(stack.h.store, record.manifestKey!);
    expect(manifest.status).toBe('failed');
  });

  it('DataInspectionFailed as a FAILED task ends the job failed with that code, not billed', async () => {
    stack.servers.simulator.setFaults({ dataInspectionTask: 1 });
    const record = await stack.h.run(t2v('blocked output'));
    expect(record).toMatchObject({
      status: 'failed',
      providerStatus: 'FAILED',
      failure: { cause: 'content_policy', code: 'DataInspectionFailed' },
    });
    expect(record.cost.billed).toBeUndefined();
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
  });

  it('an expired result URL ends the job expired, not crashed', async () => {
    stack.servers.simulator.setFaults({ resultUrlTtlSeconds: 0 });
    const record = await stack.h.run(t2v('too late'));
    expect(record).toMatchObject({ status: 'expired', failure: { cause: 'expired' } });
    expect(record.outputs).toBeUndefined();
    expect(stack.servers.simulator.stats().downloads).toBe(0);
  });

  it('invalid input is refused by the client before any workflow or HTTP request', async () => {
    const bad = {
      model: 'wan2.7-t2v',
      input: { prompt: 'x'.repeat(5001) },
      parameters: { duration: 16, resolution: '4K' },
    };
    const err = await startJob(stack.h.client, stack.h.config, { request: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    const fields = (err as InvalidRequestError).problems.map((p) => p.field).sort();
    expect(fields).toEqual(['input.prompt', 'parameters.duration', 'parameters.resolution']);
    expect((err as Error).message).toMatch(
      /parameters\.duration: Too big: expected number to be <=15 \(got 16\)/,
    );
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  });

  it('invalid input that reaches the workflow directly still fails before any HTTP request', async () => {
    const jobId = uniqueId('direct');
    const input: JobInput = {
      jobId,
      route: 'modelstudio',
      region: 'cn-beijing',
      request: {
        model: 'wan2.7-i2v',
        input: { media: [{ type: 'last_frame', url: 'https://example.com/a.png' }] },
      },
      options: DEFAULT_JOB_OPTIONS,
    };
    const handle = await stack.h.client.workflow.start('wanJob', {
      taskQueue: stack.h.config.temporal.taskQueue,
      workflowId: jobWorkflowId(jobId),
      args: [input],
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toMatch(
      /input\.media: role set \[last_frame\] is not one of/,
    );
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 0, queries: 0 });
  });
});

describe('cancel', () => {
  async function untilProvider(jobId: string, status: string) {
    for (let i = 0; i < 200; i++) {
      const r = await getJobState(stack.h.client, jobId).catch(() => undefined);
      if (r?.providerStatus === status) return r;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`job ${jobId} never saw ${status}`);
  }

  it('a task still PENDING is canceled at the provider and nothing is stored', async () => {
    stack.servers.simulator.setFaults({ queueExtraMs: 60_000 });
    const { jobId } = await startJob(stack.h.client, stack.h.config, { request: t2v('cancel while queued') });
    await untilProvider(jobId, 'PENDING');
    await stack.h.client.workflow.getHandle(jobWorkflowId(jobId)).cancel();
    const record = await waitForJob(stack.h.client, jobId);
    expect(record).toMatchObject({
      status: 'canceled',
      providerStatus: 'CANCELED',
      failure: { cause: 'canceled' },
    });
    expect(record.outputs).toBeUndefined();
    expect(stack.servers.simulator.stats()).toMatchObject({ tasksCreated: 1, cancels: 1 });
  });

  it('a task already RUNNING is paid for anyway: its result is collected, stored and marked kept', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 3_000 });
    const { jobId } = await startJob(stack.h.client, stack.h.config, {
      request: t2v('cancel while running'),
    });
    await untilProvider(jobId, 'RUNNING');
    await stack.h.client.workflow.getHandle(jobWorkflowId(jobId)).cancel();
    const record = await waitForJob(stack.h.client, jobId);
    expect(record).toMatchObject({ status: 'stored', keptAfterCancel: true });
    expect(record.outputs).toHaveLength(1);
    expect(stack.servers.simulator.stats()).toMatchObject({ tasksCreated: 1, cancels: 0 });
  });
});

// Last: it replaces the simulator with one that knows a Singapore key.
describe('keys bound to a region', () => {
  it('a key of another region fails at once with an auth-or-region cause and no retries', async () => {
    await stack.servers.simulator.close();
    const { startSimulator } = await import('../../src/simulator/server');
    stack.servers.simulator = await startSimulator({
      port: 0,
      keys: { 'sk-singapore-0001': 'ap-southeast-1' },
    });
    const env = testEnv(stack.servers, 'job-e2e-region', { DASHSCOPE_API_KEY: 'sk-singapore-0001' });
    const w = await startInProcessWorker(env);
    try {
      const hs = await jobHarness(env);
      const record = await hs.run(t2v('wrong region'));
      expect(record).toMatchObject({
        status: 'failed',
        failure: { cause: 'auth_or_region', code: 'InvalidApiKey' },
      });
      expect(record.failure!.remedy).toMatch(/region/);
      expect(stack.servers.simulator.stats()).toMatchObject({
        createRequests: 0,
        refusals: { InvalidApiKey: 1 },
      });
      await hs.client.connection.close();
    } finally {
      await w.stop();
    }
  });
});
