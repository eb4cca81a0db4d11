// The wrapper routes end to end — fal.ai's queue and each::labs' predictions, each simulated with its own
// protocol: polling as the fallback, and signed webhooks that wake the job — delivered twice, forged,
// stale, or never.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { inspectStored, jobHarness, uniqueId, untilSubmitted, type JobHarness } from '../harness/jobs';
import { campaignReport, startCampaign, waitForCampaign } from '../../src/client/campaigns';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/webhooks/receiver';
import { callbackUrl } from '../../src/webhooks/callback';
import { getJobState, startJob, waitForJob } from '../../src/client/jobs';
import { InvalidRequestError } from '../../src/wan/validation';
import { SIMULATOR_JOB_OPTIONS } from '../../src/config/policy';
import { type JobOptions } from '../../src/shared/job-options';
import { jobWorkflowId } from '../../src/shared/ids';
import type { JobRecord } from '../../src/shared/records';
import { SIM_EACHLABS_WEBHOOK_SECRET, SIM_FAL_USER_ID } from '../../src/config/simulator';
import { makeImage } from '../harness/media';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetLinks, startAssetServer } from '../../src/assets/server';
import { FileSystemStore } from '../../src/storage/fs-store';
import { eachlabsSignature } from '../../src/providers/eachlabs/webhook';

let servers: TestServers;
let h: JobHarness;
let receiver: WebhookReceiver;
const WEBHOOK_SECRET = 'wrappers-test-webhook-secret';
let polling: InProcessWorker;
let pushed: InProcessWorker;

const t2v = {
  model: 'wan2.7-t2v',
  input: { prompt: 'a kite over dunes' },
  parameters: { resolution: '720P', duration: 2 },
};
// A first poll ten minutes out: within a test's time only a webhook can finish the job.
const WEBHOOK_ONLY: JobOptions = {
  ...SIMULATOR_JOB_OPTIONS,
  poll: { ...SIMULATOR_JOB_OPTIONS.poll, minIntervalMs: 600_000, maxIntervalMs: 600_000 },
};

beforeAll(async () => {
  servers = await startTestServers();
  h = await jobHarness(testEnv(servers, 'fal-poll'));
  receiver = await startWebhookReceiver({
    client: h.client,
    secret: WEBHOOK_SECRET,
    falUserId: SIM_FAL_USER_ID,
    falJwksUrl: `${servers.simulator.url}/fal/.well-known/jwks.json`,
    eachlabsSecret: SIM_EACHLABS_WEBHOOK_SECRET,
  });
  polling = await startInProcessWorker(testEnv(servers, 'fal-poll'));
  pushed = await startInProcessWorker(
    testEnv(servers, 'fal-hook', {
      WANFLOW_WEBHOOK_URL: receiver.url,
      WANFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET,
    }),
  );
});

afterAll(async () => {
  await polling?.stop();
  await pushed?.stop();
  await receiver?.close();
  await h?.client.connection.close();
  await servers?.stop();
});

beforeEach(() => servers.simulator.reset());

async function runOn(
  route: 'fal' | 'eachlabs',
  taskQueue: 'fal-poll' | 'fal-hook',
  options?: JobOptions,
  request: unknown = t2v,
): Promise<{ jobId: string; done: Promise<JobRecord> }> {
  const config = { ...h.config, temporal: { ...h.config.temporal, taskQueue } };
  const { jobId } = await startJob(h.client, config, { request, route, options });
  return { jobId, done: waitForJob(h.client, jobId) };
}

