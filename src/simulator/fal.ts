// fal.ai's queue API for Wan 2.7, simulated (contract §8) under `/fal`: submit with `fal_webhook`, status
// (IN_QUEUE / IN_PROGRESS / COMPLETED), result, cancel, the JWKS its webhooks are signed against, and
// webhook deliveries signed as fal signs them (ED25519 over request id, user id, timestamp, body digest).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';
import { falSignedMessage } from '../providers/fal/webhook';
import { SIM_FAL_USER_ID } from '../config/simulator';
import { InvalidRequestError, parseWanRequest, type WanRequest } from '../wan/validation';
import { outputShape } from './output-shape';
import { InputFetchError } from './media-inputs';
import type { SimTask } from './task-table';
import type { OutputShape } from './output-shape';
import { readBody, sendJson } from './wire';
import { SIM_FAL_KEY } from '../config/simulator';
import { deliverWhenDone, type DeliveryCount, type DeliveryHost } from './webhook-delivery';
import { droppedAfterCreate, refusedBeforeCreate } from './wrapper-faults';

const USER_ID = SIM_FAL_USER_ID;

const ENDPOINT_MODELS: Record<string, string> = {
  'fal-ai/wan/v2.7/text-to-video': 'wan2.7-t2v',
  'fal-ai/wan/v2.7/image-to-video': 'wan2.7-i2v',
  'fal-ai/wan/v2.7/reference-to-video': 'wan2.7-r2v',
  'fal-ai/wan/v2.7/edit-video': 'wan2.7-videoedit',
  'fal-ai/wan/v2.7/pro/text-to-image': 'wan2.7-image-pro',
  'fal-ai/wan/v2.7/pro/edit': 'wan2.7-image-pro',
};
const I2V_ROLES: Record<string, string> = {
  image_url: 'first_frame',
  end_image_url: 'last_frame',
  video_url: 'first_clip',
  audio_url: 'driving_audio',
};

/** What the fal routes need of the simulator they live in. */
export interface FalHost extends DeliveryHost {
  publicUrl(): string;
  admit(request: WanRequest, key: string, shape: OutputShape): SimTask;
  resultUrls(task: SimTask, now: number): string[];
  count(what: 'falCreates' | DeliveryCount): void;
}

export class FalSimulator {
  private readonly keys = generateKeyPairSync('ed25519');

  constructor(private readonly host: FalHost) {}

