// Worker bootstrap: wires configuration into activities (keys stay here, in the worker process) and
// registers the workflows. Tuning is explicit so operators can size workers per machine.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { TemporalUnreachableError } from '../client/jobs';
import { type WanflowConfig } from '../config/config';
import { eachlabsEndpoint, falEndpoint, inferenceEndpoint, modelStudioEndpoint } from '../config/endpoints';
import { ConfigError } from '../config/errors';
import { EachlabsProvider } from '../providers/eachlabs/client';
import { FalProvider } from '../providers/fal/client';
import { InferenceProvider } from '../providers/inference/client';
import { inferenceStatuses } from '../providers/inference/statuses';
import { modelStudioKey } from '../config/env';
import { loadPrices } from '../config/prices';
import { ModelStudioProvider } from '../providers/modelstudio/client';
import type { JobSpend } from '../activities/spend';
import type { VideoProvider } from '../providers/provider';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import { createStore, type AssetStore } from '../storage';
import { AssetLinks } from '../assets/server';
import { DEFAULT_JOB_OPTIONS, SIMULATOR_JOB_OPTIONS } from '../config/policy';
import { limitsOf, LIVE_SLOT_CHECK_MS, SIMULATOR_SLOT_CHECK_MS } from '../config/account-limits';
import type { JobSlot } from '../activities/validate';
import type { TaskWatcherRef } from '../activities/watch';
import { queriesTaskQueue } from '../shared/ids';
import { patiently } from './patience';

export interface WorkerSetup {
  config: WanflowConfig;
  env?: NodeJS.ProcessEnv;
  connection?: NativeConnection;
  store?: AssetStore;
  /** Passed through to Worker.create (e.g. a prebuilt workflowBundle in tests). */
  options?: Partial<WorkerOptions>;
  /** Where the worker says it is waiting for its server. */
  log?: (line: string) => void;
}

/** The worker's connection, once its server answers (worker/patience.ts: it waits, up to the give-up). */
export async function connectWorker(
  config: WanflowConfig,
  log: (line: string) => void = (line) => process.stderr.write(`wanflow worker: ${line}\n`),
): Promise<NativeConnection> {
  return patiently(
    () =>
      NativeConnection.connect({
        address: config.temporal.address,
        tls: config.temporal.tls,
        apiKey: config.temporal.apiKey,
        metadata: config.temporal.metadata,
      }),
    { what: `Temporal at ${config.temporal.address}`, giveUpMs: config.connectGiveUpSeconds * 1000, log },
  ).catch((err: unknown) => {
    throw new TemporalUnreachableError(
      `cannot reach Temporal at ${config.temporal.address} (waited ${config.connectGiveUpSeconds} s): ${(err as Error).message}`,
      { cause: err },
    );
  });
}

export function providerResolver(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv,
): (route: RouteId, region: RegionId) => VideoProvider {
  const cache = new Map<string, VideoProvider>();
  return (route, region) => {
    const id = `${route}:${region}`;
    let p = cache.get(id);
    if (!p) {
      p =
        route === 'fal'
          ? new FalProvider(falEndpoint(config, env))
          : route === 'eachlabs'
            ? new EachlabsProvider(eachlabsEndpoint(config, env))
            : route === 'inference'
              ? inferenceProvider(inferenceEndpoint(config, env))
              : new ModelStudioProvider(modelStudioEndpoint(config, region, env));
      cache.set(id, p);
    }
    return p;
  };
}

function inferenceProvider(ep: ReturnType<typeof inferenceEndpoint>): InferenceProvider {
  return new InferenceProvider({ ...ep, statuses: inferenceStatuses(ep.statuses) });
}

/**
 * The account a route's tasks count against, named by a short hash of its key (the key itself never leaves
 * the worker). inference.sh runs its Wan apps on the user's own Model Studio key in Singapore: with that
 * key configured (always, against the simulator), its tasks count against that Model Studio account's
 * slots, spend and watcher, beside the account's direct jobs.
 */
