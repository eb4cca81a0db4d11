// FalProvider: Wan 2.7 through fal.ai's queue API (contract §8). Submits to the model's queue endpoint
// (with `fal_webhook` when a receiver is configured), reads status and result from the URLs the submit
// returned, and maps IN_QUEUE / IN_PROGRESS / COMPLETED onto the task statuses the workflow knows.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { WanRequest } from '../../wan/validation';
import type { TaskSnapshot } from '../../wan/tasks';
import { createAgent } from '../http';
import { routeCall, type RouteApi } from '../json-call';
import { RequestRejectedError } from '../errors';
import type { CreatedTask, CreateOptions, VideoProvider } from '../provider';
import { falEndpoint, toFalInput } from './fields';

export interface FalOptions {
  /** `https://queue.fal.run` */
  queueUrl: string;
  apiKey: string;
  dispatcher?: Dispatcher;
}

const submitAnswer = z.object({ request_id: z.string().min(1), status_url: z.string().optional() });
const statusAnswer = z.object({
  status: z.string(),
  queue_position: z.number().optional(),
});
const resultAnswer = z.object({
  video: z.object({ url: z.string() }).optional(),
  images: z.array(z.object({ url: z.string() })).optional(),
});

/**
 * A fal task is named by its request path under the queue (`fal-ai/wan/requests/<id>`): status, result
 * and cancel live there. The submit answer's `status_url` gives it; without one it is derived from the
 * app id (the endpoint's first two segments), as fal's queue lays it out.
 */
function requestPath(
  queueUrl: string,
  endpoint: string,
  answer: { request_id: string; status_url?: string },
): string {
  if (answer.status_url?.startsWith(queueUrl))
    return answer.status_url.slice(queueUrl.length + 1).replace(/\/status$/, '');
  return `${endpoint.split('/').slice(0, 2).join('/')}/requests/${answer.request_id}`;
}

export class FalProvider implements VideoProvider {
  readonly route = 'fal' as const;
  private readonly api: RouteApi;

  constructor(private readonly opts: FalOptions) {
    this.api = {
      name: 'fal',
      baseUrl: opts.queueUrl,
      headers: { Authorization: `Key ${opts.apiKey}` },
      dispatcher: opts.dispatcher ?? createAgent(),
      // fal answers validation errors with 422 and a `detail`; the taxonomy treats it like any 4xx refusal.
      errorAnswer: (json) => {
        const detail = (json as { detail?: unknown }).detail;
        return {
          message: typeof detail === 'string' ? detail : JSON.stringify(detail ?? json).slice(0, 300),
        };
      },
    };
  }

  async createTask(body: WanRequest, o: CreateOptions = {}): Promise<CreatedTask> {
    const endpoint = falEndpoint(body);
    if (!endpoint) throw new RequestRejectedError('bad_input', `fal.ai does not serve ${body.model}`);
    const q = o.webhookUrl ? `?fal_webhook=${encodeURIComponent(o.webhookUrl)}` : '';
    const answer = await routeCall(this.api, 'POST', `/${endpoint}${q}`, submitAnswer, {
      body: toFalInput(body),
      creates: true,
      signal: o.signal,
    });
    return { taskId: requestPath(this.opts.queueUrl, endpoint, answer), requestId: answer.request_id };
  }

  async getTask(taskId: string): Promise<TaskSnapshot> {
    const base = `/${taskId}`;
    const status = await routeCall(this.api, 'GET', `${base}/status`, statusAnswer, { taskId });
    if (status.status === 'IN_QUEUE') return { taskId, status: 'PENDING' };
    if (status.status === 'IN_PROGRESS') return { taskId, status: 'RUNNING' };
    // A word fal has not documented is never taken for an end: the job logs it and polls again.
    if (status.status !== 'COMPLETED')
      return { taskId, status: 'UNRECOGNIZED', rawStatus: status.status.slice(0, 64) };
    // COMPLETED may still hold an error: the result answers it.
    try {
      const result = await routeCall(this.api, 'GET', base, resultAnswer, { taskId });
      if (result.video) return { taskId, status: 'SUCCEEDED', videoUrl: result.video.url };
      if (result.images?.length)
        return { taskId, status: 'SUCCEEDED', imageUrls: result.images.map((i) => i.url) };
      return { taskId, status: 'FAILED', code: 'NoOutput', message: 'fal.ai completed without an output' };
    } catch (err) {
      if (err instanceof RequestRejectedError)
        return { taskId, status: 'FAILED', code: err.code ?? `HTTP ${err.httpStatus}`, message: err.message };
      throw err;
    }
  }

  async cancelTask(taskId: string): Promise<void> {
    await routeCall(this.api, 'PUT', `/${taskId}/cancel`, z.unknown(), { taskId });
  }
}
