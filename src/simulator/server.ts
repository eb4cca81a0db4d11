// The simulator: the stand-in for the paid APIs, and only for them. One HTTP server, one task table:
// Model Studio's API (modelstudio.ts), its temporary storage and result downloads (oss.ts), and the
// wrapper routes fal.ai (fal.ts) and each::labs (eachlabs.ts); test hooks under /_sim. Routes and answers
// follow ../shared/wan27-contract.md closely enough for the official DashScope SDKs; a deviation is a bug.
import { AccountGuard, accountLimitsSchema, type AccountLimits } from './account-limits';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { isImageRequest, isTypedMediaRequest, promptOf, type WanRequest } from '../wan/validation';
import { familyOf } from '../wan/registry';
import { exclusionsOf } from '../wan/registry/typed-media';
import type { TaskStatus } from '../wan/tasks';
import type { OutputShape } from './output-shape';
import { UploadStore } from './uploads';
import { BodyTooLargeError, readBody, sendError, sendJson } from './wire';
import { ModelStudioApi } from './modelstudio';
import {
  faultsSchema,
  simulatorOptionsSchema,
  type CountedFault,
  type Faults,
  type ResolvedSimulatorOptions,
  type SimulatorOptions,
} from './options';
import { SIM_DEFAULT_KEY } from '../config/simulator';
import { emptyStats, maskKey, type SimulatorStats } from './stats';
import { TaskTable, type SimTask } from './task-table';
import { mediaLabel, Renderer } from './render';
import { ResultLinks, receiveUpload } from './oss';
import { FalSimulator, type FalHost } from './fal';
import { EachlabsSimulator, type EachlabsHost } from './eachlabs';
import { modeOf } from '../wan/modes';
import { mediaFieldsOf } from '../wan/media-roles';
import { InferenceSimulator, type InferenceHost } from './inference';
import { EVENTBRIDGE_CERT_PATH, EventBridgeRule, type EventTarget } from './eventbridge';
import { z } from 'zod';

/** `POST /_sim/eventbridge`: the rule's target (an empty body removes the rule). */
const eventTarget = z.object({ url: z.string().url().optional(), token: z.string().optional() });

export interface SimulatedTaskEntry {
  taskId: string;
  model: string;
  /** The mode the task was asked for, as the simulator read the route's own wire format. */
  mode: string;
  /** Its media roles as the simulator read them (`first_frame`, `reference_voice`, `input_image`…). */
  roles: string[];
  /** The key it ran on, masked: a wrapper's, or the Model Studio account's. */
  keyLabel: string;
  prompt?: string;
  seed?: number;
  status: TaskStatus;
  createdAt: number;
  /** When it ended (or will): canceled, or done running. Between the two it counts against the limit. */
  endsAt: number;
}