function accountOf(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv,
  route: RouteId,
  region: RegionId,
): { route: RouteId; region: RegionId; account: string } {
  const hash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);
  if (route === 'inference' && (!config.live || modelStudioKey(env, 'ap-southeast-1')))
    return accountOf(config, env, 'modelstudio', 'ap-southeast-1');
  const key =
    route === 'fal'
      ? falEndpoint(config, env).apiKey
      : route === 'eachlabs'
        ? eachlabsEndpoint(config, env).apiKey
        : route === 'inference'
          ? inferenceEndpoint(config, env).apiKey
          : modelStudioEndpoint(config, region, env).apiKey;
  return { route, region, account: hash(key) };
}

/** The task watcher of each account, on the worker's task queue; none where sweeps are off. */
export function watcherResolver(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv,
): ((route: RouteId, region: RegionId) => TaskWatcherRef) | undefined {
  if (!config.taskSweepMs) return undefined;
  return (route, region) => {
    const owner = accountOf(config, env, route, region);
    return {
      id: `wanflow-watch/${config.temporal.taskQueue}/${owner.route}/${owner.region}/${owner.account}`,
      everyMs: config.taskSweepMs,
      ...(config.accountLimits ? { slotsPrefix: accountSlotsPrefix(owner) } : {}),
      ...(config.taskEvents === 'eventbridge' && route === 'modelstudio' ? { fallback: true } : {}),
    };
  };
}

/** An account's daily ledgers are `<prefix>/<billing day>`, whether a budget is set now or not. */
export function spendLedgerPrefix(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv,
  route: RouteId,
  region: RegionId,
): string {
  const owner = accountOf(config, env, route, region);
  return `wanflow-spend/${owner.route}/${owner.region}/${owner.account}`;
}

/** The daily budget of each account, where one is set: its ledgers are `<ledger>/<billing day>`. */
export function spendResolver(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv,
): ((route: RouteId, region: RegionId) => JobSpend | undefined) | undefined {
  const budget = config.dailyBudget;
  if (!budget) return undefined;
  return (route, region) => ({
    ledger: spendLedgerPrefix(config, env, route, region),
    ...budget,
    recheckMs: config.live ? 30_000 : 1_000,
  });
}

/** The slot workflows of one account: `<prefix>/<model>`. */
function accountSlotsPrefix(owner: { route: RouteId; region: RegionId; account: string }): string {
  return `wanflow-slots/${owner.route}/${owner.region}/${owner.account}`;
}

export function slotResolver(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv,
): ((route: RouteId, region: RegionId, model: string) => JobSlot | undefined) | undefined {
  const limits = config.accountLimits;
  if (!limits) return undefined;
  return (route, region, model) => {
    return {
      id: `${accountSlotsPrefix(accountOf(config, env, route, region))}/${model}`,
      capacity: limitsOf(limits, model).concurrentTasks,
      grantsPerSecond: limitsOf(limits, model).submitsPerSecond,
      checkEveryMs: config.live ? LIVE_SLOT_CHECK_MS : SIMULATOR_SLOT_CHECK_MS,
    };
  };
}

