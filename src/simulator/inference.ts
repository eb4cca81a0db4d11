// inference.sh's API for its Wan 2.7 apps, simulated (contract §8) under `/inference`: run an app (with
// `webhook`), the task's light status and full body with numeric statuses, cancel, and the files API
// (register, PUT to the upload URL, then fetch by `uri`). Without `X-API-Version: 2` answers come in the
// older `{success, data}` envelope, as the real API does; a client that forgets the header breaks here.
// The apps run on the user's Model Studio key: their tasks are admitted under the simulator's Model
// Studio key, so the books count them in that account.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCappedBody } from '../server/body';
import { SIM_DEFAULT_KEY, SIM_INFERENCE_KEY } from '../config/simulator';
import { InvalidRequestError, parseWanRequest, type WanRequest } from '../wan/validation';
import type { TaskStatus } from '../wan/tasks';
import { outputShape, type OutputShape } from './output-shape';
import { InputFetchError } from './media-inputs';
import type { SimTask } from './task-table';
import { readBody, sendJson } from './wire';
import { deliverWhenDone, type DeliveryCount, type DeliveryHost } from './webhook-delivery';
import { droppedAfterCreate, refusedBeforeCreate } from './wrapper-faults';

const APP_MODELS: Record<string, string> = {
  'alibaba/wan-2-7-t2v': 'wan2.7-t2v',
  'alibaba/wan-2-7-i2v': 'wan2.7-i2v',
  'alibaba/wan-2-7-r2v': 'wan2.7-r2v',
  'alibaba/wan-2-7-videoedit': 'wan2.7-videoedit',
  'alibaba/wan-2-7-image': 'wan2.7-image',
  'alibaba/wan-2-7-image-pro': 'wan2.7-image-pro',
};
const INPUT_FIELDS = new Set(['prompt', 'negative_prompt', 'media', 'audio_url']);
// Its current SDK's numbers: 2 queued, 7 running, 10 completed, 11 failed, 12 cancelled; 13 is a number
// no mapping names (the unknownStatusTasks fault).
const NUMBERS: Record<TaskStatus, number> = {
  PENDING: 2,
  RUNNING: 7,
  SUSPENDED: 7,
  SUCCEEDED: 10,
  FAILED: 11,
  CANCELED: 12,
  UNKNOWN: 0,
};
const MAX_FILE_BYTES = 100 * 1024 * 1024;

export interface InferenceHost extends DeliveryHost {
  publicUrl(): string;
  admit(request: WanRequest, key: string, shape: OutputShape): SimTask;
  resultUrls(task: SimTask, now: number): string[];
  count(what: 'inferenceCreates' | DeliveryCount): void;
  filesDir: string;
}

export class InferenceSimulator {
  private readonly files = new Map<string, { path?: string; contentType: string }>();

