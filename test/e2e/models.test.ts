// Reference-to-video and video edit end to end: inputs from storage by presigned URL, preflight, the
// simulator's billing of input video seconds, and the record's cost reconciled from usage.
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJobStack } from '../harness/stack';
import { historyText, inspectStored, jobHarness, uniqueId } from '../harness/jobs';
import { testEnv } from '../harness/servers';
import { startInProcessWorker } from '../harness/workers';
import { SIMULATOR_JOB_OPTIONS } from '../../src/config/policy';
import { jobWorkflowId } from '../../src/shared/ids';
import { InvalidRequestError } from '../../src/wan/validation';
import { makeAudio, makeImage, makeVideo } from '../harness/media';

const stack = useJobStack('models-e2e');

async function upload(file: string, type: string): Promise<string> {
  const key = `inputs/${uniqueId('in')}-${file.split('/').pop()}`;
  await stack.h.store.put(key, createReadStream(file), type);
  return stack.h.store.url(key, 3600);
}

describe('every video model end to end', () => {
  it('r2v: two reference images with a voice and a reference video; input video seconds are billed', async () => {
    const [a, b, clip, voice] = await Promise.all([
      makeImage(640, 640).then((f) => upload(f, 'image/png')),
      makeImage(480, 640, 'jpg').then((f) => upload(f, 'image/jpeg')),
      makeVideo(640, 360, 3).then((f) => upload(f, 'video/mp4')),
      makeAudio(4).then((f) => upload(f, 'audio/wav')),
    ]);
    const record = await stack.h.run({
      model: 'wan2.7-r2v',
      input: {
        prompt: 'Image 1 and Image 2 dance in the scene of Video 1',
        media: [
          { type: 'reference_image', url: a, reference_voice: voice },
          { type: 'reference_image', url: b },
          { type: 'reference_video', url: clip },
        ],
      },
      parameters: { resolution: '720P', duration: 2, ratio: '1:1' },
    });
    expect(record.status).toBe('stored');
    expect(record.mediaRoles).toEqual([
      'reference_image',
      'reference_voice',
      'reference_image',
      'reference_video',
    ]);
    const stored = await inspectStored(stack.h.store, record.outputs![0]!.key);
    expect(stored.probe.video).toMatchObject({ width: 960, height: 960 });
    expect(stored.probe.durationSeconds!).toBeCloseTo(2, 1);
    expect(record.usage).toMatchObject({ outputVideoDuration: 2, inputVideoDuration: 3, duration: 5 });
    expect(record.cost.estimated).toMatchObject({ unit: 'second', quantity: 5, amount: 3, currency: 'CNY' });
    expect(record.cost.billed).toMatchObject({ unit: 'second', quantity: 5, amount: 3 });
  });

  it('videoedit: duration 0 keeps the input length; input and output seconds are billed', async () => {
    const video = await upload(await makeVideo(720, 1280, 3), 'video/mp4');
    const style = await upload(await makeImage(512, 512), 'image/png');
    const record = await stack.h.run({
      model: 'wan2.7-videoedit',
      input: {
        prompt: 'turn it into watercolour',
        media: [
          { type: 'video', url: video },
          { type: 'reference_image', url: style },
        ],
      },
      parameters: { resolution: '720P' },
    });
    expect(record.status).toBe('stored');
    const stored = await inspectStored(stack.h.store, record.outputs![0]!.key);
    expect(stored.probe.video).toMatchObject({ width: 720, height: 1280 });
    expect(stored.probe.durationSeconds!).toBeCloseTo(3, 1);
    expect(record.usage).toMatchObject({ inputVideoDuration: 3, outputVideoDuration: 3, duration: 6 });
    expect(record.cost.estimated).toMatchObject({ unit: 'second', quantity: 6, amount: 3.6 });
    expect(record.cost.billed).toMatchObject({ unit: 'second', quantity: 6, amount: 3.6 });
  });

  it('i2v continuation: the first clip is preflighted and the total duration is what is generated', async () => {
    const clip = await upload(await makeVideo(1280, 720, 2), 'video/mp4');
    const record = await stack.h.run({
      model: 'wan2.7-i2v',
      input: { media: [{ type: 'first_clip', url: clip }] },
      parameters: { resolution: '720P', duration: 4 },
    });
    expect(record.status).toBe('stored');
    expect(record.sourceAssets[0]!.facts).toMatchObject({ format: 'mp4', width: 1280, height: 720 });
    const stored = await inspectStored(stack.h.store, record.outputs![0]!.key);
    expect(stored.probe.durationSeconds!).toBeCloseTo(4, 1);
    expect(record.cost.estimated).toMatchObject({ unit: 'second', quantity: 4 });
  });

  it('a bad input is refused before any create, naming the field', async () => {
    stack.servers.simulator.reset();
    const tiny = await upload(await makeImage(200, 200), 'image/png');
    const record = await stack.h.run({
      model: 'wan2.7-r2v',
      input: { prompt: 'Image 1', media: [{ type: 'reference_image', url: tiny }] },
      parameters: { resolution: '720P' },
    });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'invalid_input' } });
    expect(record.failure!.message).toMatch(
      /input\.media\.0\.url: each side must be at least 240 px \(got "200x200"\)/,
    );
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  });
});

