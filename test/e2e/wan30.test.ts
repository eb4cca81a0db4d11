// Wan 3.0 end to end on the simulator: every mode of the contract's table runs to a stored clip (30 fps, with
// audio, sized by resolution and ratio), with the record's usage and bill checked; every documented
// refusal is refused before any create; the mix the service answers only as a FAILED task is refused here,
// and the simulator answers it as the service does; Wan 2.7 and Wan 3.0 stages chain in one pipeline.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJobStack } from '../harness/stack';
import { inspectStored, readJson, uniqueId } from '../harness/jobs';
import type { JobRecord } from '../../src/shared/records';
import { makeAudio, makeImage, makePdf, makeVideo } from '../harness/media';
import { InvalidRequestError } from '../../src/wan/validation';
import { SIM_DEFAULT_KEY } from '../../src/config/simulator';
import { startPipeline, waitForPipeline } from '../../src/client/pipelines';
import { readSpecFile } from '../../src/pipelines/read';
import { pipelineTable } from '../../src/cli/pipeline-view';

const stack = useJobStack('wan30-e2e');

async function upload(file: string, type: string): Promise<string> {
  const key = `inputs/${uniqueId('in')}-${file.split('/').pop()}`;
  await stack.h.store.put(key, createReadStream(file), type);
  return stack.h.store.url(key, 3600);
}

/** A finished record's clip, as probed from the store. */
async function clipOf(record: { outputs?: { key: string }[] }) {
  return (await inspectStored(stack.h.store, record.outputs![0]!.key)).probe;
}

describe('Wan 3.0, every mode end to end', () => {
  it('text: 480P at 16:9, 30 fps with audio, billed 0.30 CNY a second', async () => {
    const record = await stack.h.run({
      model: 'wan3.0-video',
      input: { prompt: 'a lighthouse at dusk, waves, gulls calling' },
      parameters: { resolution: '480P', ratio: '16:9', duration: 3 },
    });
    expect(record.status).toBe('stored');
    const clip = await clipOf(record);
    expect(clip.video).toMatchObject({ width: 832, height: 480, fps: 30 });
    expect(clip.audio).toBeDefined();
    expect(clip.durationSeconds!).toBeCloseTo(3, 1);
    expect(record.usage).toMatchObject({
      outputVideoDuration: 3,
      inputVideoDuration: 0,
      duration: 3,
      sr: 480,
    });
    expect(record.cost.estimated).toMatchObject({ quantity: 3, perUnit: 0.3, amount: 0.9, currency: 'CNY' });
    expect(record.cost.billed).toMatchObject({ quantity: 3, amount: 0.9 });
  });

  it("first frame: the adaptive ratio follows the frame's aspect", async () => {
    const frame = await upload(await makeImage(640, 480), 'image/png');
    const record = await stack.h.run({
      model: 'wan3.0-video',
      input: { media: [{ type: 'first_frame', url: frame }] },
      parameters: { resolution: '480P', duration: 2 },
    });
    expect(record.status).toBe('stored');
    expect(record.mediaRoles).toEqual(['first_frame']);
    expect((await clipOf(record)).video).toMatchObject({ width: 720, height: 544 });
    expect(record.cost.billed).toMatchObject({ quantity: 2, amount: 0.6 });
  });

  it('first and last frame on the prime tier: 720P at 1.5× the price', async () => {
    const [first, last] = await Promise.all([
      makeImage(480, 640).then((f) => upload(f, 'image/png')),
      makeImage(480, 640).then((f) => upload(f, 'image/png')),
    ]);
    const record = await stack.h.run({
      model: 'wan3.0-video-prime',
      input: {
        prompt: 'Image 1 turns into Image 2',
        media: [
          { type: 'first_frame', url: first },
          { type: 'last_frame', url: last },
        ],
      },
      parameters: { resolution: '720P', duration: 2 },
    });
    expect(record.status).toBe('stored');
    expect((await clipOf(record)).video).toMatchObject({ width: 832, height: 1104 });
    expect(record.cost.estimated).toMatchObject({ quantity: 2, perUnit: 0.9, amount: 1.8 });
    expect(record.cost.billed).toMatchObject({ quantity: 2, amount: 1.8 });
  });

  it('references (an extension of a reference video): input video seconds are billed with the output', async () => {
    const [image, video, audio] = await Promise.all([
      makeImage(640, 640).then((f) => upload(f, 'image/png')),
      makeVideo(640, 360, 3).then((f) => upload(f, 'video/mp4')),
      makeAudio(2, 'mp3').then((f) => upload(f, 'audio/mpeg')),
    ]);
    const record = await stack.h.run({
      model: 'wan3.0-video',
      input: {
        prompt: 'Extend Video 1: Image 1 walks in, speaking in the voice of Audio 1',
        media: [
          { type: 'reference_video', url: video },
          { type: 'reference_image', url: image },
          { type: 'reference_audio', url: audio },
        ],
      },
      parameters: { resolution: '480P', ratio: '1:1', duration: 4 },
    });
    expect(record.status).toBe('stored');
    expect(record.sourceAssets.map((s) => s.facts?.format)).toEqual(['mp4', 'png', 'mp3']);
    expect(record.sourceAssets[0]!.facts).toMatchObject({ fps: 30 });
    expect((await clipOf(record)).video).toMatchObject({ width: 624, height: 624 });
    expect(record.usage).toMatchObject({ inputVideoDuration: 3, outputVideoDuration: 4, duration: 7 });
    expect(record.cost.estimated).toMatchObject({ quantity: 7, amount: 2.1 });
    expect(record.cost.billed).toMatchObject({ quantity: 7, amount: 2.1 });
  });

  it('a document, the length left to the model: estimated at 30 s, billed as the task reports', async () => {
    const pdf = await upload(makePdf(3), 'application/pdf');
    const record = await stack.h.run({
      model: 'wan3.0-video',
      input: { prompt: 'a product explainer', media: [{ type: 'file', url: pdf }] },
      parameters: { resolution: '480P', duration: -1 },
    });
    expect(record.status).toBe('stored');
    expect(record.sourceAssets[0]!.facts).toMatchObject({ format: 'pdf', pages: 3 });
    expect(record.cost.estimated).toMatchObject({ quantity: 30, amount: 9 });
    const chosen = record.usage!.outputVideoDuration!;
    expect(chosen).toBeGreaterThanOrEqual(2);
    expect(chosen).toBeLessThan(30);
    expect(record.cost.billed).toMatchObject({
      quantity: chosen,
      amount: Math.round(chosen * 0.3 * 1e6) / 1e6,
    });
    expect((await clipOf(record)).durationSeconds!).toBeCloseTo(chosen, 1);
  });

  it('a web page, silent: the service reads the page (nothing is fetched here); no sound track', async () => {
    const record = await stack.h.run({
      model: 'wan3.0-video',
      input: { media: [{ type: 'link', url: 'https://launch.example.com/' }] },
      parameters: { resolution: '480P', duration: 2, audio: false },
    });
    expect(record.status).toBe('stored');
    expect(record.sourceAssets).toEqual([]);
    const clip = await clipOf(record);
    expect(clip.video).toMatchObject({ width: 832, height: 480 });
    expect(clip.audio).toBeUndefined();
    expect(record.cost.billed).toMatchObject({ quantity: 2, amount: 0.6 });
  });
});

