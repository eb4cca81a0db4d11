// One configuration loader: explicit overrides, then the environment (passed in), then defaults,
// validated once. Secrets stay in the resolved config of the worker process; they are never copied into
// workflow inputs.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { REGION_IDS, regionBaseUrl, type RegionId } from '../wan/regions';
import { ENV, regionKeyVar } from './env';
import {
  SIM_DEFAULT_KEY,
  SIM_EACHLABS_KEY,
  SIM_EACHLABS_WEBHOOK_SECRET,
  SIM_FAL_KEY,
  SIM_FAL_USER_ID,
} from '../simulator/options';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const bool = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())));

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
  }),
  /** True only when the user asked for the paid API explicitly. */
  live: z.boolean(),
  region: z.enum(REGION_IDS),
  simulatorUrl: z.string().url(),
  baseUrlOverride: z.string().url().optional(),
  workspaceId: z.string().optional(),
  dataDir: z.string(),
  storage: storageSchema,
  ambiguousSubmit: z.enum(['reconcile', 'fail']),
  /** How stored inputs reach the provider: 'auto' presigns from S3 and uploads from the filesystem store. */
  inputPublishing: z.enum(['auto', 'presign', 'upload']),
  /** Public base URL of the webhook receiver; routes that push completion deliver under it. */
  webhookUrl: z.string().url().optional(),
  /** Signs the callback paths the receiver accepts (workers and the receiver share it). */
  webhookSecret: z.string().min(16).optional(),
  /** The fal.ai account (user ID) whose deliveries the receiver accepts; others are refused. */
  falUserId: z.string().min(1).optional(),
  /** The local asset server (public base URL and signing secret) for the filesystem store's inputs. */
  assetUrl: z.string().url().optional(),
  assetSecret: z.string().min(16).optional(),
  falQueueUrl: z.string().url().optional(),
  falJwksUrl: z.string().url().optional(),
  pricesFile: z.string().optional(),
  /** Tag runs with wanflow's custom search attributes (they must be registered on the namespace). */
  searchAttributes: z.boolean(),
  /** Private hosts media preflight may read anyway (on-premises media servers); public hosts always. */
  preflightAllowHosts: z.array(z.string().min(1)),
});
export type WanflowConfig = z.output<typeof configSchema>;

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<WanflowConfig> = {},
): WanflowConfig {
  const dataDir = resolve(env[ENV.dataDir] ?? '.wanflow');
  const storageKind = env[ENV.storage] ?? 'fs';
  const temporal = temporalConnection(env);
  const raw = {
    temporal: { ...temporal, taskQueue: env[ENV.taskQueue] ?? 'wanflow' },
    live: bool.parse(env[ENV.live] ?? false),
    region: env[ENV.region] ?? 'cn-beijing',
    simulatorUrl: env[ENV.simulatorUrl] ?? 'http://127.0.0.1:8090',
    baseUrlOverride: env[ENV.baseUrl],
    workspaceId: env[ENV.workspaceId],
    dataDir,
    storage:
      storageKind === 's3'
        ? {
            kind: 's3',
            endpoint: env[ENV.s3Endpoint],
            bucket: env[ENV.s3Bucket],
            prefix: env[ENV.s3Prefix],
            accessKey: env[ENV.s3AccessKey],
            secretKey: env[ENV.s3SecretKey],
            region: env[ENV.s3Region],
          }
        : { kind: storageKind, dir: resolve(env[ENV.storageDir] ?? resolve(dataDir, 'storage')) },
    ambiguousSubmit: env[ENV.ambiguousSubmit] ?? 'reconcile',
    inputPublishing: env[ENV.inputPublishing] ?? 'auto',
    webhookUrl: env[ENV.webhookUrl],
    webhookSecret: env[ENV.webhookSecret],
    falUserId: env[ENV.falUserId] ?? (bool.parse(env[ENV.live] ?? false) ? undefined : SIM_FAL_USER_ID),
    assetUrl: env[ENV.assetUrl],
    assetSecret: env[ENV.assetSecret],
    falQueueUrl: env[ENV.falQueueUrl],
    falJwksUrl: env[ENV.falJwksUrl],
    pricesFile: env[ENV.prices],
    searchAttributes: bool.parse(env[ENV.searchAttributes] ?? true),
    preflightAllowHosts: (env[ENV.preflightAllowHosts] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    ...overrides,
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(
      `invalid configuration: ${problems}. See the README's configuration table for the variables.`,
    );
  }
  return parsed.data;
}

export interface Endpoint {
  baseUrl: string;
  apiKey: string;
  workspaceId?: string;
}

/**
 * Where and with which key a region's Model Studio calls go. Without WANFLOW_LIVE the simulator is the
 * target, whatever key is set: reaching the paid API takes an explicit flag.
 */
export function modelStudioEndpoint(
  config: WanflowConfig,
  region: RegionId,
  env: NodeJS.ProcessEnv = process.env,
): Endpoint {
  const key = env[regionKeyVar(region)] ?? env[ENV.apiKey];
  if (!config.live) {
    return {
      baseUrl: config.baseUrlOverride ?? `${config.simulatorUrl}/api/v1`,
      apiKey: key ?? SIM_DEFAULT_KEY,
      workspaceId: config.workspaceId,
    };
  }
  if (!key) throw new ConfigError(`no API key for ${region}: set ${regionKeyVar(region)} or ${ENV.apiKey}`);
  const baseUrl = config.baseUrlOverride ?? regionBaseUrl(region, config.workspaceId);
  if (!baseUrl)
    throw new ConfigError(`${region} has only workspace hosts: set ${ENV.workspaceId} or ${ENV.baseUrl}`);
  return { baseUrl, apiKey: key, workspaceId: config.workspaceId };
}

/** fal.ai's queue and key; without WANFLOW_LIVE, the simulator's fal routes. */
export function falEndpoint(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv = process.env,
): { queueUrl: string; apiKey: string; jwksUrl?: string } {
  if (!config.live) {
    return {
      queueUrl: config.falQueueUrl ?? `${config.simulatorUrl}/fal`,
      apiKey: env[ENV.falKey] ?? SIM_FAL_KEY,
      jwksUrl: config.falJwksUrl ?? `${config.simulatorUrl}/fal/.well-known/jwks.json`,
    };
  }
  const apiKey = env[ENV.falKey];
  if (!apiKey) throw new ConfigError(`the fal route needs ${ENV.falKey}`);
  return { queueUrl: config.falQueueUrl ?? 'https://queue.fal.run', apiKey, jwksUrl: config.falJwksUrl };
}

/** each::labs' API, key and webhook secret; without WANFLOW_LIVE, the simulator's each::labs routes. */
export function eachlabsEndpoint(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv = process.env,
): { apiUrl: string; apiKey: string; webhookSecret?: string; signatureHeader?: string } {
  const signatureHeader = env[ENV.eachlabsSignatureHeader];
  if (!config.live) {
    return {
      apiUrl: env[ENV.eachlabsUrl] ?? `${config.simulatorUrl}/eachlabs`,
      apiKey: env[ENV.eachlabsKey] ?? SIM_EACHLABS_KEY,
      webhookSecret: env[ENV.eachlabsWebhookSecret] ?? SIM_EACHLABS_WEBHOOK_SECRET,
      signatureHeader,
    };
  }
  const apiKey = env[ENV.eachlabsKey];
  if (!apiKey) throw new ConfigError(`the eachlabs route needs ${ENV.eachlabsKey}`);
  return {
    apiUrl: env[ENV.eachlabsUrl] ?? 'https://api.eachlabs.ai',
    apiKey,
    webhookSecret: env[ENV.eachlabsWebhookSecret],
    signatureHeader,
  };
}

/**
 * Where Temporal is and how to reach it, read the way the Temporal CLI and SDKs read it: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, and the profile
 * (TEMPORAL_PROFILE) of the TOML file (TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml).
 */
function temporalConnection(env: NodeJS.ProcessEnv) {
  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  } catch (err) {
    throw new ConfigError(`Temporal connection settings: ${(err as Error).message}`, { cause: err });
  }
  const c = loaded.connectionOptions;
  return {
    address: c.address ?? 'localhost:7233',
    namespace: loaded.namespace ?? 'default',
    apiKey: typeof c.apiKey === 'string' ? c.apiKey : undefined,
    tls: c.tls ?? undefined,
    metadata: c.metadata as Record<string, string> | undefined,
  };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
