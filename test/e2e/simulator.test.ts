// The simulator's contract at the HTTP level, through wanflow's own Model Studio client where it can and
// raw HTTP where the client would refuse to send something malformed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { ModelStudioProvider } from '../../src/providers/modelstudio/client';
import {
  AmbiguousRequestError,
  ConnectionFailedError,
  RequestRejectedError,
} from '../../src/providers/errors';
import { parseUtc8 } from '../../src/wan/time';
import { parseVideoRequest, parseWanRequest } from '../../src/wan/validation';
import type { ImageRequest } from '../../src/wan/image-requests';
import { freePort } from '../../src/stack/service';
import { SIM_INFERENCE_KEY } from '../../src/config/simulator';

const TTL_MS = 3500;
let sim: RunningSimulator;
let provider: ModelStudioProvider;
const body = parseVideoRequest({
  model: 'wan2.7-t2v',
  input: { prompt: 'protocol' },
  parameters: { resolution: '720P', duration: 2 },
});

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    queueMs: 400,
    runMs: 400,
    runPerOutputSecondMs: 0,
    taskTtlMs: TTL_MS,
    keys: { 'sk-us-virginia-0001': 'us-east-1' },
  });
  provider = new ModelStudioProvider({ baseUrl: sim.baseUrl, apiKey: sim.defaultKey });
});
afterAll(() => sim?.close());
beforeEach(() => sim.reset());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Model Studio simulator', () => {
  it('walks PENDING → RUNNING → SUCCEEDED → UNKNOWN (after the TTL), with UTC+8 times', async () => {
    // Statuses are read every 50 ms and kept in order of change: a stalled machine may skip a read,
    // never reorder the walk, and each state lasts long enough (≥ 400 ms) to be seen under load.
    const before = Date.now();
    const { taskId } = await provider.createTask(body);
    const walk: string[] = [];
    let done = await provider.getTask(taskId);
    for (; done.status !== 'SUCCEEDED' && Date.now() - before < TTL_MS;) {
      if (walk.at(-1) !== done.status) walk.push(done.status);
      done = await sleep(50).then(() => provider.getTask(taskId));
    }
    expect(walk).toEqual(['PENDING', 'RUNNING']);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      origPrompt: 'protocol',
      usage: { duration: 2, sr: 720, ratio: '16:9', videoCount: 1 },
    });
    const submitted = parseUtc8(done.submitTime!)!;
    expect(submitted).toBeGreaterThanOrEqual(before - 1);
    expect(submitted).toBeLessThanOrEqual(Date.now());
    expect(done.submitTime!.slice(11, 13)).toBe(
      new Date(submitted + 8 * 3600_000).toISOString().slice(11, 13),
    );
    await sleep(Math.max(0, before + TTL_MS + 100 - Date.now()));
    expect((await provider.getTask(taskId)).status).toBe('UNKNOWN');
  });

  it('cancels only while PENDING', async () => {
    const a = await provider.createTask(body);
    await provider.cancelTask(a.taskId);
    expect((await provider.getTask(a.taskId)).status).toBe('CANCELED');
    const b = await provider.createTask(body);
    await sleep(500);
    const err = await provider.cancelTask(b.taskId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestRejectedError);
    expect(err).toMatchObject({ code: 'UnsupportedOperation', httpStatus: 400 });
  });

  it('refuses a video create without the async header, as the service does', async () => {
    const res = await request(`${sim.baseUrl}/services/aigc/video-generation/video-synthesis`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sim.defaultKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(403);
    expect(await res.body.json()).toMatchObject({
      code: 'AccessDenied',
      message: 'current user api does not support synchronous calls',
    });
    expect(sim.stats().tasksCreated).toBe(0);
  });

  it('binds keys to regions: a Virginia key on this Beijing host is an auth error', async () => {
    const virginia = new ModelStudioProvider({ baseUrl: sim.baseUrl, apiKey: 'sk-us-virginia-0001' });
    const err = await virginia.createTask(body).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'RequestRejectedError',
      failureCause: 'auth_or_region',
      code: 'InvalidApiKey',
      httpStatus: 401,
    });
  });

  it('signed result URLs stop working when they expire', async () => {
    // Three seconds, then a wait until the URL's own Expires has passed: no race with a second boundary.
    sim.setFaults({ resultUrlTtlSeconds: 3 });
    const { taskId } = await provider.createTask(body);
    let snapshot = await provider.getTask(taskId);
    for (let i = 0; i < 50 && snapshot.status !== 'SUCCEEDED'; i++)
      snapshot = await sleep(100).then(() => provider.getTask(taskId));
    expect(snapshot.videoUrl).toContain(taskId);
    const fresh = await request(snapshot.videoUrl!);
    expect(fresh.statusCode).toBe(200);
    await fresh.body.dump();
    const expires = Number(new URL(snapshot.videoUrl!).searchParams.get('Expires')) * 1000;
    await sleep(Math.max(0, expires - Date.now()) + 200);
    const late = await request(snapshot.videoUrl!);
    expect(late.statusCode).toBe(403);
    expect(await late.body.text()).toContain('Request has expired.');
    const forged = await request(snapshot.videoUrl!.replace(/Expires=\d+/, 'Expires=9999999999'));
    expect(forged.statusCode).toBe(403);
    await forged.body.dump();
  });

  it('a dropped create answer is an ambiguous error; a refused connection is a never-sent one', async () => {
    sim.setFaults({ dropCreateResponse: 1 });
    expect(await provider.createTask(body).catch((e: unknown) => e)).toBeInstanceOf(AmbiguousRequestError);
    expect(sim.stats().tasksCreated).toBe(1);
    const nowhere = new ModelStudioProvider({
      baseUrl: `http://127.0.0.1:${await freePort()}/api/v1`,
      apiKey: 'k',
    });
    expect(await nowhere.createTask(body).catch((e: unknown) => e)).toBeInstanceOf(ConnectionFailedError);
  });

  it('lists tasks by model and time window', async () => {
    const { taskId } = await provider.createTask(body);
    const now = Date.now();
    const hit = await provider.listTasks({ startMs: now - 60_000, endMs: now + 60_000, model: 'wan2.7-t2v' });
    expect(hit.tasks.map((t) => t.taskId)).toContain(taskId);
    const miss = await provider.listTasks({
      startMs: now - 60_000,
      endMs: now + 60_000,
      model: 'wan2.7-i2v',
    });
    expect(miss.tasks.map((t) => t.taskId)).not.toContain(taskId);
  });
});

