// Every route end to end against its simulated contract: each model and mode a route claims to serve
// (providers/routes.ts) is run through it, and the simulator — which reads the route's own wire format
// back into a Wan request — must see the same model and mode. Then inference.sh's own contract: its
// numeric statuses, files API, cancel, wake-up webhooks (twice, forged, about another task, never), the
// Model Studio account its apps bill, and failover to it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { historyText, inspectStored, jobHarness, untilSubmitted, type JobHarness } from '../harness/jobs';
import { requestFor, testMedia, type TestMedia } from '../harness/modes';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/webhooks/receiver';
import { callbackUrl } from '../../src/webhooks/callback';
import { getJobState, startJob, waitForJob } from '../../src/client/jobs';
import { cancelRun } from '../../src/client/runs';
import { startPipeline, waitForPipeline } from '../../src/client/pipelines';
import { InvalidRequestError } from '../../src/wan/validation';
import { ROUTE_CAPABILITIES } from '../../src/providers/routes';
import { SIMULATOR_JOB_OPTIONS } from '../../src/config/policy';
import type { JobOptions } from '../../src/shared/job-options';
import { jobWorkflowId } from '../../src/shared/ids';
import type { JobRecord } from '../../src/shared/records';
import type { RouteId } from '../../src/wan/routes';
import type { RegionId } from '../../src/wan/regions';
import { maskKey } from '../../src/simulator/stats';
import { SIM_DEFAULT_KEY } from '../../src/config/simulator';

let servers: TestServers;
let h: JobHarness;
let receiver: WebhookReceiver;
let presigning: InProcessWorker;
let uploading: InProcessWorker;
let pushed: InProcessWorker;
let media: TestMedia;
const WEBHOOK_SECRET = 'routes-test-webhook-secret';
const SINGAPORE: RegionId = 'ap-southeast-1';
// A first poll ten minutes out: within a test's time only a webhook can finish the job.
const WEBHOOK_ONLY: JobOptions = {
  ...SIMULATOR_JOB_OPTIONS,
  poll: { ...SIMULATOR_JOB_OPTIONS.poll, minIntervalMs: 600_000, maxIntervalMs: 600_000 },
};
const t2v = {
  model: 'wan2.7-t2v',
  input: { prompt: 'a kite' },
  parameters: { resolution: '720P', duration: 2 },
};

beforeAll(async () => {
  servers = await startTestServers();
  h = await jobHarness(testEnv(servers, 'routes-presign'));
  receiver = await startWebhookReceiver({ client: h.client, secret: WEBHOOK_SECRET });
  [presigning, uploading, pushed, media] = await Promise.all([
    startInProcessWorker(testEnv(servers, 'routes-presign')),
    // Stored inputs reach inference.sh through its own files API.
    startInProcessWorker(testEnv(servers, 'routes-upload', { WANFLOW_INPUT_PUBLISHING: 'upload' })),
    startInProcessWorker(
      testEnv(servers, 'routes-hook', {
        WANFLOW_WEBHOOK_URL: receiver.url,
        WANFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET,
      }),
    ),
    testMedia(),
  ]);
});

afterAll(async () => {
  await Promise.all([presigning?.stop(), uploading?.stop(), pushed?.stop()]);
  await receiver?.close();
  await h?.client.connection.close();
  await servers?.stop();
});

beforeEach(() => servers.simulator.reset());

type Queue = 'routes-presign' | 'routes-upload' | 'routes-hook';

async function start(
  route: RouteId,
  body: unknown,
  o: { queue?: Queue; options?: JobOptions; region?: RegionId } = {},
): Promise<{ jobId: string; done: Promise<JobRecord> }> {
  const config = { ...h.config, temporal: { ...h.config.temporal, taskQueue: o.queue ?? 'routes-presign' } };
  // inference.sh's jobs are in Singapore, its account's region, unless a test says otherwise.
  const { jobId } = await startJob(h.client, config, {
    request: body,
    route,
    region: o.region,
    options: o.options,
  });
  return { jobId, done: waitForJob(h.client, jobId) };
}

const CREATES: Record<
  Exclude<RouteId, 'modelstudio'>,
  'falCreates' | 'eachlabsCreates' | 'inferenceCreates'
> = {
  fal: 'falCreates',
  eachlabs: 'eachlabsCreates',
  inference: 'inferenceCreates',
};

