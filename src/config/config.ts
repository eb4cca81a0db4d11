// One configuration loader: the environment (passed in, read through config/env.ts), then defaults, then
// explicit overrides, validated once. Keys are not part of it (config/endpoints.ts reads them at call
// time), so a configuration can be logged or passed around without leaking one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { TLSConfig } from '@temporalio/client';
import { REGION_IDS } from '../wan/regions';
import { budgetText, envVar } from './env';
import { ConfigError } from './errors';
import { SIM_FAL_USER_ID } from './simulator';
import { temporalConnection } from './temporal';
import { DEFAULT_ACCOUNT_LIMITS } from './account-limits';

const storageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fs'), dir: z.string() }),
  z.object({
    kind: z.literal('s3'),
    endpoint: z.string().url(),
    bucket: z.string().min(3),
    prefix: z.string().optional(),
    accessKey: z.string().min(1),
    secretKey: z.string().min(1),
    region: z.string().optional(),
  }),
]);

const configSchema = z.object({
  temporal: z.object({
    address: z.string().min(1),
    namespace: z.string().min(1),
    taskQueue: z.string().min(1),
    apiKey: z.string().optional(),
    /** Off, on with the system's roots, or a CA / client certificate pair (mTLS) / server name. */
    tls: z.union([z.boolean(), z.custom<TLSConfig>((v) => typeof v === 'object' && v !== null)]).optional(),
    /** gRPC headers for every call (TEMPORAL_GRPC_META_<NAME>). */
    metadata: z.record(z.string(), z.string()).optional(),
    /** TEMPORAL_ADDRESS was given: the embedded stack uses that cluster instead of starting a dev server. */
    external: z.boolean(),
  }),
  /** True only when the user asked for the paid API explicitly. */
  live: z.boolean(),
  region: z.enum(REGION_IDS),
  simulatorUrl: z.string().url(),
  baseUrlOverride: z.string().url().optional(),
  dataDir: z.string(),
  storage: storageSchema,
  ambiguousSubmit: z.enum(['reconcile', 'fail']),
  /** How stored inputs reach the provider: 'auto' presigns from S3 and uploads from the filesystem store. */
  inputPublishing: z.enum(['auto', 'presign', 'upload']),
  /** Public base URL of the webhook receiver; routes that push completion deliver under it. */
  webhookUrl: z.string().url().optional(),
  /** Signs the callback paths the receiver accepts (workers and the receiver share it). */
  webhookSecret: z.string().min(16).optional(),
  webhookPort: z.number().int().min(0).max(65535),
  /** Model Studio's completion events reach the receiver (the account's EventBridge rule is set up):
   * jobs then sleep until woken, on safety timers, instead of polling. Unset: off (the embedded stack on
   * the simulator turns it on). */
  taskEvents: z.enum(['eventbridge', 'off']).optional(),
  /** The token the rule's HTTP target was given, if any. */
  eventBridgeToken: z.string().min(1).optional(),
  /** The agent `wanflow mcp` serves over stdio. */
  mcpAgent: z.string().min(1),
  /** Signs quotes; absent: a secret made up per process. */
  mcpSecret: z.string().min(16).optional(),
  /** Required of studio visitors when `wanflow studio` listens beyond loopback. */
  studioToken: z.string().min(24, 'a token of 24+ characters').optional(),
  studioPort: z.number().int().min(0).max(65535),
  /** The agents `wanflow mcp` serves, by name: each its bearer token (HTTP), rate of starts and daily budget. */
  mcpAgents: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'an agent name: 1–40 letters, digits, "_" or "-"'),
      z.strictObject({
        token: z.string().min(24, 'a token of 24+ characters').optional(),
        startsPerMinute: z.number().int().min(1).max(100_000).optional(),
        dailyBudget: budgetText.optional(),
      }),
    )
    .optional(),
  /** The fal.ai account (user ID) whose deliveries the receiver accepts; others are refused. */
  falUserId: z.string().min(1).optional(),
  /** The local asset server (public base URL and signing secret) for the filesystem store's inputs. */
  assetUrl: z.string().url().optional(),
  assetSecret: z.string().min(16).optional(),
  assetPort: z.number().int().min(0).max(65535),
  falQueueUrl: z.string().url().optional(),
  falJwksUrl: z.string().url().optional(),
  pricesFile: z.string().optional(),
  /** Tag runs with wanflow's custom search attributes (they must be registered on the namespace). */
  searchAttributes: z.boolean(),
  /** Private hosts media preflight may read anyway (on-premises media servers); public hosts always. */
  preflightAllowHosts: z.array(z.string().min(1)),
  logLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']),
  /** Task polls a second across every worker of the task queue (the server enforces it). */
  queriesPerSecond: z.number().positive(),
  /** Between sweeps of an account's task list by its watcher; 0: no watcher, every job polls. */
  taskSweepMs: z.number().int().min(0),
  /** Workflows a worker keeps cached (sticky); the rest replay from history when they wake. */
  workflowCache: z.number().int().min(0),
  /** Seconds a starting worker waits for its Temporal server. */
  connectGiveUpSeconds: z.number().int().min(0),
  /** Worker Versioning: the deployment and this worker's build in it; absent: unversioned workers. */
  deployment: z.strictObject({ name: z.string(), buildId: z.string() }).optional(),
  /** Where a worker serves Prometheus metrics; absent: none. */
  metricsAddress: z.string().optional(),
  /** The most one account may spend in a provider's billing day; none: no daily cap. */
  dailyBudget: z.strictObject({ cap: z.number().positive(), currency: z.string().length(3) }).optional(),
  /** Per model, what one account may run at once; none: jobs take no slots. */
  accountLimits: z
    .record(
      z.string(),
      z.strictObject({
        concurrentTasks: z.number().int().min(1),
        submitsPerSecond: z.number().min(0).optional(),
      }),
    )
    .optional(),
});
export type WanflowConfig = z.output<typeof configSchema>;

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<WanflowConfig> = {},
): WanflowConfig {
  const dataDir = resolve(envVar(env, 'WANFLOW_DATA_DIR') ?? '.wanflow');
  const live = envVar(env, 'WANFLOW_LIVE') ?? false;
  const raw = {
    temporal: {
      ...temporalConnection(env),
      taskQueue: envVar(env, 'WANFLOW_TASK_QUEUE') ?? 'wanflow',
      external: envVar(env, 'TEMPORAL_ADDRESS') !== undefined,
    },
    live,
    region: envVar(env, 'DASHSCOPE_API_REGION') ?? 'cn-beijing',
    simulatorUrl: envVar(env, 'WANFLOW_SIMULATOR_URL') ?? 'http://127.0.0.1:8090',
    baseUrlOverride: envVar(env, 'DASHSCOPE_HTTP_BASE_URL'),
    dataDir,
    storage:
      envVar(env, 'WANFLOW_STORAGE') === 's3'
        ? {
            kind: 's3',
            endpoint: envVar(env, 'WANFLOW_S3_ENDPOINT'),
            bucket: envVar(env, 'WANFLOW_S3_BUCKET'),
            prefix: envVar(env, 'WANFLOW_S3_PREFIX'),
            accessKey: envVar(env, 'AWS_ACCESS_KEY_ID'),
            secretKey: envVar(env, 'AWS_SECRET_ACCESS_KEY'),
            region: envVar(env, 'AWS_REGION'),
          }
        : { kind: 'fs', dir: resolve(envVar(env, 'WANFLOW_STORAGE_DIR') ?? resolve(dataDir, 'storage')) },
    ambiguousSubmit: envVar(env, 'WANFLOW_AMBIGUOUS_SUBMIT') ?? 'reconcile',
    inputPublishing: envVar(env, 'WANFLOW_INPUT_PUBLISHING') ?? 'auto',
    webhookUrl: envVar(env, 'WANFLOW_WEBHOOK_URL'),
    webhookSecret: envVar(env, 'WANFLOW_WEBHOOK_SECRET'),
    webhookPort: envVar(env, 'WANFLOW_WEBHOOK_PORT') ?? 8091,
    taskEvents: envVar(env, 'WANFLOW_TASK_EVENTS'),
    eventBridgeToken: envVar(env, 'WANFLOW_EVENTBRIDGE_TOKEN'),
    mcpAgent: envVar(env, 'WANFLOW_MCP_AGENT') ?? 'agent',
    mcpSecret: envVar(env, 'WANFLOW_MCP_SECRET'),
    studioToken: envVar(env, 'WANFLOW_STUDIO_TOKEN'),
    studioPort: envVar(env, 'WANFLOW_STUDIO_PORT') ?? 8094,
    mcpAgents: jsonFile('WANFLOW_MCP_AGENTS', envVar(env, 'WANFLOW_MCP_AGENTS')),
    falUserId: envVar(env, 'FAL_USER_ID') ?? (live ? undefined : SIM_FAL_USER_ID),
    assetUrl: envVar(env, 'WANFLOW_ASSET_URL'),
    assetSecret: envVar(env, 'WANFLOW_ASSET_SECRET'),
    assetPort: envVar(env, 'WANFLOW_ASSET_PORT') ?? 8092,
    falQueueUrl: envVar(env, 'FAL_QUEUE_URL'),
    falJwksUrl: envVar(env, 'FAL_JWKS_URL'),
    pricesFile: envVar(env, 'WANFLOW_PRICES'),
    searchAttributes: envVar(env, 'WANFLOW_SEARCH_ATTRIBUTES') ?? true,
    preflightAllowHosts: (envVar(env, 'WANFLOW_PREFLIGHT_ALLOW_HOSTS') ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    logLevel: envVar(env, 'WANFLOW_LOG_LEVEL') ?? 'WARN',
    metricsAddress: envVar(env, 'WANFLOW_METRICS'),
    deployment: deploymentFrom(envVar(env, 'WANFLOW_DEPLOYMENT'), envVar(env, 'WANFLOW_BUILD_ID')),
    queriesPerSecond: envVar(env, 'WANFLOW_QUERIES_PER_SECOND') ?? 10,
    taskSweepMs: envVar(env, 'WANFLOW_TASK_SWEEP_MS') ?? (live ? 3_000 : 500),
    workflowCache: envVar(env, 'WANFLOW_WORKFLOW_CACHE') ?? 500,
    connectGiveUpSeconds: envVar(env, 'WANFLOW_CONNECT_GIVE_UP') ?? 3600,
    dailyBudget: envVar(env, 'WANFLOW_DAILY_BUDGET'),
    accountLimits: accountLimitsFrom(envVar(env, 'WANFLOW_ACCOUNT_LIMITS'), live),
    ...overrides,
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** A worker deployment needs to know which build this is; a build ID alone means nothing. */
function deploymentFrom(name: string | undefined, buildId: string | undefined) {
  if (!name && !buildId) return undefined;
  if (!name || !buildId)
    throw new ConfigError(
      `${name ? 'WANFLOW_BUILD_ID' : 'WANFLOW_DEPLOYMENT'} is missing: Worker Versioning takes both WANFLOW_DEPLOYMENT (the deployment's name) and WANFLOW_BUILD_ID (this build of the worker code, e.g. a git commit)`,
    );
  return { name, buildId };
}

/** The account limits: a file's, else the contract's figures for the paid API and none for the simulator. */
function accountLimitsFrom(file: string | undefined, live: boolean): unknown {
  if (!file) return live ? DEFAULT_ACCOUNT_LIMITS : undefined;
  return jsonFile('WANFLOW_ACCOUNT_LIMITS', file);
}

/** A JSON file a variable names; an unreadable or broken one names the variable and the file. */
function jsonFile(variable: string, file: string | undefined): unknown {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new ConfigError(`${variable}=${JSON.stringify(file)}: ${(err as Error).message}`);
  }
}