export interface RunningSimulator {
  /** `http://host:port` */
  url: string;
  /** `http://host:port/api/v1`, the DASHSCOPE_HTTP_BASE_URL to use. */
  baseUrl: string;
  defaultKey: string;
  stats(): SimulatorStats;
  /** Every task made so far (the simulator's books). */
  tasks(): SimulatedTaskEntry[];
  setFaults(f: Partial<Faults>): void;
  /** Account limits until the next reset (which restores the started ones). */
  setLimits(l: Partial<AccountLimits>): void;
  /** The account's EventBridge rule for completion events: where it delivers (undefined: no rule). Kept
   * across resets, as a rule set up in the console is. */
  setEventTarget(target: EventTarget | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSimulator(input: SimulatorOptions = {}): Promise<RunningSimulator> {
  const opts = simulatorOptionsSchema.parse(input);
  const sim = new Simulator(opts);
  const server = createServer((req, res) => {
    // No request, however malformed, takes the simulator down: it answers like the service would.
    sim.handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof BodyTooLargeError) return sendError(res, 413, 'BadRequest.TooLarge', err.message);
      if (err instanceof SyntaxError || err instanceof URIError)
        return sendError(res, 400, 'InvalidParameter', err.message);
      sendError(res, 500, 'InternalError', (err as Error).message);
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
    tasks: () => sim.books(),
    setFaults: (f) => sim.setFaults(f),
    setLimits: (l) => sim.setLimits(l),
    setEventTarget: (t) => sim.events.setTarget(t),
    reset: () => sim.reset(),
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

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
  private readonly inference: InferenceSimulator;
  private readonly modelStudio: ModelStudioApi;
  private readonly accounts: AccountGuard;
  readonly events: EventBridgeRule;

  constructor(private readonly opts: ResolvedSimulatorOptions) {
    this.faults = opts.faults;
    this.tasks = new TaskTable(opts.taskTtlMs);
    this.accounts = new AccountGuard(opts.accountLimits, this.tasks);
    this.links = new ResultLinks(
      this.tasks,
      () => (this.stats.downloads += 1),
      () => this.faults.closeAfterBody,
    );
    const wrapperHost: FalHost & EachlabsHost & Omit<InferenceHost, 'filesDir'> = {
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
      count: (what: 'falCreates' | 'eachlabsCreates' | 'inferenceCreates' | 'webhooksSent' | 'eventsSent') =>
        void (this.stats[what] += 1),
    };
    this.events = new EventBridgeRule(wrapperHost);
    this.fal = new FalSimulator(wrapperHost);
    this.eachlabs = new EachlabsSimulator(wrapperHost);
    this.inference = new InferenceSimulator({
      ...wrapperHost,
      filesDir: join(opts.cacheDir ?? tmpdir(), 'wanflow-sim-inference-files', randomUUID()),
    });
    this.renderer = new Renderer(opts.cacheDir ?? join(tmpdir(), 'wanflow-sim-videos'));
    this.uploads = new UploadStore(join(opts.cacheDir ?? tmpdir(), 'wanflow-sim-uploads', randomUUID()));
    const keys: Record<string, string> = { [SIM_DEFAULT_KEY]: opts.region, ...opts.keys };
    this.modelStudio = new ModelStudioApi({
      ...wrapperHost,
      region: opts.region,
      keys,
      uploads: this.uploads,
      accounts: this.accounts,
      stats: () => this.stats,
      faults: () => this.faults,
      refuse: (res, status, code, message) => {
        this.stats.refusals[code] = (this.stats.refusals[code] ?? 0) + 1;
        sendError(res, status, code, message);
      },
      admit: (request, key, shape, immediate) => {
        const task = this.admit(request, key, shape, immediate);
        // A synchronous call makes no task, so no event.
        if (!immediate) this.events.watch(task, keys[key] ?? opts.region);
        return task;
      },
    });
  }

  setFaults(f: Partial<Faults>): void {
    this.faults = faultsSchema.parse({ ...this.faults, ...f });
  }

  reset(): void {
    this.stats = emptyStats();
    this.faults = faultsSchema.parse({});
    this.accounts.reset(this.opts.accountLimits);
  }

  setLimits(l: Partial<AccountLimits>): void {
    this.accounts.reset(accountLimitsSchema.parse({ ...this.accounts.limits, ...l }));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    if (path === '/_sim/stats' && req.method === 'GET') return sendJson(res, 200, this.stats);
    if (path === '/_sim/tasks' && req.method === 'GET') return sendJson(res, 200, this.books());
    if (path === '/_sim/faults' && req.method === 'GET') return sendJson(res, 200, this.faults);
    if (path === '/_sim/faults' && req.method === 'POST') {
      this.setFaults(JSON.parse((await readBody(req)) || '{}'));
      return sendJson(res, 200, this.faults);
    }
    if (path === '/_sim/limits' && req.method === 'GET') return sendJson(res, 200, this.accounts.limits);
    if (path === '/_sim/limits' && req.method === 'POST') {
      this.setLimits(JSON.parse((await readBody(req)) || '{}'));
      return sendJson(res, 200, this.accounts.limits);
    }
    if (path === EVENTBRIDGE_CERT_PATH && req.method === 'GET')
      return void res
        .writeHead(200, { 'Content-Type': 'application/x-pem-file' })
        .end(this.events.certificatePem);
    if (path === '/_sim/eventbridge' && req.method === 'POST') {
      const target = eventTarget.parse(JSON.parse((await readBody(req)) || '{}'));
      this.events.setTarget(target.url ? { url: target.url, token: target.token } : undefined);
      return sendJson(res, 200, {});
    }
    if (path === '/_sim/reset' && req.method === 'POST') {
      this.reset();
      return sendJson(res, 200, {});
    }
    if (path.startsWith('/fal/')) return this.fal.handle(req, res, path.slice(4), url);
    if (path.startsWith('/eachlabs/')) return this.eachlabs.handle(req, res, path.slice(9));
    if (path.startsWith('/inference/')) return this.inference.handle(req, res, path.slice(10));
    if (path.startsWith('/results/') && req.method === 'GET')
      return this.links.serve(path.slice(9), url, res);
    if (path === '/oss-upload' && req.method === 'POST') {
      if (await receiveUpload(req, res, this.uploads)) this.stats.uploads += 1;
      return;
    }
    if (!path.startsWith('/api/v1/'))
      return sendError(res, 404, 'NotFound', `no route ${req.method} ${path}`);

    return this.modelStudio.handle(req, res, `${req.method} ${path.slice(7)}`, url);
  }

  /** The simulator's own books: every task it made, for tests to hold wanflow's records against. */
  books(): SimulatedTaskEntry[] {
    const now = Date.now();
    return this.tasks.all().map((t) => ({
      taskId: t.id,
      model: t.model,
      mode: modeOf(t.request),
      roles: mediaFieldsOf(t.request).map((f) => f.role),
      keyLabel: t.keyLabel,
      prompt: promptOf(t.request),
      seed: isImageRequest(t.request) ? undefined : t.request.parameters.seed,
      status: this.tasks.statusOf(t, now),
      createdAt: t.createdAt,
      endsAt: t.canceledAt ?? t.endsAt,
    }));
  }

  private takeFault(name: CountedFault): boolean {
    if (this.faults[name] <= 0) return false;
    this.faults[name] -= 1;
    return true;
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
      listedFrom: now + this.faults.listLagMs,
      oddStatus: this.takeFault('unknownStatusTasks') ? 'QUEUED_FOR_REVIEW' : undefined,
      ...shape,
      failWith: this.takeFault('dataInspectionTask')
        ? { code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' }
        : answeredAsFailedTask(request),
    };
    this.tasks.add(task);
    this.stats.tasksCreated += 1;
    const byModel = (this.stats.tasksByKeyAndModel[task.keyLabel] ??= {});
    byModel[task.model] = (byModel[task.model] ?? 0) + 1;
    if (!task.failWith) {
      const label = this.opts.legible ? labelOf(request) : undefined;
      const render = shape.images
        ? this.renderer.image(task.width, task.height, label)
        : this.renderer.video(task.width, task.height, shape.outputSeconds, label, hasAudio(request));
      task.rendered = render.then(
        (file) => void (task.file = file),
        (err: Error) => void (task.renderError = `render failed: ${err.message}`),
      );
    }
    return task;
  }
}

/** Wan 3.0 makes native audio unless asked not to; Wan 2.7's clips carry a track as the service's do. */
function hasAudio(request: WanRequest): boolean {
  return !isTypedMediaRequest(request) || request.parameters.audio !== false;
}

/** A mix of media the service takes at create and fails as a task (Wan 3.0: frames with references). */
function answeredAsFailedTask(request: WanRequest): SimTask['failWith'] {
  if (!isTypedMediaRequest(request)) return undefined;
  const types = [...new Set((request.input.media ?? []).map((m) => m.type))];
  const clash = exclusionsOf(familyOf(request.model)!, types).find((c) => c.rule.answered === 'failed task');
  return clash
    ? {
        code: 'InvalidParameter',
        message: `The media types ${clash.these.join(', ')} and ${clash.those.join(', ')} are mutually exclusive.`,
      }
    : undefined;
}

/** The label a legible result carries: its model, seed and prompt. */
function labelOf(request: WanRequest): string {
  const seed = isImageRequest(request) ? request.parameters?.seed : request.parameters.seed;
  return mediaLabel(request.model, seed, promptOf(request));
}