describe('fal.ai route', () => {
  it('by polling alone: its queue statuses map onto the job and the video is stored', async () => {
    const record = await (await runOn('fal', 'fal-poll')).done;
    expect(record.failure).toBeUndefined();
    expect(record).toMatchObject({ status: 'stored', route: 'fal', providerStatus: 'SUCCEEDED' });
    expect(record.taskId).toMatch(/^fal-ai\/wan\/requests\/[0-9a-f-]{36}$/);
    expect(record.notices).toBeUndefined();
    const stored = await inspectStored(h.store, record.outputs![0]!.key);
    expect(stored.probe.video).toMatchObject({ width: 1280, height: 720 });
    expect(servers.simulator.stats()).toMatchObject({ falCreates: 1, webhooksSent: 0 });
  });

  it('a signed webhook wakes the job long before its next poll', async () => {
    const record = await (await runOn('fal', 'fal-hook', WEBHOOK_ONLY)).done;
    expect(record).toMatchObject({ status: 'stored', notices: 1, polls: 1 });
    expect(receiver.stats().accepted).toBeGreaterThanOrEqual(1);
  });

  it('a webhook delivered twice wakes the job once', async () => {
    servers.simulator.setFaults({ webhookDuplicate: 1 });
    const before = receiver.stats();
    const record = await (await runOn('fal', 'fal-hook', WEBHOOK_ONLY)).done;
    expect(record).toMatchObject({ status: 'stored', notices: 1 });
    expect(receiver.stats().duplicates - before.duplicates).toBe(1);
    expect(servers.simulator.stats()).toMatchObject({ falCreates: 1, webhooksSent: 2 });
  });

  it('forged and stale deliveries are refused and change nothing', async () => {
    servers.simulator.setFaults({ slowTaskExtraMs: 1500 });
    const { jobId, done } = await runOn('fal', 'fal-hook', WEBHOOK_ONLY);
    const submitted = await untilSubmitted(h.client, jobId);
    const requestId = submitted.requestId!;
    const body = Buffer.from(
      JSON.stringify({
        request_id: requestId,
        status: 'OK',
        payload: { video: { url: 'https://attacker.example/x.mp4' } },
      }),
    );
    const attacker = generateKeyPairSync('ed25519');
    const deliver = async (timestamp: number, key = attacker.privateKey) => {
      const ts = String(Math.floor(timestamp / 1000));
      const message = [requestId, 'u', ts, createHash('sha256').update(body).digest('hex')].join('\n');
      const res = await request(callbackUrl(receiver.url, WEBHOOK_SECRET, 'fal', jobWorkflowId(jobId)), {
        method: 'POST',
        body,
        headers: {
          'x-fal-webhook-request-id': requestId,
          'x-fal-webhook-user-id': 'u',
          'x-fal-webhook-timestamp': ts,
          'x-fal-webhook-signature': sign(null, Buffer.from(message), key).toString('hex'),
        },
      });
      await res.body.dump();
      return res.statusCode;
    };
    const before = receiver.stats().rejected;
    expect(await deliver(Date.now())).toBe(401);
    expect(await deliver(Date.now() - 3600_000)).toBe(401);
    expect(receiver.stats().rejected - before).toBe(2);
    expect((await getJobState(h.client, jobId)).notices).toBeUndefined();
    // Paths a worker did not sign, or that name anything but a job, lead nowhere.
    const post = async (path: string) => {
      const res = await request(`${receiver.url}${path}`, { method: 'POST', body });
      await res.body.dump();
      return res.statusCode;
    };
    const id = encodeURIComponent(jobWorkflowId(jobId));
    expect(await post(`/webhooks/fal/${id}`)).toBe(404);
    expect(await post(`/webhooks/fal/${id}/${'0'.repeat(32)}`)).toBe(404);
    const pipeline = callbackUrl('', WEBHOOK_SECRET, 'fal', 'wanflow-pipeline-p');
    expect(await post(pipeline)).toBe(404);
    expect(await post('/webhooks/fal/%E0%A4%A/' + '0'.repeat(32))).toBe(400);
    const record = await done;
    expect(record).toMatchObject({ status: 'stored', notices: 1 });
    expect(record.outputs![0]!.location).not.toContain('attacker');
  });

  it("a campaign row's job is woken by its webhook too (not left to its ten-minute poll)", async () => {
    const campaignId = uniqueId('fal-rows');
    const config = { ...h.config, temporal: { ...h.config.temporal, taskQueue: 'fal-hook' } };
    const before = receiver.stats().accepted;
    await startCampaign(h.client, config, {
      campaignId,
      template: { kind: 'job', route: 'fal', body: { ...t2v, input: { prompt: '{{prompt}}' } } },
      rows: {
        format: 'csv',
        columns: ['prompt'],
        rows: [{ line: 2, values: { prompt: `${campaignId} kite` } }],
      },
      baseDir: tmpdir(),
      options: WEBHOOK_ONLY,
    });
    const state = await waitForCampaign(h.client, campaignId);
    expect(state).toMatchObject({ status: 'completed', counters: { stored: 1 } });
    const [row] = await campaignReport(h.client, config, campaignId);
    expect(row).toMatchObject({ status: 'stored' });
    expect(receiver.stats().accepted - before).toBe(1);
    expect(servers.simulator.stats()).toMatchObject({ falCreates: 1, webhooksSent: 1 });
  });

  it('a webhook that never comes: polling finishes the job', async () => {
    servers.simulator.setFaults({ webhookDrop: 1 });
    const record = await (await runOn('fal', 'fal-hook')).done;
    expect(record).toMatchObject({ status: 'stored' });
    expect(record.notices).toBeUndefined();
    expect(servers.simulator.stats()).toMatchObject({ falCreates: 1, webhooksSent: 0 });
  });

  it('a model fal does not serve is refused before anything is sent', async () => {
    const err = await startJob(h.client, h.config, {
      request: { model: 'wan2.7-image', input: { messages: [{ role: 'user', content: [{ text: 'x' }] }] } },
      route: 'fal',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toMatch(
      /route: does not serve wan2.7-image; fal.ai serves wan2.7-t2v, wan2.7-i2v, wan2.7-r2v, wan2.7-videoedit, wan2.7-image-pro/,
    );
    expect(servers.simulator.stats().falCreates).toBe(0);
  });
});

describe('each::labs route', () => {
  const i2v = (url: string) => ({
    model: 'wan2.7-i2v',
    input: { prompt: 'it waves', media: [{ type: 'first_frame', url }] },
    parameters: { resolution: '720P', duration: 2 },
  });

  it('an HMAC-signed webhook wakes the job; the video is stored and billed at the wrapper price', async () => {
    const frame = await makeImage(720, 1280);
    const record = await (await runOn('eachlabs', 'fal-hook', WEBHOOK_ONLY, i2v(frame))).done;
    expect(record.failure).toBeUndefined();
    expect(record).toMatchObject({ status: 'stored', route: 'eachlabs', notices: 1, polls: 1 });
    expect(record.outputs![0]).toMatchObject({ width: 720, height: 1280 });
    expect(record.cost.estimated).toMatchObject({ currency: 'USD', perUnit: 0.1, quantity: 2, amount: 0.2 });
    expect(record.cost.billed).toMatchObject({ currency: 'USD', quantity: 2, amount: 0.2 });
    expect(servers.simulator.stats()).toMatchObject({ eachlabsCreates: 1 });
  });

  it('by polling when the webhook never comes, and a forged delivery is refused', async () => {
    servers.simulator.setFaults({ webhookDrop: 1, slowTaskExtraMs: 800 });
    const { jobId, done } = await runOn('eachlabs', 'fal-hook', undefined, i2v(await makeImage(640, 480)));
    const submitted = await untilSubmitted(h.client, jobId);
    const body = Buffer.from(
      JSON.stringify({
        exec_id: submitted.requestId,
        status: 'succeeded',
        output: 'https://attacker.example/x.mp4',
      }),
    );
    const forged = await request(
      callbackUrl(receiver.url, WEBHOOK_SECRET, 'eachlabs', jobWorkflowId(jobId)),
      {
        method: 'POST',
        body,
        headers: { 'x-eachlabs-signature': eachlabsSignature('not-the-secret', body) },
      },
    );
    expect(forged.statusCode).toBe(401);
    await forged.body.dump();
    const record = await done;
    expect(record).toMatchObject({ status: 'stored' });
    expect(record.notices).toBeUndefined();
  });

  it('continuation without a first frame is refused: each::labs requires one', async () => {
    const err = await startJob(h.client, h.config, {
      route: 'eachlabs',
      request: {
        model: 'wan2.7-i2v',
        input: { media: [{ type: 'first_clip', url: 'https://example.com/c.mp4' }] },
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toMatch(
      /input: each::labs does not serve wan2.7-i2v in mode continuation; it serves first-frame, /,
    );
  });
});

describe('the local asset server (filesystem store)', () => {
  it('serves a local input to a wrapper route at a signed URL, and refuses what it did not sign', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-fs-store-'));
    const secret = 'a-test-secret-of-enough-length';
    const assets = await startAssetServer({ store: new FileSystemStore(dir), secret });
    const env = testEnv(servers, 'fal-fs', {
      WANFLOW_STORAGE: 'fs',
      WANFLOW_STORAGE_DIR: dir,
      WANFLOW_ASSET_URL: assets.url,
      WANFLOW_ASSET_SECRET: secret,
    });
    const worker = await startInProcessWorker(env);
    const hs = await jobHarness(env);
    try {
      const frame = await makeImage(960, 960);
      const { jobId } = await startJob(hs.client, hs.config, {
        route: 'fal',
        request: {
          model: 'wan2.7-i2v',
          input: { prompt: 'spin', media: [{ type: 'first_frame', url: frame }] },
          parameters: { resolution: '720P', duration: 2 },
        },
      });
      const record = await waitForJob(hs.client, jobId);
      expect(record.failure).toBeUndefined();
      expect(record).toMatchObject({ status: 'stored', inputPublishing: 'presign' });
      expect(record.outputs![0]).toMatchObject({ width: 960, height: 960 });
      expect(record.outputs![0]!.location.startsWith(dir)).toBe(true);
      const key = (record.request as { input: { media: { url: string }[] } }).input.media[0]!.url.replace(
        'asset://',
        '',
      );
      const links = new AssetLinks(assets.url, secret);
      const ok = await request(links.url(key, 60));
      expect(ok.statusCode).toBe(200);
      await ok.body.dump();
      for (const bad of [
        links.url(key, 60).replace(/Signature=\w+/, 'Signature=00'),
        new AssetLinks(assets.url, 'another-secret-of-length').url(key, 60),
        links.url(key, -10),
        `${assets.url}/assets/${key}`,
      ]) {
        const res = await request(bad);
        expect(res.statusCode).toBe(403);
        await res.body.dump();
      }
    } finally {
      await hs.client.connection.close();
      await worker.stop();
      await assets.close();
    }
  });
});
