// InferenceProvider: Wan 2.7 through inference.sh's apps (contract §8). Runs an app without waiting
// (`POST /apps/run`, with `webhook` when a receiver is configured), reads the task's light status
// (`GET /tasks/{id}/status`) and, once it has ended, the full task for its output; cancels; uploads local
// inputs through its files API. `X-API-Version: 2` asks for bare objects and problem+json errors.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { WanRequest } from '../../wan/validation';
import type { TaskSnapshot } from '../../wan/tasks';
import { createAgent, networkFailure } from '../http';
import { routeCall, type RouteApi } from '../json-call';
import { RequestRejectedError, TransientProviderError } from '../errors';
import type { CreatedTask, CreateOptions, TemporaryUploader, VideoProvider } from '../provider';
import { inferenceApp, toInferenceInput } from './fields';
import { DEFAULT_INFERENCE_STATUSES, statusOf, type InferenceStatusMap } from './statuses';

export interface InferenceOptions {
  /** `https://api.inference.sh` */
  apiUrl: string;
  apiKey: string;
  statuses?: InferenceStatusMap;
  dispatcher?: Dispatcher;
}

const status = z.union([z.number().int(), z.string().max(64)]);
const runAnswer = z.object({ id: z.string().min(1), status: status.optional() });
const statusAnswer = z.object({ id: z.string().optional(), status });
// A file in an app's output: a URL, or a file object carrying one.
const file = z.union([z.string(), z.object({ uri: z.string() }), z.object({ url: z.string() })]);
const taskAnswer = z.object({
  id: z.string(),
  status,
  error: z.string().nullish(),
  output: z
    .object({
      video: file.optional(),
      videos: z.array(file).optional(),
      image: file.optional(),
      images: z.array(file).optional(),
    })
    .nullish(),
});
const filesAnswer = z.array(z.object({ uri: z.string().url(), upload_url: z.string().url() })).min(1);

const urlOf = (f: z.output<typeof file>) => (typeof f === 'string' ? f : 'uri' in f ? f.uri : f.url);

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

export class InferenceProvider implements VideoProvider, TemporaryUploader {
  readonly route = 'inference' as const;
  private readonly api: RouteApi;
  private readonly statuses: InferenceStatusMap;

  constructor(opts: InferenceOptions) {
    this.statuses = opts.statuses ?? DEFAULT_INFERENCE_STATUSES;
    this.api = {
      name: 'inference.sh',
      baseUrl: opts.apiUrl,
      headers: { Authorization: `Bearer ${opts.apiKey}`, 'X-API-Version': '2' },
      dispatcher: opts.dispatcher ?? createAgent(),
      // application/problem+json: {type, title, status, detail}.
      errorAnswer: (json, httpStatus) => {
        const p = json as { title?: unknown; detail?: unknown };
        const text = [p.title, p.detail].filter((s) => typeof s === 'string').join(': ');
        return { message: text.slice(0, 300) || `HTTP ${httpStatus}` };
      },
    };
  }

  async createTask(body: WanRequest, o: CreateOptions = {}): Promise<CreatedTask> {
    const app = inferenceApp(body.model);
    if (!app) throw new RequestRejectedError('bad_input', `inference.sh has no app for ${body.model}`);
    const answer = await routeCall(this.api, 'POST', '/apps/run', runAnswer, {
      body: { app, input: toInferenceInput(body), ...(o.webhookUrl ? { webhook: o.webhookUrl } : {}) },
      creates: true,
      signal: o.signal,
    });
    return { taskId: answer.id, requestId: answer.id };
  }

  async getTask(taskId: string): Promise<TaskSnapshot> {
    const id = encodeURIComponent(taskId);
    const light = await routeCall(this.api, 'GET', `/tasks/${id}/status`, statusAnswer, { taskId });
    const seen = statusOf(this.statuses, light.status);
    // A status the mapping does not name is never an end: the job logs it and polls again.
    if (seen === 'UNRECOGNIZED')
      return { taskId, status: seen, rawStatus: String(light.status).slice(0, 64) };
    if (seen === 'PENDING' || seen === 'RUNNING') return { taskId, status: seen };
    const task = await routeCall(this.api, 'GET', `/tasks/${id}`, taskAnswer, { taskId });
    const ended = statusOf(this.statuses, task.status);
    if (ended !== 'SUCCEEDED')
      return {
        taskId,
        status: ended,
        ...(ended === 'FAILED'
          ? { code: 'AppFailed', message: (task.error ?? 'the app failed').slice(0, 500) }
          : {}),
      };
    const out = task.output ?? {};
    const video = out.video ?? out.videos?.[0];
    const images = [...(out.image ? [out.image] : []), ...(out.images ?? [])].map(urlOf);
    if (!video && !images.length)
      return {
        taskId,
        status: 'FAILED',
        code: 'NoOutput',
        message: 'inference.sh completed without an output',
      };
    return video
      ? { taskId, status: 'SUCCEEDED', videoUrl: urlOf(video) }
      : { taskId, status: 'SUCCEEDED', imageUrls: images };
  }

  async cancelTask(taskId: string): Promise<void> {
    await routeCall(this.api, 'POST', `/tasks/${encodeURIComponent(taskId)}/cancel`, z.unknown(), { taskId });
  }

  /** Registers the file with the files API, PUTs it to the upload URL given, and returns its `uri`. */
  async uploadTemporary(_model: string, path: string, name = basename(path)): Promise<string> {
    const { size } = await stat(path);
    const contentType = CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
    const [registered] = await routeCall(this.api, 'POST', '/files', filesAnswer, {
      body: { files: [{ uri: '', filename: name, content_type: contentType, size }] },
    });
    let res: Dispatcher.ResponseData;
    try {
      res = await request(registered!.upload_url, {
        method: 'PUT',
        body: createReadStream(path),
        headers: { 'content-type': contentType, 'content-length': String(size) },
        dispatcher: this.api.dispatcher,
      });
    } catch (err) {
      throw networkFailure(err, `upload ${name} to inference.sh`, false);
    }
    await res.body.dump();
    if (res.statusCode >= 300) {
      const message = `upload of ${name} to inference.sh failed: HTTP ${res.statusCode}`;
      throw res.statusCode >= 500
        ? new TransientProviderError(message, { httpStatus: res.statusCode })
        : new RequestRejectedError('media', message, { httpStatus: res.statusCode });
    }
    return registered!.uri;
  }
}
