// Model Studio's own API under `/api/v1`, simulated (contract §§2–6): the async video and image creates,
// the sync image call, task query, cancel and list, and the upload policy of its temporary storage.
// Every answer follows the contract closely enough for the official DashScope SDKs; a deviation is a bug.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { InvalidRequestError, isImageRequest, parseWanRequest, type WanRequest } from '../wan/validation';
import { REGIONS } from '../wan/regions';
import { familyOf } from '../wan/registry';
import { mediaFieldsOf } from '../wan/media-roles';
import { InputFetchError } from './media-inputs';
import { outputShape, type OutputShape } from './output-shape';
import { UploadError } from './uploads';
import { normalizeSdkExtras, readBody, sendError, sendJson, taskBody } from './wire';
import type { ModelStudioHost } from './modelstudio-host';
import { maskKey } from './stats';
import { listTasks } from './task-list';

type Endpoint = 'video' | 'image-async' | 'image-sync';

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /services/aigc/video-generation/video-synthesis': 'video',
  'POST /services/aigc/image-generation/generation': 'image-async',
  'POST /services/aigc/multimodal-generation/generation': 'image-sync',
};

export class ModelStudioApi {
  constructor(private readonly host: ModelStudioHost) {}

  /** `route` is the method and the path below `/api/v1`, e.g. `GET /tasks/<id>`. */
  async handle(req: IncomingMessage, res: ServerResponse, route: string, url: URL): Promise<void> {
    const key = this.authorize(req, res);
    if (!key) return;
    const endpoint = ENDPOINTS[route];
    if (endpoint) return this.create(req, res, key, endpoint);
    if (this.host.takeFault('serverErrors'))
      return this.refuse(res, 500, 'InternalError', 'An internal error has occured, please try again later.');
    if (route === 'GET /tasks') return listTasks(this.host, maskKey(key), url, res);
    if (route === 'GET /uploads' && url.searchParams.get('action') === 'getPolicy')
      return this.uploadPolicy(url, res, key);
    const m = /^(GET|POST) \/tasks\/([^/]+)(\/cancel)?$/.exec(route);
    if (m && m[1] === 'GET' && !m[3]) return this.query(decodeURIComponent(m[2]!), key, res);
    if (m && m[1] === 'POST' && m[3]) return this.cancel(decodeURIComponent(m[2]!), res);
    return sendError(res, 404, 'NotFound', `no route ${route}`);
  }

  private refuse(res: ServerResponse, status: number, code: string, message: string): void {
    this.host.refuse(res, status, code, message);
  }

  private authorize(req: IncomingMessage, res: ServerResponse): string | undefined {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const region = m ? this.host.keys[m[1]!] : undefined;
    if (!m || region !== this.host.region) {
      this.refuse(res, 401, 'InvalidApiKey', 'Invalid API-key provided.');
      return undefined;
    }
    return m[1];
  }