describe('inputs from anywhere', () => {
  it('a local file is staged into the store, presigned at submit, and never shows up signed in history', async () => {
    const frame = await makeImage(720, 1280);
    const record = await stack.h.run({
      model: 'wan2.7-i2v',
      input: { prompt: 'local', media: [{ type: 'first_frame', url: frame }] },
      parameters: { resolution: '720P', duration: 2 },
    });
    expect(record).toMatchObject({ status: 'stored', inputPublishing: 'presign' });
    const sent = (record.request as { input: { media: { url: string }[] } }).input.media[0]!.url;
    expect(sent).toMatch(/^asset:\/\/inputs\/[0-9a-f]{32}\/frame\.png$/);
    expect(record.sourceAssets[0]!.facts).toMatchObject({ width: 720, height: 1280 });
    const history = await historyText(stack.h.client, jobWorkflowId(record.jobId));
    expect(history).toContain(sent);
    expect(history).not.toContain('X-Amz-Signature');
  });

  it("with 'upload', stored inputs go through Model Studio's temporary upload as oss:// URLs", async () => {
    const env = testEnv(stack.servers, 'models-upload', { WANFLOW_INPUT_PUBLISHING: 'upload' });
    const w = await startInProcessWorker(env);
    const hs = await jobHarness(env);
    try {
      stack.servers.simulator.reset();
      const clip = await makeVideo(640, 480, 2);
      const record = await hs.run({
        model: 'wan2.7-videoedit',
        input: { prompt: 'sepia', media: [{ type: 'video', url: clip }] },
        parameters: { resolution: '720P', duration: 2 },
      });
      expect(record.failure).toBeUndefined();
      expect(record).toMatchObject({
        status: 'stored',
        inputPublishing: 'upload',
        usage: { inputVideoDuration: 2 },
      });
      expect(stack.servers.simulator.stats()).toMatchObject({
        uploadPolicies: 1,
        uploads: 1,
        tasksCreated: 1,
      });
    } finally {
      await hs.client.connection.close();
      await w.stop();
    }
  });

  it('a missing local file or stored asset is refused with its field', async () => {
    const err = await stack.h
      .run({ model: 'wan2.7-i2v', input: { media: [{ type: 'first_frame', url: './no/such/frame.png' }] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toMatch(
      /input\.media\.0\.url: is neither a URL nor a readable local file/,
    );
    const record = await stack.h.run({
      model: 'wan2.7-i2v',
      input: { media: [{ type: 'first_frame', url: 'asset://inputs/missing.png' }] },
    });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'invalid_input' } });
    expect(record.failure!.message).toMatch(
      /input\.media\.0\.url: is not in the store \(it answered HTTP 404\)/,
    );
  });

  it('a caller-signed URL about to expire is refused before submit, not sent', async () => {
    const key = `inputs/${uniqueId('short')}.png`;
    await stack.h.store.put(key, createReadStream(await makeImage(640, 480)), 'image/png');
    const shortLived = await stack.h.store.url(key, 300);
    const record = await stack.h.run({
      model: 'wan2.7-i2v',
      input: { media: [{ type: 'first_frame', url: shortLived }] },
    });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'invalid_input' } });
    expect(record.failure!.message).toMatch(
      /input\.media\.0\.url: a signed URL must stay valid for at least 30 min/,
    );
  });
});

