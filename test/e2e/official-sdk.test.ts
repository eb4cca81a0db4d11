// The official DashScope Python SDK, unchanged, against the simulator: the proof that the stand-in speaks
// Model Studio's protocol and not only wanflow's own client.
import { execFile } from 'node:child_process';
import { existsSync, createReadStream, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { cacheDir } from '../../src/config/env';
import { FAST_SIMULATOR } from '../harness/servers';
import { makeImage } from '../harness/media';

const run = promisify(execFile);
const python = join(cacheDir(), 'dashscope-venv', 'bin', 'python');
let sim: RunningSimulator;
let files: Server;
let localImage: string;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    cacheDir: mkdtempSync(join(tmpdir(), 'wanflow-sdk-')),
    ...FAST_SIMULATOR,
  });
  const image = await makeImage(1280, 720, 'jpg');
  localImage = await makeImage(720, 1280, 'png');
  files = createServer((_req, res) =>
    createReadStream(image).pipe(res.writeHead(200, { 'Content-Type': 'image/jpeg' })),
  );
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await sim?.close();
  files?.close();
});

it('the official Python SDK creates, waits, cancels, fetches and lists tasks, and reads error answers', async () => {
  expect(existsSync(python), `no DashScope SDK at ${python}: run npm run bootstrap -- --test`).toBe(true);
  const imageUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}/frame.jpg`;
  const { stdout } = await run(
    python,
    [resolve(__dirname, '../sdk/dashscope_sdk_check.py'), imageUrl, localImage],
    {
      env: { ...process.env, DASHSCOPE_HTTP_BASE_URL: sim.baseUrl, DASHSCOPE_API_KEY: sim.defaultKey },
      timeout: 90_000,
    },
  );
  const out = JSON.parse(stdout);
  expect(out.sdk_version).toBe('2.0.2');
  expect(out.call).toMatchObject({
    status_code: 200,
    task_status: 'SUCCEEDED',
    usage: { duration: 2, output_video_duration: 2, SR: 720, ratio: '16:9' },
  });
  expect(out.call.video_url).toMatch(/\/results\/.+\.mp4\?Expires=\d+&OSSAccessKeyId=.+&Signature=/);
  expect(out.i2v).toEqual({ status_code: 200, task_status: 'SUCCEEDED', ratio: '16:9' });
  expect(out.local_file).toEqual({ status_code: 200, task_status: 'SUCCEEDED', ratio: '9:16' });
  expect(out.async_call).toEqual({ status_code: 200, task_status: 'PENDING' });
  expect(out.cancel).toEqual({ status_code: 200 });
  expect(out.fetch).toEqual({ task_status: 'CANCELED' });
  // Filtered by model: the two t2v tasks, not the i2v one.
  expect(out.list).toEqual({ status_code: 200, total: 2 });
  // Wan 3.0 through the same SDK: typed media passed through, the length chosen by the model (-1).
  expect(out.wan3).toMatchObject({
    status_code: 200,
    task_status: 'SUCCEEDED',
    usage: { SR: 480, fps: 30, ratio: '16:9', input_video_duration: 0 },
  });
  expect(out.wan3.usage.output_video_duration).toBeGreaterThanOrEqual(2);
  expect(out.wan3.usage.output_video_duration).toBeLessThanOrEqual(30);
  // The frame/reference mix: taken at create, answered as a FAILED task (the contract's official example).
  expect(out.wan3_mixed).toMatchObject({ status_code: 200, task_status: 'FAILED', code: 'InvalidParameter' });
  expect(out.wan3_mixed.message).toMatch(/mutually exclusive/);
  expect(out.invalid).toMatchObject({ status_code: 400, code: 'InvalidParameter' });
  expect(out.invalid.message).toMatch(/parameters\.duration/);
  expect(sim.stats()).toMatchObject({ tasksCreated: 6, cancels: 1, lists: 1, uploadPolicies: 1, uploads: 1 });
});
