// The Model Studio simulator: the stand-in for the paid API, and only for it. Routes and answers follow
// ../shared/wan27-contract.md closely enough for the official DashScope SDKs; a deviation is a bug.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError, isImageRequest, parseWanRequest, type WanRequest } from '../wan/validation';
import { REGIONS } from '../wan/regions';
import { parseListTime } from '../wan/time';
import { TASK_STATUSES } from '../wan/tasks';
import {
  faultsSchema,
  simulatorOptionsSchema,
  SIM_DEFAULT_KEY,
  type Faults,
  type ResolvedSimulatorOptions,
  type SimulatorOptions,
} from './options';
import { emptyStats, maskKey, type SimulatorStats } from './stats';
import { TaskTable, type SimTask } from './task-table';
import { Renderer } from './render';
import { InputFetchError } from './media-inputs';
import { outputShape, type OutputShape } from './output-shape';
import { UploadError, UploadStore } from './uploads';
import { mediaFieldsOf } from '../wan/media-roles';
import { normalizeSdkExtras, readBody, sendError, sendJson, taskBody } from './wire';
import { ResultLinks, receiveUpload } from './oss';
import { FalSimulator, type FalHost } from './fal';
import { EachlabsSimulator, type EachlabsHost } from './eachlabs';

export interface RunningSimulator {
  /** `http://host:port` */
  url: string;
  /** `http://host:port/api/v1`, the DASHSCOPE_HTTP_BASE_URL to use. */
  baseUrl: string;
  defaultKey: string;
  stats(): SimulatorStats;
  setFaults(f: Partial<Faults>): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSimulator(input: SimulatorOptions = {}): Promise<RunningSimulator> {
  const opts = simulatorOptionsSchema.parse(input);
  const sim = new Simulator(opts);
  const server = createServer((req, res) => {
    sim.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', (err as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const url = opts.publicUrl ?? `http://${opts.host}:${addr.port}`;
  sim.publicUrl = url;
  return {
    url,
    baseUrl: `${url}/api/v1`,
    defaultKey: SIM_DEFAULT_KEY,
    stats: () => structuredClone(sim.stats),
    setFaults: (f) => sim.setFaults(f),
    reset: () => sim.reset(),
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

type Endpoint = 'video' | 'image-async' | 'image-sync';

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /services/aigc/video-generation/video-synthesis': 'video',
  'POST /services/aigc/image-generation/generation': 'image-async',
  'POST /services/aigc/multimodal-generation/generation': 'image-sync',
};

class Simulator {
  stats = emptyStats();
  publicUrl = '';
  private faults: Faults;
  private readonly tasks: TaskTable;
  private readonly renderer: Renderer;
  private readonly uploads: UploadStore;
  private readonly links: ResultLinks;
  private readonly fal: FalSimulator;
  private readonly eachlabs: EachlabsSimulator;
  private readonly keys: Record<string, string>;

  constructor(private readonly opts: ResolvedSimulatorOptions) {
    this.faults = opts.faults;
    this.tasks = new TaskTable(opts.taskTtlMs);
    this.links = new ResultLinks(this.tasks, () => (this.stats.downloads += 1));
    const wrapperHost: FalHost & EachlabsHost = {
      publicUrl: () => this.publicUrl,
      tasks: this.tasks,
      admit: (request, key, shape) => this.admit(request, key, shape),
      resultUrls: (task, now) =>
        this.links.urls(
          task,
          this.publicUrl,
          this.faults.resultUrlTtlSeconds ?? this.opts.resultUrlTtlSeconds,
          now,
        ),
      takeFault: (name) => this.takeFault(name),
      count: (what: 'falCreates' | 'eachlabsCreates' | 'webhooksSent') => void (this.stats[what] += 1),
    };
    this.fal = new FalSimulator(wrapperHost);
    this.eachlabs = new EachlabsSimulator(wrapperHost);
    this.renderer = new Renderer(opts.cacheDir ?? join(tmpdir(), 'wanflow-sim-videos'));
    this.uploads = new UploadStore(join(opts.cacheDir ?? tmpdir(), 'wanflow-sim-uploads', randomUUID()));
    this.keys = { [SIM_DEFAULT_KEY]: opts.region, ...opts.keys };
  }

  setFaults(f: Partial<Faults>): void {
    this.faults = faultsSchema.parse({ ...this.faults, ...f });
  }

  reset(): void {
    this.stats = emptyStats();
    this.faults = faultsSchema.parse({});
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    if (path === '/_sim/stats' && req.method === 'GET') return sendJson(res, 200, this.stats);
    if (path === '/_sim/faults' && req.method === 'POST') {
      this.setFaults(JSON.parse((await readBody(req)) || '{}'));
      return sendJson(res, 200, this.faults);
    }
    if (path === '/_sim/reset' && req.method === 'POST') {
      this.reset();
      return sendJson(res, 200, {});
    }
    if (path.startsWith('/fal/')) return this.fal.handle(req, res, path.slice(4), url);
    if (path.startsWith('/eachlabs/')) return this.eachlabs.handle(req, res, path.slice(9));
    if (path.startsWith('/results/') && req.method === 'GET')
      return this.links.serve(path.slice(9), url, res);
    if (path === '/oss-upload' && req.method === 'POST') {
      if (await receiveUpload(req, res, this.uploads)) this.stats.uploads += 1;
      return;
    }
    if (!path.startsWith('/api/v1/'))
      return sendError(res, 404, 'NotFound', `no route ${req.method} ${path}`);

    const route = `${req.method} ${path.slice(7)}`;
    const key = this.authorize(req, res);
    if (!key) return;
    const endpoint = ENDPOINTS[route];
    if (endpoint) return this.create(req, res, key, endpoint);
    if (this.takeFault('serverErrors'))
      return this.refuse(res, 500, 'InternalError', 'An internal error has occured, please try again later.');
    if (route === 'GET /tasks') return this.list(url, res);
    if (route === 'GET /uploads' && url.searchParams.get('action') === 'getPolicy')
      return this.uploadPolicy(url, res, key);
    const m = /^(GET|POST) \/tasks\/([^/]+)(\/cancel)?$/.exec(route);
    if (m && m[1] === 'GET' && !m[3]) return this.query(decodeURIComponent(m[2]!), res);
    if (m && m[1] === 'POST' && m[3]) return this.cancel(decodeURIComponent(m[2]!), res);
    return sendError(res, 404, 'NotFound', `no route ${route}`);
  }

  private refuse(res: ServerResponse, status: number, code: string, message: string): void {
    this.stats.refusals[code] = (this.stats.refusals[code] ?? 0) + 1;
    sendError(res, status, code, message);
  }

  private takeFault(
    name:
      | 'createRateLimited'
      | 'queryRateLimited'
      | 'serverErrors'
      | 'dropCreateResponse'
      | 'dataInspectionAtCreate'
      | 'dataInspectionTask'
      | 'webhookDuplicate'
      | 'webhookDrop',
  ): boolean {
    if (this.faults[name] <= 0) return false;
    this.faults[name] -= 1;
    return true;
  }

  private authorize(req: IncomingMessage, res: ServerResponse): string | undefined {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const region = m ? this.keys[m[1]!] : undefined;
    if (!m || region !== this.opts.region) {
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
    this.stats.createRequests += 1;
    const text = await readBody(req);
    if (endpoint !== 'image-sync' && req.headers['x-dashscope-async'] !== 'enable') {
      return this.refuse(res, 403, 'AccessDenied', 'current user api does not support synchronous calls');
    }
    if (this.takeFault('serverErrors'))
      return this.refuse(res, 500, 'InternalError', 'An internal error has occured, please try again later.');
    if (this.takeFault('createRateLimited'))
      return this.refuse(
        res,
        429,
        'Throttling.RateQuota',
        'Requests rate limit exceeded, please try again later.',
      );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.refuse(res, 400, 'InvalidParameter', 'The request body is not valid JSON.');
    }
    const model = (body as { model?: unknown }).model;
    if (
      typeof model === 'string' &&
      model.startsWith('wan2.7-') &&
      !(REGIONS[this.opts.region].models as readonly string[]).includes(model)
    ) {
      return this.refuse(
        res,
        403,
        'Model.AccessDenied',
        `Model ${model} is not available in ${this.opts.region}.`,
      );
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
    if (this.takeFault('dataInspectionAtCreate')) {
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
        u.startsWith('oss://') ? this.uploads.resolve(u, request.model) : u,
      );
    } catch (err) {
      if (err instanceof InputFetchError || err instanceof UploadError)
        return this.refuse(res, 400, 'InvalidURL', err.message);
      throw err;
    }
    const task = this.admit(request, key, shape, endpoint === 'image-sync');
    if (this.takeFault('dropCreateResponse')) {
      res.socket?.destroy();
      return;
    }
    if (this.faults.slowCreateResponseMs)
      await new Promise((r) => setTimeout(r, this.faults.slowCreateResponseMs));
    if (endpoint === 'image-sync') {
      await task.rendered;
      const now = Date.now();
      const answer = taskBody(
        task,
        task.id,
        this.tasks.statusOf(task, now),
        now,
        this.links.urls(
          task,
          this.publicUrl,
          this.faults.resultUrlTtlSeconds ?? this.opts.resultUrlTtlSeconds,
          now,
        ),
      );
      return sendJson(res, 200, {
        request_id: answer.request_id,
        output: { choices: (answer.output as { choices?: unknown }).choices },
        usage: answer.usage,
      });
    }
    sendJson(res, 200, { request_id: randomUUID(), output: { task_id: task.id, task_status: 'PENDING' } });
  }

  private admit(request: WanRequest, key: string, shape: OutputShape, immediate = false): SimTask {
    const now = Date.now();
    const runStartsAt = immediate ? now : now + this.opts.queueMs + this.faults.queueExtraMs;
    const runMs = immediate
      ? 0
      : this.opts.runMs + this.opts.runPerOutputSecondMs * shape.outputSeconds + this.faults.slowTaskExtraMs;
    const task: SimTask = {
      id: randomUUID(),
      model: request.model,
      keyLabel: maskKey(key),
      request,
      createdAt: now,
      runStartsAt,
      endsAt: runStartsAt + runMs,
      ...shape,
      failWith: this.takeFault('dataInspectionTask')
        ? { code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' }
        : undefined,
    };
    this.tasks.add(task);
    this.stats.tasksCreated += 1;
    const byModel = (this.stats.tasksByKeyAndModel[task.keyLabel] ??= {});
    byModel[task.model] = (byModel[task.model] ?? 0) + 1;
    if (!task.failWith) {
      const render = shape.images
        ? this.renderer.image(task.width, task.height)
        : this.renderer.video(task.width, task.height, shape.outputSeconds);
      task.rendered = render.then(
        (file) => void (task.file = file),
        (err: Error) => void (task.renderError = `render failed: ${err.message}`),
      );
    }
    return task;
  }

  private uploadPolicy(url: URL, res: ServerResponse, key: string): void {
    const model = url.searchParams.get('model');
    if (!model) return this.refuse(res, 400, 'InvalidParameter', 'model is required');
    this.stats.uploadPolicies += 1;
    const account = createHmac('sha1', 'account')
      .update(this.keys[key] ?? '')
      .digest('hex')
      .slice(0, 12);
    sendJson(res, 200, {
      request_id: randomUUID(),
      data: this.uploads.issuePolicy(model, account, `${this.publicUrl}/oss-upload`),
    });
  }

  private query(id: string, res: ServerResponse): void {
    this.stats.queries += 1;
    if (this.takeFault('queryRateLimited'))
      return this.refuse(res, 429, 'Throttling', 'Requests throttling triggered.');
    const now = Date.now();
    const task = this.tasks.get(id);
    const status = this.tasks.statusOf(task, now);
    sendJson(
      res,
      200,
      taskBody(
        task,
        id,
        status,
        now,
        task && status === 'SUCCEEDED'
          ? this.links.urls(
              task,
              this.publicUrl,
              this.faults.resultUrlTtlSeconds ?? this.opts.resultUrlTtlSeconds,
              now,
            )
          : undefined,
      ),
    );
  }

  private cancel(id: string, res: ServerResponse): void {
    this.stats.cancels += 1;
    const task = this.tasks.get(id);
    if (!task || !this.tasks.cancel(task, Date.now())) {
      return this.refuse(
        res,
        400,
        'UnsupportedOperation',
        'Failed to cancel the task, please confirm if the task is in PENDING status.',
      );
    }
    sendJson(res, 200, { request_id: randomUUID() });
  }

  private list(url: URL, res: ServerResponse): void {
    this.stats.lists += 1;
    const q = url.searchParams;
    const start = parseListTime(q.get('start_time') ?? '') ?? 0;
    const end = parseListTime(q.get('end_time') ?? '') ?? Number.MAX_SAFE_INTEGER;
    const model = q.get('model_name');
    const status = q.get('status');
    if (status && !(TASK_STATUSES as readonly string[]).includes(status)) {
      return this.refuse(res, 400, 'InvalidParameter', `status ${status} is not a task status`);
    }
    const pageNo = Math.max(1, Number(q.get('page_no') ?? 1));
    const pageSize = Math.min(100, Math.max(1, Number(q.get('page_size') ?? 10)));
    const now = Date.now();
    // Times in the filter have second precision: the window includes its last second.
    const rows = this.tasks
      .all()
      .filter((t) => t.createdAt >= start && t.createdAt < end + 1000 && (!model || t.model === model))
      .map((t) => ({ t, s: this.tasks.statusOf(t, now) }))
      .filter(({ s }) => s !== 'UNKNOWN' && (!status || s === status));
    const page = rows.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    sendJson(res, 200, {
      request_id: randomUUID(),
      data: page.map(({ t, s }) => taskBody(t, t.id, s, now).output),
      total: rows.length,
      page_no: pageNo,
      page_size: pageSize,
    });
  }
}