  /** Handles a request under `/fal`; `path` is the rest of the path. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/.well-known/jwks.json') {
      const jwk = this.keys.publicKey.export({ format: 'jwk' });
      // fal pads the coordinate; clients must accept that.
      return sendJson(res, 200, { keys: [{ kty: 'OKP', crv: 'Ed25519', x: `${jwk.x}=`, kid: 'simulator' }] });
    }
    if (req.headers.authorization !== `Key ${SIM_FAL_KEY}`)
      return sendJson(res, 401, { detail: 'Invalid Key' });
    const endpoint = path.slice(1);
    if (req.method === 'POST' && ENDPOINT_MODELS[endpoint]) return this.submit(req, res, endpoint, url);
    const m = /^\/fal-ai\/wan\/requests\/([0-9a-f-]{36})(\/status|\/cancel)?$/.exec(path);
    const task = m && this.host.tasks.get(m[1]!);
    if (!m || !task) return sendJson(res, 404, { detail: 'Request not found' });
    if (m[2] === '/status' && req.method === 'GET') return sendJson(res, 200, this.status(task));
    if (m[2] === '/cancel' && req.method === 'PUT') {
      return this.host.tasks.cancel(task, Date.now())
        ? sendJson(res, 202, { status: 'CANCELLATION_REQUESTED' })
        : sendJson(res, 400, { status: 'ALREADY_COMPLETED' });
    }
    if (!m[2] && req.method === 'GET') return this.result(res, task);
    return sendJson(res, 405, { detail: 'Method not allowed' });
  }

  private async submit(req: IncomingMessage, res: ServerResponse, endpoint: string, url: URL): Promise<void> {
    const refused = refusedBeforeCreate(this.host, (status, detail, headers) => {
      for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
      sendJson(res, status, { detail });
    });
    if (refused) return;
    let wan: WanRequest;
    try {
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      if (endpoint.endsWith('/edit') && !(Array.isArray(body.image_urls) && body.image_urls.length))
        return sendJson(res, 422, {
          detail: [{ loc: ['body', 'image_urls'], msg: 'field required', type: 'missing' }],
        });
      wan = parseWanRequest(toWan(endpoint, body), {
        strictness: 'lenient',
      });
    } catch (err) {
      if (err instanceof InvalidRequestError) {
        return sendJson(res, 422, {
          detail: err.problems.map((p) => ({ loc: ['body', p.field], msg: p.message, type: 'value_error' })),
        });
      }
      if (err instanceof SyntaxError) return sendJson(res, 422, { detail: 'body is not JSON' });
      throw err;
    }
    let shape: OutputShape;
    try {
      shape = await outputShape(wan, (u) => u);
    } catch (err) {
      if (err instanceof InputFetchError)
        return sendJson(res, 422, {
          detail: [{ loc: ['body'], msg: err.message, type: 'file_download_error' }],
        });
      throw err;
    }
    const task = this.host.admit(wan, SIM_FAL_KEY, shape);
    this.host.count('falCreates');
    const webhook = url.searchParams.get('fal_webhook');
    if (webhook) {
      deliverWhenDone(this.host, task, {
        url: webhook,
        body: (t, s) => {
          const [status, payload] = this.outcome(t, s);
          const ok = status === 200;
          return Buffer.from(
            JSON.stringify({
              request_id: t.id,
              gateway_request_id: t.id,
              status: ok ? 'OK' : 'ERROR',
              payload,
              ...(ok ? {} : { error: `Invalid status code: ${status}` }),
            }),
          );
        },
        headers: (body) => {
          const timestamp = String(Math.floor(Date.now() / 1000));
          return {
            'x-fal-webhook-request-id': task.id,
            'x-fal-webhook-user-id': USER_ID,
            'x-fal-webhook-timestamp': timestamp,
            'x-fal-webhook-signature': sign(
              null,
              falSignedMessage(task.id, USER_ID, timestamp, body),
              this.keys.privateKey,
            ).toString('hex'),
          };
        },
      });
    }
    // The task exists (and its webhook will come); only the answer is lost.
    if (droppedAfterCreate(this.host, res)) return;
    const base = `${this.host.publicUrl()}/fal/fal-ai/wan/requests/${task.id}`;
    sendJson(res, 200, {
      request_id: task.id,
      gateway_request_id: task.id,
      status_url: `${base}/status`,
      response_url: base,
      cancel_url: `${base}/cancel`,
    });
  }

  private status(task: SimTask) {
    const s = this.host.tasks.statusOf(task, Date.now());
    if (s === 'PENDING') return { status: 'IN_QUEUE', queue_position: 0 };
    if (s === 'RUNNING') return { status: 'IN_PROGRESS', logs: [] };
    return { status: 'COMPLETED', logs: [] };
  }

  private result(res: ServerResponse, task: SimTask): void {
    const s = this.host.tasks.statusOf(task, Date.now());
    if (s === 'PENDING' || s === 'RUNNING')
      return sendJson(res, 400, { detail: 'Request is still in progress' });
    const [status, body] = this.outcome(task, s);
    sendJson(res, status, body);
  }

  private outcome(task: SimTask, s: string): [number, Record<string, unknown>] {
    if (s === 'SUCCEEDED') {
      const urls = this.host.resultUrls(task, Date.now());
      if (task.images)
        return [200, { images: urls.map((url) => ({ url, content_type: 'image/png' })), seed: 42 }];
      return [
        200,
        { video: { url: urls[0], content_type: 'video/mp4', file_name: `${task.id}.mp4` }, seed: 42 },
      ];
    }
    if (s === 'CANCELED') return [400, { detail: 'Request was cancelled' }];
    return [422, { detail: task.failWith?.message ?? task.renderError ?? 'generation failed' }];
  }
}

/** fal's field names back to a Wan request, so the simulator validates with the same rules. */
function toWan(endpoint: string, b: Record<string, unknown>): unknown {
  const model = ENDPOINT_MODELS[endpoint]!;
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  if (model === 'wan2.7-image-pro') {
    const size = b.image_size as { width?: number; height?: number } | undefined;
    return {
      model,
      input: {
        messages: [
          {
            role: 'user',
            // Only the edit endpoint reads images; text-to-image ignores any sent to it.
            content: [
              ...(endpoint.endsWith('/edit') ? list(b.image_urls) : []).map((image: unknown) => ({ image })),
              { text: b.prompt },
            ],
          },
        ],
      },
      parameters: defined({
        size: size?.width && size.height ? `${size.width}*${size.height}` : undefined,
        n: b.num_images,
        seed: b.seed,
      }),
    };
  }
  const parameters = {
    resolution: typeof b.resolution === 'string' ? b.resolution.toUpperCase() : undefined,
    duration: b.duration === undefined ? undefined : Number(b.duration),
    prompt_extend: b.enable_prompt_expansion,
    seed: b.seed,
    ...(model === 'wan2.7-i2v' ? {} : { ratio: b.aspect_ratio }),
    ...(model === 'wan2.7-videoedit'
      ? { audio_setting: b.audio_setting, duration: b.duration === undefined ? 0 : Number(b.duration) }
      : {}),
  };
  const input: Record<string, unknown> = { prompt: b.prompt, negative_prompt: b.negative_prompt };
  if (model === 'wan2.7-t2v') input.audio_url = b.audio_url;
  else if (model === 'wan2.7-r2v')
    input.media = [
      ...list(b.reference_image_urls).map((url: unknown) => ({ type: 'reference_image', url })),
      ...list(b.reference_video_urls).map((url: unknown) => ({ type: 'reference_video', url })),
    ];
  else if (model === 'wan2.7-videoedit')
    input.media = [
      { type: 'video', url: b.video_url },
      ...(b.reference_image_url ? [{ type: 'reference_image', url: b.reference_image_url }] : []),
    ];
  else
    input.media = Object.entries(I2V_ROLES).flatMap(([field, type]) =>
      typeof b[field] === 'string' ? [{ type, url: b[field] }] : [],
    );
  return { model, input: defined(input), parameters: defined(parameters) };
}