describe('Wan 3.0, paid once', () => {
  it('a lost create answer, the task listed only once it has ended: found by its echo, adopted, never resent', async () => {
    stack.servers.simulator.reset();
    stack.servers.simulator.setFaults({ dropCreateResponse: 1, listLagMs: 4_000 });
    // Unset, the ratio is adaptive: the finished task echoes 16:9, which must not read as another request's.
    const record = await stack.h.run({
      model: 'wan3.0-video',
      input: { prompt: `a lost answer ${uniqueId('p')}` },
      parameters: { resolution: '480P', duration: 2 },
    });
    expect(record).toMatchObject({ status: 'stored', taskAdopted: true });
    expect(stack.servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
  });
});

describe('Wan 2.7 and Wan 3.0 in one pipeline', () => {
  it('examples/wan30-story.yaml: Wan 2.7 frames → a Wan 3.0 shot between them → extended → edited', async () => {
    const spec = readSpecFile(resolve(__dirname, '../../examples/wan30-story.yaml'));
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec,
      key: uniqueId('story'),
    });
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('stored');
    expect(record.stages.frames!.outputs).toHaveLength(2);
    for (const id of ['shot', 'extend', 'finish']) {
      const job = record.stages[id]!.jobs[0]!;
      const clip = await clipOf(job);
      expect(clip.video, id).toMatchObject({ width: 832, height: 480, fps: 30 });
      expect(clip.audio, id).toBeDefined();
    }
    // The shot's 4 s are billed again as the extension's reference video, and so on: 4 + 8 + 8 s at ¥0.3.
    const shot = await readJson<JobRecord>(stack.h.store, record.stages.shot!.jobs[0]!.manifestKey!);
    expect(shot.request).toMatchObject({
      input: {
        media: [
          { type: 'first_frame', url: `asset://${record.stages.frames!.outputs[0]}` },
          { type: 'last_frame', url: `asset://${record.stages.frames!.outputs[1]}` },
        ],
      },
    });
    expect(record.stages.extend!.jobs[0]!.usage).toMatchObject({ inputVideoDuration: 4, duration: 8 });
    expect(record.stages.finish!.jobs[0]!.cost.billed).toMatchObject({ quantity: 8, amount: 2.4 });
    // The image stage has no published price: the total says so instead of passing it over.
    expect(record.cost).toMatchObject({ estimated: { CNY: 6 }, billed: { CNY: 6 } });
    expect(pipelineTable(record, Date.now())).toMatch(
      /cost {9}estimated 6 CNY, billed 6 CNY \(no known price: frames\)/,
    );
  });
});

