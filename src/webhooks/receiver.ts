// The webhook receiver: wrapper routes push completion here (`POST /webhooks/<route>/<workflowId>/<token>`,
// the token signed by the worker that made the task: webhooks/callback.ts).
// A delivery is verified (a forged or stale one gets 401 and changes nothing), deduplicated (routes retry:
// fal up to 10 times over 2 h), and then only wakes the job's workflow — which reads the task's state by
// polling, so even a valid delivery cannot inject a result.
// Model Studio's completion events come to `POST /events/modelstudio` from the account's EventBridge rule
// (providers/modelstudio/events.ts verifies them): the task's claim names the job that owns it, and only
// that job is woken (then reads the task once). A task no job of this namespace owns is acknowledged and
// left alone: other programs of the account make tasks too.
import { readCappedBody } from '../server/body';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { FalWebhookVerifier, type Verdict } from '../providers/fal/webhook';
import { verifyEachlabsWebhook } from '../providers/eachlabs/webhook';
import { verifyInferenceWebhook } from '../providers/inference/webhook';
import { taskNoticeSignal, type TaskNotice } from '../workflows/definitions';
import { type WanflowConfig } from '../config/config';
import { eachlabsEndpoint, falEndpoint } from '../config/endpoints';
import { ConfigError } from '../config/errors';
import { isCallbackToken } from './callback';
import { isJobWorkflowId } from '../shared/ids';
import { EventBridgeVerifier, OFFICIAL_CERT_URL, TASK_FINISH_TYPE } from '../providers/modelstudio/events';
import { temporalClaims, type TaskKey } from '../activities/claims';
import { REGION_IDS, type RegionId } from '../wan/regions';

export interface ReceiverStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Completion events that named a task no job here owns. */
  unowned: number;
}

export interface WebhookReceiver {
  url: string;
  stats(): ReceiverStats;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  client: Client;
  /** Signs callback paths (webhooks/callback.ts); the workers that create tasks hold the same one. */
  secret: string;
  /** The fal.ai account whose deliveries are accepted; a delivery signed for another user is refused. */
  falUserId?: string;
  port?: number;
  host?: string;
  falJwksUrl?: string;
  /** each::labs signs with the account's webhook secret, in a header it does not document. */
  eachlabsSecret?: string;
  eachlabsSignatureHeader?: string;
  /** How many delivery keys to remember for deduplication. */
  memory?: number;
  /** Wake-ups accepted per job: a route retries, but a job needs only a few nudges. */
  wakeUpsPerJob?: number;
  /** Model Studio's completion events: how their signatures are checked (absent: the route answers 404). */
  events?: { certUrl(url: string): boolean; token?: string };
  /** This receiver's address as the world calls it (what EventBridge signs); default its own. */
  publicUrl?: string;
  /** Who owns a task (default: its claim in Temporal). */
  ownerOf?: (task: TaskKey) => Promise<string | undefined>;
}