  constructor(private readonly host: InferenceHost) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const m = /^\/files\/([0-9a-f-]{36})(\/upload)?$/.exec(path);
    // The upload URL and the file's uri carry their own unguessable id, as presigned storage URLs do.
    if (m?.[2] && req.method === 'PUT') return this.receive(req, res, m[1]!);
    if (m && !m[2] && req.method === 'GET') return this.serveFile(res, m[1]!);
    const v2 = req.headers['x-api-version'] === '2';
    const answer = (status: number, body: unknown) =>
      sendJson(res, status, v2 || status >= 300 ? body : { success: true, data: body });
    const problem = (status: number, title: string, detail?: string) =>
      v2
        ? sendJson(res, status, { type: 'about:blank', title, status, ...(detail ? { detail } : {}) })
        : sendJson(res, status, { success: false, error: { message: detail ?? title } });
    if (req.headers.authorization !== `Bearer ${SIM_INFERENCE_KEY}`) return problem(401, 'Unauthorized');
    if (req.method === 'POST' && path === '/apps/run') return this.run(req, res, answer, problem);
    if (req.method === 'POST' && path === '/files') return this.register(req, answer, problem);
    const t = /^\/tasks\/([0-9a-f-]{36})(\/status|\/cancel)?$/.exec(path);
    const task = t && this.host.tasks.get(t[1]!);
    if (!t || !task) return problem(404, 'Not Found', 'task not found');
    if (t[2] === '/status' && req.method === 'GET')
      return answer(200, { id: task.id, status: this.number(task), updated_at: new Date().toISOString() });
    if (t[2] === '/cancel' && req.method === 'POST') {
      return this.host.tasks.cancel(task, Date.now())
        ? answer(200, {})
        : problem(409, 'Conflict', 'task is not cancellable in its status');
    }
    if (!t[2] && req.method === 'GET') return answer(200, this.task(task));
    return problem(405, 'Method Not Allowed');
  }

  private number(task: SimTask): number {
    const shown = this.host.tasks.shownStatus(task, Date.now());
    return shown in NUMBERS ? NUMBERS[shown as TaskStatus] : 13;
  }

  private task(task: SimTask) {
    const status = this.number(task);
    const base = { id: task.id, app: `alibaba/${task.model.replace('wan2.7', 'wan-2-7')}`, status };
    if (status === NUMBERS.SUCCEEDED) {
      const urls = this.host.resultUrls(task, Date.now());
      const files = urls.map((uri) => ({ uri, content_type: task.images ? 'image/png' : 'video/mp4' }));
      return { ...base, output: task.images ? { images: files } : { video: files[0] } };
    }
    if (status === NUMBERS.FAILED)
      return { ...base, error: task.failWith?.message ?? task.renderError ?? 'generation failed' };
    return base;
  }

  private async run(
    req: IncomingMessage,
    res: ServerResponse,
    answer: (status: number, body: unknown) => void,
    problem: (status: number, title: string, detail?: string) => void,
  ): Promise<void> {
    let body: { app?: string; input?: Record<string, unknown>; webhook?: string };
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch {
      return problem(400, 'Bad Request', 'body is not JSON');
    }
    const refused = refusedBeforeCreate(this.host, (status, title, headers) => {
      for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
      problem(status, title);
    });
    if (refused) return;
    const model = body.app && APP_MODELS[body.app];
    if (!model) return problem(404, 'Not Found', `no app ${String(body.app)}`);
    let wan: WanRequest;
    let shape: OutputShape;
    try {
      wan = parseWanRequest(toWan(model, body.input ?? {}), { strictness: 'lenient' });
      shape = await outputShape(wan, (u) => u);
    } catch (err) {
      if (err instanceof InvalidRequestError || err instanceof InputFetchError)
        return problem(422, 'Unprocessable Entity', err.message);
      throw err;
    }
    const task = this.host.admit(wan, SIM_DEFAULT_KEY, shape);
    this.host.count('inferenceCreates');
    // The webhook's payload and signature are undocumented: the simulator posts the task, unsigned.
    if (body.webhook)
      deliverWhenDone(this.host, task, {
        url: body.webhook,
        body: (t) => Buffer.from(JSON.stringify(this.task(t))),
        headers: () => ({}),
      });
    // The task exists (and its webhook will come); only the answer is lost.
    if (droppedAfterCreate(this.host, res)) return;
    answer(200, { id: task.id, status: this.number(task) });
  }

  private async register(
    req: IncomingMessage,
    answer: (status: number, body: unknown) => void,
    problem: (status: number, title: string, detail?: string) => void,
  ): Promise<void> {
    let body: { files?: { content_type?: string }[] };
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch {
      return problem(400, 'Bad Request', 'body is not JSON');
    }
    if (!Array.isArray(body.files) || !body.files.length) return problem(400, 'Bad Request', 'no files');
    answer(
      200,
      body.files.map((f) => {
        const id = randomUUID();
        this.files.set(id, { contentType: f.content_type ?? 'application/octet-stream' });
        const uri = `${this.host.publicUrl()}/inference/files/${id}`;
        return { id, uri, upload_url: `${uri}/upload` };
      }),
    );
  }

  private async receive(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const file = this.files.get(id);
    if (!file) return sendJson(res, 403, { error: 'no such upload' });
    const bytes = await readCappedBody(req, MAX_FILE_BYTES);
    if (!bytes) return sendJson(res, 413, { error: 'file too large' });
    await mkdir(this.host.filesDir, { recursive: true });
    file.path = join(this.host.filesDir, id);
    await writeFile(file.path, bytes);
    res.writeHead(200).end();
  }

  private serveFile(res: ServerResponse, id: string): void {
    const file = this.files.get(id);
    if (!file?.path) return sendJson(res, 404, { error: 'no such file' });
    res.writeHead(200, { 'Content-Type': file.contentType });
    createReadStream(file.path).pipe(res);
  }
}

/** An app's input back to a Wan request: Wan's own names, `input` and `parameters` side by side. */
function toWan(model: string, input: Record<string, unknown>): unknown {
  if (model.startsWith('wan2.7-image')) {
    const { prompt, images, ...parameters } = input;
    const content = [
      ...(Array.isArray(images) ? images.map((image: unknown) => ({ image })) : []),
      { text: prompt },
    ];
    return { model, input: { messages: [{ role: 'user', content }] }, parameters };
  }
  const entries = Object.entries(input).filter(([, v]) => v !== undefined && v !== null);
  return {
    model,
    input: Object.fromEntries(entries.filter(([k]) => INPUT_FIELDS.has(k))),
    parameters: Object.fromEntries(entries.filter(([k]) => !INPUT_FIELDS.has(k))),
  };
}