  /** Creates a task. Video and async image creates need the async header; the sync image route answers
   * with the images themselves. */
  private async create(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    endpoint: Endpoint,
  ): Promise<void> {
    this.host.stats().createRequests += 1;
    const text = await readBody(req);
    if (endpoint !== 'image-sync' && req.headers['x-dashscope-async'] !== 'enable') {
      return this.refuse(res, 403, 'AccessDenied', 'current user api does not support synchronous calls');
    }
    if (this.host.takeFault('serverErrors'))
      return this.refuse(res, 500, 'InternalError', 'An internal error has occured, please try again later.');
    if (this.host.takeFault('createRateLimited'))
      return this.refuse(
        res,
        429,
        'Throttling.RateQuota',
        'Requests rate limit exceeded, please try again later.',
      );
    if (this.host.takeFault('createBurstLimited'))
      return this.refuse(res, 429, 'Throttling.BurstRate', 'Request rate increased too quickly.');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.refuse(res, 400, 'InvalidParameter', 'The request body is not valid JSON.');
    }
    const model = (body as { model?: unknown }).model;
    if (
      typeof model === 'string' &&
      familyOf(model) !== undefined &&
      !(REGIONS[this.host.region].models as readonly string[]).includes(model)
    ) {
      return this.refuse(
        res,
        403,
        'Model.AccessDenied',
        `Model ${model} is not available in ${this.host.region}.`,
      );
    }
    if (typeof model === 'string') {
      const limited = this.host.accounts.refuseCreate(maskKey(key), model, Date.now());
      if (limited) return this.refuse(res, 429, limited.code, limited.message);
    }
    let request: WanRequest;
    try {
      request = parseWanRequest(normalizeSdkExtras(body), { strictness: 'lenient' });
    } catch (err) {
      if (err instanceof InvalidRequestError) return this.refuse(res, 400, 'InvalidParameter', err.message);
      throw err;
    }
    if (isImageRequest(request) !== (endpoint !== 'video')) {
      return this.refuse(
        res,
        400,
        'InvalidParameter',
        `Model ${request.model} is not supported by this endpoint.`,
      );
    }
    if (this.host.takeFault('dataInspectionAtCreate')) {
      return this.refuse(res, 400, 'DataInspectionFailed', 'Input data may contain inappropriate content.');
    }
    const usesOss = mediaFieldsOf(request).some((f) => f.url.startsWith('oss://'));
    if (usesOss && req.headers['x-dashscope-ossresourceresolve'] !== 'enable') {
      return this.refuse(
        res,
        400,
        'InvalidParameter',
        'oss:// media URLs need the header X-DashScope-OssResourceResolve: enable',
      );
    }
    let shape: OutputShape;
    try {
      shape = await outputShape(request, (u) =>
        u.startsWith('oss://') ? this.host.uploads.resolve(u, request.model) : u,
      );
    } catch (err) {
      if (err instanceof InputFetchError || err instanceof UploadError)
        return this.refuse(res, 400, 'InvalidURL', err.message);
      throw err;
    }
    if (this.host.takeFault('dropCreateBeforeProcessing')) {
      res.socket?.destroy();
      return;
    }
    // A slow backend: the task is made later, whether or not the client is still there to hear of it.
    const late = this.host.faults().lateCreateMs;
    if (late) await new Promise((r) => setTimeout(r, late));
    const task = this.host.admit(request, key, shape, endpoint === 'image-sync');
    if (this.host.takeFault('gatewayTimeoutAfterCreate')) {
      res.writeHead(504, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
      return;
    }
    if (this.host.takeFault('dropCreateResponse')) {
      res.socket?.destroy();
      return;
    }
    if (this.host.faults().slowCreateResponseMs)
      await new Promise((r) => setTimeout(r, this.host.faults().slowCreateResponseMs));
    if (endpoint === 'image-sync') {
      await task.rendered;
      const now = Date.now();
      const answer = taskBody(
        task,
        task.id,
        this.host.tasks.statusOf(task, now),
        now,
        this.host.resultUrls(task, now),
      );
      return sendJson(res, 200, {
        request_id: answer.request_id,
        output: { choices: (answer.output as { choices?: unknown }).choices },
        usage: answer.usage,
      });
    }
    sendJson(res, 200, { request_id: randomUUID(), output: { task_id: task.id, task_status: 'PENDING' } });
  }

  private uploadPolicy(url: URL, res: ServerResponse, key: string): void {
    const model = url.searchParams.get('model');
    if (!model) return this.refuse(res, 400, 'InvalidParameter', 'model is required');
    this.host.stats().uploadPolicies += 1;
    const account = createHmac('sha1', 'account')
      .update(this.host.keys[key] ?? '')
      .digest('hex')
      .slice(0, 12);
    sendJson(res, 200, {
      request_id: randomUUID(),
      data: this.host.uploads.issuePolicy(model, account, `${this.host.publicUrl()}/oss-upload`),
    });
  }

  private query(id: string, key: string, res: ServerResponse): void {
    this.host.stats().queries += 1;
    if (this.host.takeFault('queryRateLimited') || !this.host.accounts.admitQuery(maskKey(key), Date.now()))
      return this.refuse(res, 429, 'Throttling', 'Requests throttling triggered.');
    const now = Date.now();
    const task = this.host.tasks.get(id);
    const status = this.host.tasks.shownStatus(task, now);
    sendJson(
      res,
      200,
      taskBody(
        task,
        id,
        status,
        now,
        task && status === 'SUCCEEDED' ? this.host.resultUrls(task, now) : undefined,
        this.host.faults().echoPrompt,
      ),
    );
  }

  private cancel(id: string, res: ServerResponse): void {
    this.host.stats().cancels += 1;
    const task = this.host.tasks.get(id);
    if (!task || !this.host.tasks.cancel(task, Date.now())) {
      return this.refuse(
        res,
        400,
        'UnsupportedOperation',
        'Failed to cancel the task, please confirm if the task is in PENDING status.',
      );
    }
    sendJson(res, 200, { request_id: randomUUID() });
  }
}
