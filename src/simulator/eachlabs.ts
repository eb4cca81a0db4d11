// each::labs' prediction API for Wan 2.7 image-to-video, simulated (contract §8 and its model page) under
// `/eachlabs`: create with `webhook_url`, status (starting, processing, success, error), and webhooks
// signed with an HMAC-SHA256 of the body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eachlabsSignature, DEFAULT_EACHLABS_SIGNATURE_HEADER } from '../providers/eachlabs/webhook';
import { InvalidRequestError, parseWanRequest, type WanRequest } from '../wan/validation';
import { outputShape, type OutputShape } from './output-shape';
import { InputFetchError } from './media-inputs';
import type { SimTask } from './task-table';
import { readBody, sendJson } from './wire';
import { SIM_EACHLABS_KEY, SIM_EACHLABS_WEBHOOK_SECRET } from '../config/simulator';
import { deliverWhenDone, type DeliveryCount, type DeliveryHost } from './webhook-delivery';
import { droppedAfterCreate, refusedBeforeCreate } from './wrapper-faults';

const I2V_SLUG = 'alibaba-wan-2-7-image-to-video';
const ROLES = ['first_frame', 'last_frame', 'first_clip', 'driving_audio'] as const;

export interface EachlabsHost extends DeliveryHost {
  admit(request: WanRequest, key: string, shape: OutputShape): SimTask;
  resultUrls(task: SimTask, now: number): string[];
  count(what: 'eachlabsCreates' | DeliveryCount): void;
}

export class EachlabsSimulator {
  constructor(private readonly host: EachlabsHost) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.headers['x-api-key'] !== SIM_EACHLABS_KEY)
      return this.error(res, 401, 'Missing or invalid X-API-Key');
    if (req.method === 'POST' && /^\/v1\/prediction\/?$/.test(path)) return this.create(req, res);
    const m = /^\/v1\/prediction\/([0-9a-f-]{36})$/.exec(path);
    const task = m && this.host.tasks.get(m[1]!);
    if (!task || req.method !== 'GET') return this.error(res, 404, 'Unknown prediction id');
    sendJson(res, 200, this.prediction(task));
  }

  private error(res: ServerResponse, status: number, message: string, details?: string): void {
    sendJson(res, status, { status: 'error', message, ...(details ? { details } : {}) });
  }

  private async create(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: { model?: string; input?: Record<string, unknown>; webhook_url?: string };
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch {
      return this.error(res, 400, 'Invalid input', 'body is not JSON');
    }
    const refused = refusedBeforeCreate(this.host, (status, message, headers) => {
      for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
      this.error(res, status, message);
    });
    if (refused) return;
    if (body.model !== I2V_SLUG) return this.error(res, 404, 'Unknown model', String(body.model));
    const input = body.input ?? {};
    if (typeof input.first_frame !== 'string')
      return this.error(res, 400, 'Invalid input', 'first_frame is required');
    let wan: WanRequest;
    let shape: OutputShape;
    try {
      wan = parseWanRequest(toWan(input), { strictness: 'lenient' });
      shape = await outputShape(wan, (u) => u);
    } catch (err) {
      if (err instanceof InvalidRequestError || err instanceof InputFetchError)
        return this.error(res, 400, 'Invalid input', err.message);
      throw err;
    }
    const task = this.host.admit(wan, SIM_EACHLABS_KEY, shape);
    this.host.count('eachlabsCreates');
    if (body.webhook_url) {
      deliverWhenDone(this.host, task, {
        url: body.webhook_url,
        body: (t) => {
          const p = this.prediction(t);
          return Buffer.from(
            JSON.stringify({
              exec_id: t.id,
              status: p.status === 'success' ? 'succeeded' : 'failed',
              output: p.output ?? '',
              error: p.message ?? '',
            }),
          );
        },
        headers: (b) => ({
          [DEFAULT_EACHLABS_SIGNATURE_HEADER]: eachlabsSignature(SIM_EACHLABS_WEBHOOK_SECRET, b),
        }),
      });
    }
    // The task exists (and its webhook will come); only the answer is lost.
    if (droppedAfterCreate(this.host, res)) return;
    sendJson(res, 200, { status: 'success', predictionID: task.id });
  }

  private prediction(task: SimTask): {
    status: string;
    predictionID: string;
    output?: string;
    message?: string;
  } {
    const s = this.host.tasks.statusOf(task, Date.now());
    const base = { predictionID: task.id };
    if (s === 'PENDING') return { ...base, status: 'starting' };
    if (s === 'RUNNING') return { ...base, status: 'processing' };
    if (s === 'SUCCEEDED')
      return { ...base, status: 'success', output: this.host.resultUrls(task, Date.now())[0] };
    if (s === 'CANCELED') return { ...base, status: 'cancelled' };
    return {
      ...base,
      status: 'error',
      message: task.failWith?.message ?? task.renderError ?? 'generation failed',
    };
  }
}

function toWan(input: Record<string, unknown>): unknown {
  const media = ROLES.flatMap((type) =>
    typeof input[type] === 'string' ? [{ type, url: input[type] }] : [],
  );
  // Continuation ignores the first frame on this route.
  const used = media.some((m) => m.type === 'first_clip')
    ? media.filter((m) => m.type !== 'first_frame')
    : media;
  const parameters = Object.fromEntries(
    Object.entries({
      resolution: input.resolution,
      duration: input.duration,
      prompt_extend: input.prompt_extend,
      seed: input.seed,
    }).filter(([, v]) => v !== undefined),
  );
  const text = Object.fromEntries(
    Object.entries({ prompt: input.prompt, negative_prompt: input.negative_prompt }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  return { model: 'wan2.7-i2v', input: { ...text, media: used }, parameters };
}