export async function createWanflowWorker(setup: WorkerSetup): Promise<WanflowWorker> {
  const { config } = setup;
  const env = setup.env ?? process.env;
  const connection = setup.connection ?? (await connectWorker(config, setup.log));
  const store = setup.store ?? createStore(config.storage);
  if (config.webhookUrl && !config.webhookSecret)
    throw new ConfigError(
      `WANFLOW_WEBHOOK_URL is set without WANFLOW_WEBHOOK_SECRET: the receiver accepts only callback paths signed with it (16+ characters, the same on workers and the receiver)`,
    );
  const assetLinks =
    config.assetUrl && config.assetSecret ? new AssetLinks(config.assetUrl, config.assetSecret) : undefined;
  const activities = createActivities({
    provider: providerResolver(config, env),
    store,
    prices: loadPrices(config.pricesFile),
    webhookBaseUrl: config.webhookUrl,
    webhookSecret: config.webhookSecret,
    // 'auto': signed URLs where something can sign them (S3, or the asset server), else the upload.
    inputPublishing:
      config.inputPublishing === 'auto'
        ? store.kind === 's3' || assetLinks
          ? 'presign'
          : 'upload'
        : config.inputPublishing,
    assetLinks,
    sources: { allowHosts: config.preflightAllowHosts },
    slots: slotResolver(config, env),
    spend: spendResolver(config, env),
    // Without a daily budget the day still has books: every job books what it spent as it ends.
    ...(config.dailyBudget
      ? {}
      : { books: (route: RouteId, region: RegionId) => spendLedgerPrefix(config, env, route, region) }),
    watcher: watcherResolver(config, env),
    taskEvents: config.taskEvents === 'eventbridge',
    queriesPerSecond: config.queriesPerSecond,
    // Timing belongs to what the worker calls: the paid API's minutes, or the simulator's seconds.
    policy: () => ({
      ...(config.live ? DEFAULT_JOB_OPTIONS : SIMULATOR_JOB_OPTIONS),
      ambiguousSubmit: config.ambiguousSubmit,
    }),
  });
  const main = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    ...(setup.options?.workflowBundle ? {} : workflowCode()),
    // Activities wait on HTTP most of the time; 50 in flight at once, and a download heartbeats so a
    // stuck one is found in 60 s.
    maxConcurrentActivityTaskExecutions: 50,
    // Jobs asleep until their watcher wakes them need no place in memory: a bounded cache keeps a worker
    // with thousands in flight within its memory; an evicted job replays its short history when it wakes.
    maxCachedWorkflows: config.workflowCache,
    shutdownGraceTime: '10s',
    ...versioning(config),
    ...setup.options,
  });
  // Jobs' polls on a queue of their own, whose dispatch rate the server holds across every worker: the
  // account's task query budget holds however many jobs are in flight.
  const queries = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: queriesTaskQueue(config.temporal.taskQueue),
    activities: { pollTask: activities.pollTask, sweepEndedTasks: activities.sweepEndedTasks },
    maxTaskQueueActivitiesPerSecond: config.queriesPerSecond,
    maxConcurrentActivityTaskExecutions: 50,
    shutdownGraceTime: '10s',
    ...versioning(config),
  });
  return workerPair(main, queries);
}

/**
 * The workflow code: the bundle `npm run build` made beside this file when it is current (newer than the
 * compiled workflows it was made from), else the compiled workflows, bundled by webpack at start (~2 s of
 * CPU; running from source, or after a bare `tsc`).
 */
function workflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const workflowsPath = join(__dirname, '../workflows');
  const codePath = join(__dirname, 'workflows-bundle.js');
  const modified = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN;
  return modified(codePath) >= modified(join(workflowsPath, 'index.js'))
    ? { workflowBundle: { codePath } }
    : { workflowsPath };
}

/**
 * Worker Versioning, when a deployment is configured: both task queues belong to this build, jobs and
 * pipelines stay on the build that started them (their own PINNED option), every other workflow moves to
 * the deployment's current build at its next workflow task.
 */
function versioning(config: WanflowConfig): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!config.deployment) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: config.deployment.name, buildId: config.deployment.buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

/** What callers run and stop: the worker of workflows and activities, and the one of polls. */
export type WanflowWorker = Pick<Worker, 'run' | 'shutdown' | 'getState'>;

function workerPair(main: Worker, queries: Worker): WanflowWorker {
  return {
    async run() {
      // One ending (shutdown, or a fatal error) ends the other.
      await Promise.all([
        main.run().finally(() => queries.getState() === 'RUNNING' && queries.shutdown()),
        queries.run().finally(() => main.getState() === 'RUNNING' && main.shutdown()),
      ]);
    },
    shutdown() {
      for (const w of [main, queries]) if (w.getState() === 'RUNNING') w.shutdown();
    },
    getState: () => main.getState(),
  };
}
