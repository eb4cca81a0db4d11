// Completion without polling: the simulated account's EventBridge rule POSTs a signed CloudEvent for each
// task that ends; the receiver finds the job that owns the task (its claim) and wakes only that one, which
// then reads its task once. Tried where it can go wrong: every job on one prompt (each event must reach
// the owner of that very task), events sent twice or never (duplicates change nothing; a job whose event
// was lost still ends, on its safety timer), a forged delivery (refused, nobody woken) and a task no job
// here made (acknowledged, left alone). No task watcher runs: events alone wake the jobs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { endToStored, jobHarness, runOnOnePrompt, uniqueId, type JobHarness } from '../harness/jobs';
import { startJob, waitForJob } from '../../src/client/jobs';
import { jobWorkflowId } from '../../src/shared/ids';
import { claimWorkflowId } from '../../src/activities/claims';
import {
  EVENTS_PATH,
  receiverOptions,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../src/webhooks/receiver';

let servers: TestServers;
let worker: InProcessWorker;
let h: JobHarness;
let receiver: WebhookReceiver;

// Tasks run about 11 s: past the jobs' first safety query (twice the expected 3.4 s), short of the second.
const EXTRA_MS = 8_000;
const N = 12;

beforeAll(async () => {
  servers = await startTestServers();
  const env = testEnv(servers, 'events', {
    WANFLOW_TASK_EVENTS: 'eventbridge',
    WANFLOW_TASK_SWEEP_MS: '0',
    WANFLOW_WEBHOOK_SECRET: 'events-test-webhook-secret',
  });
  h = await jobHarness(env);
  receiver = await startWebhookReceiver(receiverOptions(h.config, h.client, env));
  servers.simulator.setEventTarget({ url: `${receiver.url}${EVENTS_PATH}` });
  worker = await startInProcessWorker(env);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await h?.client.connection.close();
  await servers?.stop();
});
beforeEach(() => {
  servers.simulator.reset();
  servers.simulator.setFaults({ slowTaskExtraMs: EXTRA_MS });
});

describe('completion events', () => {
  it('wake each job when its own task ends: stored within seconds of the end, its task read at most twice', async () => {
    const before = receiver.stats();
    const records = await runOnOnePrompt(h, 'evented', N);
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'stored'));
    expect(new Set(records.map((r) => r.taskId)).size).toBe(N);
    for (const r of records) {
      expect(r.taskWatched).toBe(true);
      expect(r.notices).toBe(1);
      // The safety query while RUNNING (at 6.8 s) and the one the event brought.
      expect(r.polls).toBeLessThanOrEqual(2);
    }
    const lags = endToStored(records);
    // Without the event the next safety query comes at 13.6 s, 2.6 s after the end at best.
    expect(lags.at(-1)!).toBeLessThan(2_500);
    const s = servers.simulator.stats();
    expect(s.eventsSent).toBe(N);
    expect(s.lists).toBe(0);
    expect(receiver.stats().accepted - before.accepted).toBe(N);
    console.log(
      `events: ${(s.queries / N).toFixed(2)} queries/task, end→stored p50 ${lags[N >> 1]} ms, max ${lags.at(-1)} ms`,
    );
  }, 120_000);

  it('sent twice or never: duplicates change nothing, and a job whose event was lost ends on its safety timer', async () => {
    servers.simulator.setFaults({ slowTaskExtraMs: EXTRA_MS, webhookDuplicate: 3, webhookDrop: 2 });
    const before = receiver.stats();
    const records = await runOnOnePrompt(h, 'faulty', 8);
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'stored'));
    expect(receiver.stats().duplicates - before.duplicates).toBe(3);
    expect(records.filter((r) => !r.notices).length).toBe(2);
    expect(records.filter((r) => r.notices === 1).length).toBe(6);
  }, 120_000);

  it('a job whose prompt is its own takes its create lock without a grant signal, and its claim takes no workflow task', async () => {
    servers.simulator.setFaults({});
    const { jobId } = await startJob(h.client, h.config, {
      request: { model: 'wan2.7-t2v', input: { prompt: 'a prompt of its own' }, parameters: { duration: 2 } },
      jobId: uniqueId('alone'),
    });
    const record = await waitForJob(h.client, jobId);
    expect(record.status).toBe('stored');
    const job = await h.client.workflow.getHandle(jobWorkflowId(jobId)).fetchHistory();
    const signals = job.events!.flatMap((e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? []);
    expect(signals).not.toContain('createLockGranted');
    expect(signals).toContain('taskNotice');
    const claim = h.client.workflow.getHandle(
      claimWorkflowId({ route: 'modelstudio', region: 'cn-beijing', taskId: record.taskId! }),
    );
    const described = await claim.describe();
    expect(described.status.name).toBe('TERMINATED');
    expect(described.memo).toEqual({ owner: jobWorkflowId(jobId) });
    const kinds = (await claim.fetchHistory()).events!.map((e) =>
      Object.keys(e).find((k) => k.endsWith('Attributes') && e[k as keyof typeof e]),
    );
    expect(kinds).toEqual([
      'workflowExecutionStartedEventAttributes',
      'workflowExecutionTerminatedEventAttributes',
    ]);
  }, 60_000);

  it('a forged delivery is refused and wakes nobody; a task no job here made is acknowledged and left alone', async () => {
    const before = receiver.stats();
    const forged = await request(`${receiver.url}${EVENTS_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-eventbridge-signature-timestamp': String(Date.now()),
        'x-eventbridge-signature-url': `${servers.simulator.url}/_sim/eventbridge/cert.pem`,
        'x-eventbridge-signature-v2': Buffer.from('not a signature').toString('base64'),
      },
      body: JSON.stringify({ specversion: '1.0', id: 'x', source: 's', type: 't', data: {} }),
    });
    expect(forged.statusCode).toBe(401);
    expect(await forged.body.json()).toEqual({ error: 'signature does not verify' });

    // Another program of the account makes a task straight at the API: its event names no claim.
    const created = await request(
      `${servers.simulator.baseUrl}/services/aigc/video-generation/video-synthesis`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${servers.simulator.defaultKey}`,
          'content-type': 'application/json',
          'x-dashscope-async': 'enable',
        },
        body: JSON.stringify({ model: 'wan2.7-t2v', input: { prompt: 'not ours' }, parameters: {} }),
      },
    );
    expect(created.statusCode).toBe(200);
    await created.body.dump();
    servers.simulator.setFaults({});
    await expect.poll(() => receiver.stats().unowned - before.unowned, { timeout: 20_000 }).toBe(1);
    expect(receiver.stats().accepted).toBe(before.accepted);
    expect(receiver.stats().rejected - before.rejected).toBe(1);
  }, 60_000);
});