export async function startWebhookReceiver(o: ReceiverOptions): Promise<WebhookReceiver> {
  const fal = new FalWebhookVerifier({ jwksUrl: o.falJwksUrl });
  const verifiers: Record<string, (headers: IncomingMessage['headers'], body: Buffer) => Promise<Verdict>> = {
    fal: async (headers, body) => {
      const verdict = await fal.verify(headers, body);
      const user = headers['x-fal-webhook-user-id'];
      if (verdict.ok && o.falUserId && user !== o.falUserId)
        return { ok: false, reason: 'delivery is for another fal.ai account' };
      return verdict;
    },
    eachlabs: async (headers, body) =>
      o.eachlabsSecret
        ? verifyEachlabsWebhook(headers, body, {
            secret: o.eachlabsSecret,
            header: o.eachlabsSignatureHeader,
          })
        : { ok: false, reason: 'no each::labs webhook secret is configured' },
    inference: (_headers, body) => Promise.resolve(verifyInferenceWebhook(body)),
  };
  const seen = new Set<string>();
  const wakeUps = new Map<string, number>();
  const stats: ReceiverStats = { accepted: 0, duplicates: 0, rejected: 0, unowned: 0 };
  let events: EventBridgeVerifier | undefined;
  const ownerOf = o.ownerOf ?? temporalClaims(() => o.client).ownerOf;
  const server: Server = createServer((req, res) => {
    handle(req).then(
      ([status, body]) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)),
      (err: Error) => res.writeHead(500).end(JSON.stringify({ error: err.message })),
    );
  });

  async function handle(req: IncomingMessage): Promise<[number, object]> {
    if (req.url === EVENTS_PATH && req.method === 'POST') return handleEvent(req);
    const m = /^\/webhooks\/(fal|eachlabs|inference)\/([^/?]+)\/([0-9a-f]{32})$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return [404, { error: 'no such webhook route' }];
    let workflowId: string;
    try {
      workflowId = decodeURIComponent(m[2]!);
    } catch {
      return [400, { error: 'malformed workflow ID in the path' }];
    }
    // Only job workflows are woken, and only at a path a worker signed for that job: a delivery cannot
    // signal a pipeline, a lock, or a job it was not made for.
    if (!isJobWorkflowId(workflowId) || !isCallbackToken(o.secret, m[1]!, workflowId, m[3]!))
      return [404, { error: 'no such webhook route' }];
    if ((wakeUps.get(workflowId) ?? 0) >= (o.wakeUpsPerJob ?? 20))
      return [429, { error: 'this job has been woken enough; it polls on its own schedule' }];
    const body = await readCappedBody(req, MAX_BODY_BYTES);
    if (!body) return [413, { error: `body over ${MAX_BODY_BYTES} bytes` }];
    const route = m[1]!;
    const verdict = await verifiers[route]!(req.headers, body);
    if (!verdict.ok) {
      stats.rejected += 1;
      return [401, { error: verdict.reason }];
    }
    let status: unknown;
    try {
      status = (JSON.parse(body.toString('utf8')) as { status?: unknown }).status;
    } catch {
      stats.rejected += 1;
      return [400, { error: 'body is not JSON' }];
    }
    return wake(workflowId, `${workflowId}|${verdict.requestId}|${String(status)}`, {
      route,
      requestId: verdict.requestId,
    });
  }

  /** Signals a job once per delivery key: a route's retries and EventBridge's duplicates change nothing. */
  async function wake(workflowId: string, key: string, notice: TaskNotice): Promise<[number, object]> {
    if (seen.has(key)) {
      stats.duplicates += 1;
      return [200, { duplicate: true }];
    }
    try {
      await o.client.workflow.getHandle(workflowId).signal(taskNoticeSignal, notice);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [404, { error: `no running job ${workflowId}` }];
      throw err;
    }
    seen.add(key);
    wakeUps.set(workflowId, (wakeUps.get(workflowId) ?? 0) + 1);
    if (wakeUps.size > (o.memory ?? 10_000)) wakeUps.delete(wakeUps.keys().next().value!);
    if (seen.size > (o.memory ?? 10_000)) seen.delete(seen.values().next().value!);
    stats.accepted += 1;
    return [200, { ok: true }];
  }

  async function handleEvent(req: IncomingMessage): Promise<[number, object]> {
    if (!events) return [404, { error: 'completion events are not configured here' }];
    const body = await readCappedBody(req, MAX_EVENT_BYTES);
    if (!body) return [413, { error: `body over ${MAX_EVENT_BYTES} bytes` }];
    const verdict = await events.verify(req.headers, body);
    if (!verdict.ok) {
      stats.rejected += 1;
      return [401, { error: verdict.reason }];
    }
    const { type, data } = verdict.event;
    const region = data.region as RegionId | undefined;
    // Another kind of event on the same target, or a region no key of wanflow's is bound to: not ours.
    if (type !== TASK_FINISH_TYPE || !region || !REGION_IDS.includes(region)) {
      stats.unowned += 1;
      return [200, { ignored: 'not a task of a region wanflow serves' }];
    }
    const owner = await ownerOf({ route: 'modelstudio', region, taskId: data.task_id });
    if (!owner || !isJobWorkflowId(owner)) {
      stats.unowned += 1;
      return [200, { ignored: 'no job here owns this task' }];
    }
    if ((wakeUps.get(owner) ?? 0) >= (o.wakeUpsPerJob ?? 20))
      return [200, { ignored: 'this job has been woken enough; it polls on its own schedule' }];
    const ended = data.task_status === 'SUCCEEDED' || data.task_status === 'FAILED';
    // Keyed by task and status, not by the event's ID: a redelivery may carry a new one.
    return wake(owner, `${owner}|${data.task_id}|${data.task_status}`, {
      route: 'modelstudio',
      requestId: data.request_id ?? '',
      taskId: data.task_id,
      ...(ended ? { ended: true } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${o.host ?? '127.0.0.1'}:${port}`;
  if (o.events)
    events = new EventBridgeVerifier({
      targetUrl: `${o.publicUrl ?? url}${EVENTS_PATH}`,
      isCertUrl: o.events.certUrl,
      token: o.events.token,
    });
  return {
    url,
    stats: () => ({ ...stats }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A completion notice is a few hundred bytes; fal's carries the result payload, still far below this.
const MAX_BODY_BYTES = 1024 * 1024;
/** Where the account's EventBridge rule delivers Model Studio's completion events. */
export const EVENTS_PATH = '/events/modelstudio';
const MAX_EVENT_BYTES = 64 * 1024;

/** A receiver configured from wanflow's configuration (the JWKS and secrets of each route). */
export function receiverOptions(
  config: WanflowConfig,
  client: Client,
  env: NodeJS.ProcessEnv = process.env,
): ReceiverOptions {
  const eachlabs = eachlabsEndpoint(config, env);
  if (!config.webhookSecret)
    throw new ConfigError(
      `the webhook receiver needs WANFLOW_WEBHOOK_SECRET (16+ characters, the same on the workers that create tasks)`,
    );
  return {
    client,
    secret: config.webhookSecret,
    falUserId: config.falUserId,
    falJwksUrl: falEndpoint(config, env).jwksUrl,
    eachlabsSecret: eachlabs.webhookSecret,
    eachlabsSignatureHeader: eachlabs.signatureHeader,
    ...(config.webhookUrl ? { publicUrl: config.webhookUrl } : {}),
    ...(config.taskEvents === 'eventbridge'
      ? {
          events: {
            // The paid service's certificates are on EventBridge's host; the simulator serves its own.
            certUrl: config.live
              ? (url: string) => OFFICIAL_CERT_URL.test(url)
              : (url: string) => url.startsWith(`${config.simulatorUrl}/_sim/eventbridge/`),
            token: config.eventBridgeToken,
          },
        }
      : {}),
  };
}