describe('image models', () => {
  it('wan2.7-image from a local input: every image is stored, billed per image at a configured price', async () => {
    const prices = join(mkdtempSync(join(tmpdir(), 'wanflow-prices-')), 'prices.json');
    writeFileSync(
      prices,
      JSON.stringify([
        {
          route: 'modelstudio',
          region: 'cn-beijing',
          model: 'wan2.7-image',
          unit: 'image',
          perUnit: 0.2,
          currency: 'CNY',
          source: 'test fixture',
        },
      ]),
    );
    const env = testEnv(stack.servers, 'models-images', { WANFLOW_PRICES: prices });
    const w = await startInProcessWorker(env);
    const hs = await jobHarness(env);
    try {
      const sketch = await makeImage(800, 600, 'jpg');
      const record = await hs.run({
        model: 'wan2.7-image',
        input: {
          messages: [
            { role: 'user', content: [{ image: sketch }, { text: 'paint this sketch in three styles' }] },
          ],
        },
        parameters: { size: '1K', n: 3 },
      });
      expect(record.failure).toBeUndefined();
      expect(record).toMatchObject({
        status: 'stored',
        endpointFamily: 'image-generation',
        mediaRoles: ['input_image'],
        usage: { imageCount: 3 },
      });
      expect(record.outputs).toHaveLength(3);
      for (const out of record.outputs!) {
        const stored = await inspectStored(hs.store, out.key);
        expect(stored.sha256).toBe(out.sha256);
        expect(stored.probe.video).toMatchObject({ codec: 'png', width: 1024, height: 1024 });
      }
      expect(record.cost.estimated).toMatchObject({
        unit: 'image',
        quantity: 3,
        amount: 0.6,
        source: 'test fixture',
      });
      expect(record.cost.billed).toMatchObject({ unit: 'image', quantity: 3, amount: 0.6 });
    } finally {
      await hs.client.connection.close();
      await w.stop();
    }
  });

  it('the synchronous image call: one request, every image stored, no task polled', async () => {
    stack.servers.simulator.reset();
    const record = await stack.h.run(
      {
        model: 'wan2.7-image',
        input: { messages: [{ role: 'user', content: [{ text: 'two quick sketches' }] }] },
        parameters: { size: '1K', n: 2 },
      },
      { options: { ...SIMULATOR_JOB_OPTIONS, imageCall: 'sync' } },
    );
    expect(record.failure).toBeUndefined();
    expect(record).toMatchObject({ status: 'stored', polls: 0, usage: { imageCount: 2 } });
    expect(record.taskId).toBeUndefined();
    expect(record.outputs).toHaveLength(2);
    for (const out of record.outputs!)
      expect((await inspectStored(stack.h.store, out.key)).sha256).toBe(out.sha256);
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, queries: 0, downloads: 2 });
  });

  it('wan2.7-image-pro at 4K, text to image, without a configured price: no estimate is guessed', async () => {
    const record = await stack.h.run({
      model: 'wan2.7-image-pro',
      input: { messages: [{ role: 'user', content: [{ text: 'a lighthouse, poster' }] }] },
      parameters: { size: '4K', thinking_mode: true },
    });
    expect(record.status).toBe('stored');
    expect(record.outputs).toMatchObject([{ width: 4096, height: 4096, contentType: 'image/png' }]);
    expect(record.cost.estimated).toBeUndefined();
  });
});

describe('every mode round trip', () => {
  const frame = () => makeImage(640, 480).then((f) => upload(f, 'image/png'));
  const audio = () => makeAudio(4).then((f) => upload(f, 'audio/wav'));
  const clip = () => makeVideo(640, 480, 2).then((f) => upload(f, 'video/mp4'));

  it.each([
    [
      't2v with driving audio',
      async () => ({ model: 'wan2.7-t2v', input: { prompt: 'drums', audio_url: await audio() } }),
      1280,
      720,
    ],
    [
      'i2v first + last frame',
      async () => ({
        model: 'wan2.7-i2v',
        input: {
          media: [
            { type: 'first_frame', url: await frame() },
            { type: 'last_frame', url: await frame() },
          ],
        },
      }),
      1104,
      832,
    ],
    [
      'i2v first frame + driving audio',
      async () => ({
        model: 'wan2.7-i2v',
        input: {
          media: [
            { type: 'first_frame', url: await frame() },
            { type: 'driving_audio', url: await audio() },
          ],
        },
      }),
      1104,
      832,
    ],
    [
      'i2v first + last frame + driving audio',
      async () => ({
        model: 'wan2.7-i2v',
        input: {
          media: [
            { type: 'first_frame', url: await frame() },
            { type: 'last_frame', url: await frame() },
            { type: 'driving_audio', url: await audio() },
          ],
        },
      }),
      1104,
      832,
    ],
    [
      'i2v continuation to a last frame',
      async () => ({
        model: 'wan2.7-i2v',
        input: {
          media: [
            { type: 'first_clip', url: await clip() },
            { type: 'last_frame', url: await frame() },
          ],
        },
      }),
      1104,
      832,
    ],
    [
      'r2v with a first frame',
      async () => ({
        model: 'wan2.7-r2v',
        input: {
          prompt: 'Image 1 runs',
          media: [
            { type: 'reference_image', url: await frame() },
            { type: 'first_frame', url: await frame() },
          ],
        },
      }),
      1104,
      832,
    ],
  ])('%s', async (_name, build, width, height) => {
    const body = (await build()) as { parameters?: object };
    const record = await stack.h.run({ ...body, parameters: { resolution: '720P', duration: 3 } });
    expect(record.failure).toBeUndefined();
    expect(record.status).toBe('stored');
    const stored = await inspectStored(stack.h.store, record.outputs![0]!.key);
    expect(stored.sha256).toBe(record.outputs![0]!.sha256);
    expect(stored.probe.video).toMatchObject({ width, height });
    expect(stored.probe.durationSeconds!).toBeCloseTo(3, 1);
  });
});
