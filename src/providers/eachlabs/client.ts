// EachlabsProvider: Wan 2.7 through each::labs' prediction API. Statuses `starting`/`processing` are
// running work, `success` carries the output URL, `error`/`failed` and `cancelled` end it.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { WanRequest } from '../../wan/validation';
import type { ObservedStatus, TaskSnapshot } from '../../wan/tasks';
import { createAgent } from '../http';
import { routeCall, type RouteApi } from '../json-call';
import { RequestRejectedError } from '../errors';
import type { CreatedTask, CreateOptions, VideoProvider } from '../provider';
import { eachlabsSlug, toEachlabsInput } from './fields';

export interface EachlabsOptions {
  /** `https://api.eachlabs.ai` */
  apiUrl: string;
  apiKey: string;
  dispatcher?: Dispatcher;
}

const createAnswer = z.object({ predictionID: z.string().min(1) });
const predictionAnswer = z.object({
  status: z.string(),
  output: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .nullable(),
  message: z.string().optional(),
  details: z.unknown().optional(),
});

const STATUSES: Record<string, ObservedStatus> = {
  starting: 'PENDING',
  processing: 'RUNNING',
  success: 'SUCCEEDED',
  succeeded: 'SUCCEEDED',
  error: 'FAILED',
  failed: 'FAILED',
  cancelled: 'CANCELED',
};

export class EachlabsProvider implements VideoProvider {
  readonly route = 'eachlabs' as const;
  private readonly api: RouteApi;

  constructor(opts: EachlabsOptions) {
    this.api = {
      name: 'each::labs',
      baseUrl: opts.apiUrl,
      headers: { 'X-API-Key': opts.apiKey },
      dispatcher: opts.dispatcher ?? createAgent(),
      errorAnswer: (json, status) => {
        const e = json as { message?: string; details?: unknown };
        return {
          message:
            [e.message, typeof e.details === 'string' ? e.details : undefined].filter(Boolean).join(': ') ||
            `HTTP ${status}`,
        };
      },
    };
  }

  async createTask(body: WanRequest, o: CreateOptions = {}): Promise<CreatedTask> {
    const model = eachlabsSlug(body.model);
    if (!model) throw new RequestRejectedError('bad_input', `each::labs does not serve ${body.model}`);
    const payload = {
      model,
      input: toEachlabsInput(body),
      ...(o.webhookUrl ? { webhook_url: o.webhookUrl } : {}),
    };
    const answer = await routeCall(this.api, 'POST', '/v1/prediction', createAnswer, {
      body: payload,
      creates: true,
      signal: o.signal,
    });
    return { taskId: answer.predictionID, requestId: answer.predictionID };
  }

  async getTask(taskId: string): Promise<TaskSnapshot> {
    const p = await routeCall(
      this.api,
      'GET',
      `/v1/prediction/${encodeURIComponent(taskId)}`,
      predictionAnswer,
      {
        taskId,
      },
    );
    // A word each::labs has not documented is never taken for an end: the job logs it and polls again.
    const status = STATUSES[p.status] ?? 'UNRECOGNIZED';
    const output = Array.isArray(p.output) ? p.output[0] : (p.output ?? undefined);
    if (status === 'SUCCEEDED' && !output)
      return {
        taskId,
        status: 'FAILED',
        code: 'NoOutput',
        message: 'each::labs succeeded without an output',
      };
    return {
      taskId,
      status,
      videoUrl: status === 'SUCCEEDED' ? output : undefined,
      code: status === 'FAILED' ? p.status : undefined,
      message: p.message,
      rawStatus: status === 'UNRECOGNIZED' ? p.status.slice(0, 64) : undefined,
    };
  }

  async cancelTask(taskId: string): Promise<void> {
    // each::labs documents no cancel; a task already paid for is collected anyway.
    throw new RequestRejectedError('bad_input', `each::labs has no cancel for ${taskId}`);
  }
}