describe('image models in the simulator', () => {
  const imageBody = (n: number) =>
    parseWanRequest({
      model: 'wan2.7-image',
      input: { messages: [{ role: 'user', content: [{ text: 'a kite' }] }] },
      parameters: { size: '1K', n },
    });

  it('the sync route answers with the images themselves', async () => {
    const answer = await provider.generateImagesSync(imageBody(2) as ImageRequest);
    expect(answer.imageUrls).toHaveLength(2);
    expect(answer.imageCount).toBe(2);
    for (const url of answer.imageUrls) {
      const res = await request(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      await res.body.dump();
    }
  });

  it('the async route makes a task whose result holds every image', async () => {
    const { taskId } = await provider.createTask(imageBody(3));
    let snap = await provider.getTask(taskId);
    for (let i = 0; i < 50 && snap.status !== 'SUCCEEDED'; i++)
      snap = await sleep(100).then(() => provider.getTask(taskId));
    expect(snap).toMatchObject({ status: 'SUCCEEDED', origPrompt: 'a kite', usage: { imageCount: 3 } });
    expect(snap.imageUrls).toHaveLength(3);
    expect(new Set(snap.imageUrls).size).toBe(3);
  });

  it('an image model sent to the video route is refused', async () => {
    const res = await request(`${sim.baseUrl}/services/aigc/video-generation/video-synthesis`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${sim.defaultKey}`,
        'Content-Type': 'application/json',
        'X-DashScope-Async': 'enable',
      },
      body: JSON.stringify(imageBody(1)),
    });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ code: 'InvalidParameter' });
  });
});

describe('malformed requests never take the simulator down', () => {
  it.each([
    ['POST', '/api/v1/services/aigc/video-generation/video-synthesis', '{not json', 400],
    ['GET', '/api/v1/tasks/%E0%A4%A', undefined, 400],
    ['POST', '/_sim/faults', '{"nope": ', 400],
    ['POST', '/api/v1/services/aigc/video-generation/video-synthesis', 'x'.repeat(9 * 1024 * 1024), 413],
  ])('%s %s answers %#', async (method, path, body, status) => {
    const res = await request(`${sim.url}${path}`, {
      method: method as 'GET' | 'POST',
      body,
      headers: { authorization: `Bearer ${sim.defaultKey}`, 'x-dashscope-async': 'enable' },
    }).catch(() => undefined);
    if (res) {
      expect(res.statusCode).toBe(status);
      await res.body.dump();
    }
    const alive = await request(`${sim.url}/_sim/stats`);
    expect(alive.statusCode).toBe(200);
    await alive.body.dump();
  });
});

describe('account limits, as Model Studio enforces them', () => {
  const refusalOf = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: unknown) => err,
    );

  it('beyond K tasks in progress per key and model, a create gets 429 Throttling.RateQuota until one ends', async () => {
    sim.setLimits({ concurrentTasks: { 'wan2.7-t2v': 2 } });
    const first = await provider.createTask(body);
    await provider.createTask(body);
    const third = await refusalOf(provider.createTask(body));
    expect(third).toMatchObject({ name: 'RateLimitedError', code: 'Throttling.RateQuota', httpStatus: 429 });
    expect((third as Error).message).toMatch(/2 of 2 in progress/);
    // A canceled task no longer counts.
    await provider.cancelTask(first.taskId);
    await expect(provider.createTask(body)).resolves.toMatchObject({ taskId: expect.any(String) });
    expect(sim.stats().refusals['Throttling.RateQuota']).toBe(1);
  });

  it('creates per second and queries per second per key', async () => {
    sim.setLimits({ submitsPerSecond: 2, queriesPerSecond: 3 });
    await provider.createTask(body);
    const { taskId } = await provider.createTask(body);
    expect(await refusalOf(provider.createTask(body))).toMatchObject({ code: 'Throttling.RateQuota' });
    await sleep(1100);
    await expect(provider.createTask(body)).resolves.toBeDefined();
    const answers = await Promise.all([0, 1, 2, 3].map(() => refusalOf(provider.getTask(taskId))));
    expect(answers.filter((a) => a === undefined)).toHaveLength(3);
    expect(answers.find((a) => a !== undefined)).toMatchObject({ name: 'RateLimitedError', httpStatus: 429 });
    // A reset restores the limits the simulator started with (none).
    sim.reset();
    await Promise.all([0, 1, 2, 3].map(() => provider.getTask(taskId)));
  });

  it('the burst guard refuses a second that outgrows the minute before it, below every other limit', async () => {
    // Two creates in a second at most, or more than 60× the minute's average per second.
    sim.setLimits({ burst: { floorPerSecond: 2, growth: 60 } });
    await provider.createTask(body);
    await provider.createTask(body);
    const third = await refusalOf(provider.createTask(body));
    expect(third).toMatchObject({ name: 'RateLimitedError', code: 'Throttling.BurstRate', httpStatus: 429 });
    // A second later the minute holds two creates: 60 × 2/59 lets a third through, not a fourth.
    await sleep(1100);
    for (let i = 0; i < 3; i++) await provider.createTask(body);
    expect(await refusalOf(provider.createTask(body))).toMatchObject({ code: 'Throttling.BurstRate' });
    expect(sim.stats().refusals['Throttling.BurstRate']).toBe(2);
  });
});

describe("inference.sh's API in the simulator", () => {
  // Connections of their own: the 413 test above leaves a pooled one half-read (the server stops reading
  // an oversized body), and a request sent on it is reset.
  const own = new Agent();
  afterAll(() => own.close());
  const api = () => `${sim.url}/inference`;
  const auth = { authorization: `Bearer ${SIM_INFERENCE_KEY}` };
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    json?: unknown,
  ) => {
    const res = await request(`${api()}${path}`, {
      dispatcher: own,
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const run = { app: 'alibaba/wan-2-7-t2v', input: { prompt: 'protocol', resolution: '720P', duration: 2 } };

  it('answers bare objects with X-API-Version 2, the older {success, data} envelope without', async () => {
    const bare = await call('POST', '/apps/run', { ...auth, 'x-api-version': '2' }, run);
    // Queued (2), or running (7) on a machine slow enough to pass the 400 ms queue: never an end yet.
    expect(bare).toMatchObject({ status: 200, body: { id: expect.any(String) } });
    expect([2, 7]).toContain(bare.body.status);
    const wrapped = await call('POST', '/apps/run', auth, run);
    expect(wrapped).toMatchObject({ status: 200, body: { success: true, data: { id: expect.any(String) } } });
    expect([2, 7]).toContain((wrapped.body.data as { status: number }).status);
    expect(await call('GET', `/tasks/${bare.body.id as string}/status`, auth)).toMatchObject({
      body: { success: true, data: { id: bare.body.id } },
    });
  });

  it('refuses a wrong key, an unknown app and an invalid input as problem+json', async () => {
    const v2 = { 'x-api-version': '2' };
    expect(await call('POST', '/apps/run', { authorization: 'Bearer inf_wrong', ...v2 }, run)).toMatchObject({
      status: 401,
      body: { title: 'Unauthorized', status: 401 },
    });
    expect(
      await call('POST', '/apps/run', { ...auth, ...v2 }, { ...run, app: 'alibaba/wan-9' }),
    ).toMatchObject({
      status: 404,
    });
    const bad = await call('POST', '/apps/run', { ...auth, ...v2 }, { ...run, input: { duration: 99 } });
    expect(bad).toMatchObject({ status: 422, body: { title: 'Unprocessable Entity' } });
    expect(bad.body.detail).toMatch(/prompt/);
  });

  it('hosts an uploaded file at its uri, only through the upload URL it gave', async () => {
    const registered = await call(
      'POST',
      '/files',
      { ...auth, 'x-api-version': '2' },
      { files: [{ content_type: 'image/png' }] },
    );
    const [file] = registered.body as unknown as { uri: string; upload_url: string }[];
    expect(file!.upload_url).not.toBe(file!.uri);
    const put = await request(file!.upload_url, {
      method: 'PUT',
      body: Buffer.from('not really a png'),
      dispatcher: own,
    });
    await put.body.dump();
    expect(put.statusCode).toBe(200);
    const got = await request(file!.uri, { dispatcher: own });
    expect(await got.body.text()).toBe('not really a png');
    const stranger = await request(`${api()}/files/00000000-0000-4000-8000-000000000000/upload`, {
      method: 'PUT',
      body: 'x',
      dispatcher: own,
    });
    await stranger.body.dump();
    expect(stranger.statusCode).toBe(403);
  });
});