describe('Wan 3.0 refusals, before any create', () => {
  const refusedBeforeCreate = async (request: unknown, message: RegExp) => {
    stack.servers.simulator.reset();
    const outcome = await stack.h.run(request).catch((err: unknown) => err);
    if (outcome instanceof InvalidRequestError) expect(outcome.message).toMatch(message);
    else {
      expect(outcome).toMatchObject({ status: 'failed', failure: { cause: 'invalid_input' } });
      expect((outcome as { failure: { message: string } }).failure.message).toMatch(message);
    }
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  };

  it('frames mixed with references: the service would fail the task; it is refused here', async () => {
    const frame = await upload(await makeImage(640, 480), 'image/png');
    await refusedBeforeCreate(
      {
        model: 'wan3.0-video',
        input: {
          prompt: 'p',
          media: [
            { type: 'first_frame', url: frame },
            { type: 'reference_image', url: frame },
          ],
        },
      },
      /first_frame cannot be mixed with reference_image \(the service would fail the task\)/,
    );
  });

  it('input + output over 30 s, reference videos over 15 s together, under 16 fps, over 50 pages', async () => {
    const [long, short, slow] = await Promise.all([
      makeVideo(640, 360, 12).then((f) => upload(f, 'video/mp4')),
      makeVideo(640, 360, 4).then((f) => upload(f, 'video/mp4')),
      makeVideo(640, 360, 2, 12).then((f) => upload(f, 'video/mp4')),
    ]);
    const refs = (...urls: string[]) => urls.map((url) => ({ type: 'reference_video', url }));
    await refusedBeforeCreate(
      {
        model: 'wan3.0-video',
        input: { prompt: 'extend Video 1', media: refs(long) },
        parameters: { duration: 20 },
      },
      /parameters\.duration: with 12 s of input video, at most 18 \(input \+ output ≤ 30 s\)/,
    );
    await refusedBeforeCreate(
      { model: 'wan3.0-video', input: { prompt: 'Video 1 and 2', media: refs(long, short) } },
      /input\.media: reference_video inputs last 16 s together; at most 15 s/,
    );
    await refusedBeforeCreate(
      { model: 'wan3.0-video', input: { prompt: 'Video 1', media: refs(slow) } },
      /input\.media\.0\.url: video must have at least 16 frames per second \(got 12\)/,
    );
    const thick = await upload(makePdf(51), 'application/pdf');
    await refusedBeforeCreate(
      { model: 'wan3.0-video', input: { media: [{ type: 'file', url: thick }] } },
      /input\.media\.0\.url: document has more than 50 pages \(got 51\)/,
    );
  });
});

describe('the simulated service', () => {
  it('takes frames mixed with references at create and fails the task, as the contract shows', async () => {
    const base = stack.servers.simulator.baseUrl;
    const headers = {
      Authorization: `Bearer ${SIM_DEFAULT_KEY}`,
      'Content-Type': 'application/json',
      'X-DashScope-Async': 'enable',
    };
    const frame = await upload(await makeImage(640, 480), 'image/png');
    const created = await fetch(`${base}/services/aigc/video-generation/video-synthesis`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: 'wan3.0-video',
        input: {
          prompt: 'p',
          media: [
            { type: 'first_frame', url: frame },
            { type: 'reference_image', url: frame },
          ],
        },
        parameters: { resolution: '480P', duration: 2 },
      }),
    });
    expect(created.status).toBe(200);
    const { output } = (await created.json()) as { output: { task_id: string; task_status: string } };
    expect(output.task_status).toBe('PENDING');
    await expect
      .poll(
        async () => {
          const res = await fetch(`${base}/tasks/${output.task_id}`, { headers });
          return ((await res.json()) as { output: Record<string, unknown> }).output;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toMatchObject({ task_status: 'FAILED', code: 'InvalidParameter', message: /mutually exclusive/ });
  });
});