describe('every model and mode a route serves, end to end', () => {
  it.each(['fal', 'eachlabs', 'inference'] as const)(
    '%s: each of its models and modes is stored, and reaches the provider as that model and mode',
    async (route) => {
      const cases = Object.entries(ROUTE_CAPABILITIES[route].serves).flatMap(([model, modes]) =>
        modes.map((mode) => ({ model, mode })),
      );
      const queue = route === 'inference' ? 'routes-upload' : 'routes-presign';
      const runs = await Promise.all(
        cases.map(async (c) => ({
          ...c,
          ...(await start(route, requestFor(c.model, c.mode, media), { queue })),
        })),
      );
      const books = new Map<string, { model: string; mode: string; roles: string[] }>();
      for (const run of runs) {
        const record = await run.done;
        expect(record.failure, `${run.model} ${run.mode}`).toBeUndefined();
        expect(record).toMatchObject({ status: 'stored', route });
        const stored = await inspectStored(h.store, record.outputs![0]!.key);
        if (run.model.startsWith('wan2.7-image')) expect(stored.probe.video?.codec).toMatch(/png/);
        else expect(stored.probe.durationSeconds, `${run.model} ${run.mode}`).toBeGreaterThan(1);
        // fal names a task by its request path; the simulator by the request ID at its end.
        books.set(record.taskId!.split('/').pop()!, { ...run, roles: [...record.mediaRoles].sort() });
      }
      // The simulator parsed each create from the route's own fields: the model, the mode and every media
      // role arrived (a field the mapping dropped or misnamed shows here).
      const seen = servers.simulator.tasks().filter((t) => books.has(t.taskId));
      expect(seen.map((t) => `${t.model} ${t.mode}`).sort()).toEqual(
        cases.map((c) => `${c.model} ${c.mode}`).sort(),
      );
      for (const t of seen)
        expect([...t.roles].sort(), `${t.model} ${t.mode}`).toEqual(books.get(t.taskId)!.roles);
      expect(servers.simulator.stats()[CREATES[route]]).toBe(cases.length);
      if (route === 'inference') expect(servers.simulator.stats().createRequests).toBe(0);
    },
    240_000,
  );

  it.each(['fal', 'eachlabs', 'inference'] as const)(
    '%s: a 500 and a 429 before the task are sent again; a lost answer stops the job, never a second task',
    async (route) => {
      const body = route === 'eachlabs' ? requestFor('wan2.7-i2v', 'first-frame', media) : t2v;
      servers.simulator.setFaults({ serverErrors: 1, createRateLimited: 1 });
      const ok = await (await start(route, body)).done;
      expect(ok.status).toBe('stored');
      expect(servers.simulator.stats()[CREATES[route]]).toBe(1);
      servers.simulator.setFaults({ dropCreateResponse: 1 });
      const lost = await (await start(route, body)).done;
      // The task was made, but no task list can say so: wanflow stops rather than pay twice.
      expect(lost).toMatchObject({ status: 'failed', failure: { cause: 'ambiguous_submit' } });
      expect(servers.simulator.stats()[CREATES[route]]).toBe(2);
    },
    60_000,
  );

  it('a model or mode a route does not serve is refused before anything is sent, naming what it serves', async () => {
    const refused = async (route: RouteId, body: unknown, region?: RegionId) => {
      const err = await start(route, body, { region }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      return (err as Error).message;
    };
    expect(await refused('fal', requestFor('wan2.7-r2v', 'references+first-frame', media))).toMatch(
      /input: fal\.ai does not serve wan2\.7-r2v in mode references\+first-frame; it serves references/,
    );
    expect(await refused('fal', requestFor('wan2.7-image', 'text-to-image', media))).toMatch(
      /route: does not serve wan2\.7-image; fal\.ai serves .*wan2\.7-image-pro/,
    );
    const twoRefs = requestFor('wan2.7-videoedit', 'edit+reference-images', media) as {
      input: { media: unknown[] };
    };
    twoRefs.input.media.push({ type: 'reference_image', url: media.image2 });
    expect(await refused('fal', twoRefs)).toMatch(
      /input\.media: fal\.ai edit-video takes at most 1 reference_image/,
    );
    const fiveImages = requestFor('wan2.7-image-pro', 'image-edit', media) as {
      input: { messages: [{ content: unknown[] }] };
    };
    fiveImages.input.messages[0].content.unshift(...Array(4).fill({ image: media.image2 }));
    expect(await refused('fal', fiveImages)).toMatch(/fal\.ai pro\/edit takes at most 4 images/);
    expect(await refused('inference', t2v, 'cn-beijing')).toMatch(
      /region: inference\.sh runs Wan 2\.7 on a Model Studio key of ap-southeast-1/,
    );
    expect(servers.simulator.stats()).toMatchObject({ tasksCreated: 0 });
  });
});

describe('inference.sh', () => {
  it('runs on the Model Studio account: the task is that key’s, and a status no mapping names is polled through', async () => {
    servers.simulator.setFaults({ unknownStatusTasks: 1, slowTaskExtraMs: 8_000 });
    const { jobId, done } = await start('inference', t2v);
    const record = await done;
    expect(record).toMatchObject({
      status: 'stored',
      route: 'inference',
      region: SINGAPORE,
      providerStatus: 'SUCCEEDED',
    });
    // 13 is no status inference.sh's SDK names: logged, polled again, never taken for an end.
    expect(await historyText(h.client, jobWorkflowId(jobId))).toContain('\\"rawStatus\\":\\"13\\"');
    const task = servers.simulator.tasks().find((t) => t.taskId === record.taskId);
    expect(task).toMatchObject({ taskId: record.taskId, keyLabel: maskKey(SIM_DEFAULT_KEY) });
    // Billed as Model Studio bills Singapore: 2 s at 720P.
    expect(record.cost.estimated).toMatchObject({ perUnit: 0.733924, quantity: 2 });
  });

  it('a cancel while the task is queued cancels it at inference.sh', async () => {
    servers.simulator.setFaults({ queueExtraMs: 20_000 });
    const { jobId, done } = await start('inference', t2v);
    await untilSubmitted(h.client, jobId);
    await cancelRun(h.client, jobId);
    const record = await done;
    expect(record.status).toBe('canceled');
    expect(servers.simulator.tasks().find((t) => t.taskId === record.taskId)?.status).toBe('CANCELED');
  });

  it('a webhook wakes the job long before its next poll; delivered twice, it wakes it once', async () => {
    servers.simulator.setFaults({ webhookDuplicate: 1 });
    const before = receiver.stats();
    const record = await (
      await start('inference', t2v, { queue: 'routes-hook', options: WEBHOOK_ONLY })
    ).done;
    expect(record).toMatchObject({ status: 'stored', notices: 1, polls: 1 });
    expect(receiver.stats().duplicates - before.duplicates).toBe(1);
    expect(servers.simulator.stats()).toMatchObject({ inferenceCreates: 1, webhooksSent: 2 });
  });

  it('forged deliveries change nothing: unsigned paths, bodies naming no task or another task', async () => {
    servers.simulator.setFaults({ webhookDrop: 1, slowTaskExtraMs: 1_500 });
    const { jobId, done } = await start('inference', t2v, { queue: 'routes-hook' });
    const submitted = await untilSubmitted(h.client, jobId);
    const post = async (url: string, body: unknown) => {
      const res = await request(url, { method: 'POST', body: JSON.stringify(body) });
      await res.body.dump();
      return res.statusCode;
    };
    const signed = callbackUrl(receiver.url, WEBHOOK_SECRET, 'inference', jobWorkflowId(jobId));
    const forged = {
      id: submitted.taskId,
      status: 10,
      output: { video: { uri: 'https://attacker.example/x.mp4' } },
    };
    expect(await post(signed.replace(/[0-9a-f]{32}$/, '0'.repeat(32)), forged)).toBe(404);
    expect(
      await post(
        callbackUrl(receiver.url, 'another-secret-entirely', 'inference', jobWorkflowId(jobId)),
        forged,
      ),
    ).toBe(404);
    expect(await post(signed, { status: 10 })).toBe(401);
    // A replayed delivery about another task reaches the job, which ignores it: it names not its task.
    expect(await post(signed, { id: '3b8f3c0e-0000-4000-8000-000000000000', status: 10 })).toBe(200);
    expect((await getJobState(h.client, jobId)).notices).toBeUndefined();
    // The webhook never comes: polling finishes the job, with the result read from the API.
    const record = await done;
    expect(record).toMatchObject({ status: 'stored' });
    expect(record.notices).toBeUndefined();
    expect(record.outputs![0]!.location).not.toContain('attacker');
  });

  it('a pipeline stage that fails on Model Studio falls back to inference.sh', async () => {
    servers.simulator.setFaults({ dataInspectionTask: 1 });
    const { pipelineId } = await startPipeline(h.client, h.config, {
      spec: {
        version: 1,
        defaults: { region: SINGAPORE },
        stages: [{ id: 'shot', request: t2v, onFailure: 'fallback-route', fallbackRoute: 'inference' }],
      },
      key: 'fallback-inference',
    });
    const record = await waitForPipeline(h.client, pipelineId);
    expect(record.status).toBe('stored');
    expect(record.stages.shot!.jobs.map((j) => [j.route, j.status])).toEqual([
      ['modelstudio', 'failed'],
      ['inference', 'stored'],
    ]);
    expect(servers.simulator.stats()).toMatchObject({
      createRequests: 1,
      inferenceCreates: 1,
      tasksCreated: 2,
    });
  });
});
