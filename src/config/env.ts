// Every environment variable wanflow reads, in one place: its name, its schema (zod), its default and what
// it is for. docs/configuration.md lists exactly these (a test keeps the two equal), and
// nothing outside this file indexes the environment (a test fails when code reads a name not here).
// The DashScope, Temporal and AWS names are those ecosystems' own, so one environment serves the official
// SDKs and wanflow alike. TEMPORAL_* are read through @temporalio/envconfig, as the Temporal CLI reads them.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { REGION_IDS } from '../wan/regions';
import { ConfigError } from './errors';

const text = z.string().min(1);
const url = z.url();
const port = z.coerce.number().int().min(0).max(65535);
const onOff = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']))
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const secret = (min: number) => z.string().min(min);
/** A budget as people write it, `500 CNY`: a cap and its currency. */
export const budgetText = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*[A-Z]{3}\s*$/, 'an amount and a currency, e.g. `500 CNY`')
  .transform((t) => {
    const [, amount, currency] = /^\s*(\d+(?:\.\d+)?)\s*([A-Z]{3})\s*$/.exec(t)!;
    return { cap: Number(amount), currency: currency! };
  });

interface Variable<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** As docs/configuration.md shows it. */
  default: string;
  about: string;
  /** Never echoed in an error. */
  secret?: boolean;
  /** Read by a library (@temporalio/envconfig) from the environment wanflow passes it. */
  library?: boolean;
}
const v = <S extends z.ZodType>(
  schema: S,
  dflt: string,
  about: string,
  extra: Pick<Variable, 'secret' | 'library'> = {},
) => ({
  schema,
  default: dflt,
  about,
  ...extra,
});

/** A Model Studio key for one region: DASHSCOPE_API_KEY_AP_SOUTHEAST_1 and so on. */
export function regionKeyVar(region: (typeof REGION_IDS)[number]): `DASHSCOPE_API_KEY_${string}` {
  return `DASHSCOPE_API_KEY_${region.toUpperCase().replace(/-/g, '_')}`;
}

/** A region's key: its own variable, else DASHSCOPE_API_KEY. */
export function modelStudioKey(
  env: NodeJS.ProcessEnv,
  region: (typeof REGION_IDS)[number],
): string | undefined {
  const own = read(env, regionKeyVar(region), VARIABLES['DASHSCOPE_API_KEY_<REGION>']) as string | undefined;
  return own ?? envVar(env, 'DASHSCOPE_API_KEY');
}

/** A region's workspace: DASHSCOPE_WORKSPACE_ID_CN_BEIJING and so on, else DASHSCOPE_WORKSPACE_ID. */
export function modelStudioWorkspace(
  env: NodeJS.ProcessEnv,
  region: (typeof REGION_IDS)[number],
): string | undefined {
  const name = `DASHSCOPE_WORKSPACE_ID_${region.toUpperCase().replace(/-/g, '_')}`;
  const own = read(env, name, VARIABLES['DASHSCOPE_WORKSPACE_ID_<REGION>']) as string | undefined;
  return own ?? envVar(env, 'DASHSCOPE_WORKSPACE_ID');
}

export const VARIABLES = {
  TEMPORAL_ADDRESS: v(
    text,
    '`localhost:7233`',
    'Temporal frontend. When set, `wanflow up`/`demo` use it instead of starting a dev server',
    { library: true },
  ),
  TEMPORAL_NAMESPACE: v(text, '`default`', 'namespace', { library: true }),
  TEMPORAL_API_KEY: v(text, 'unset', 'Temporal Cloud API key (turns TLS on)', {
    library: true,
    secret: true,
  }),
  TEMPORAL_TLS: v(text, 'unset', 'TLS for other clusters', { library: true }),
  TEMPORAL_TLS_CLIENT_CERT_PATH: v(text, 'unset', 'mTLS client certificate', { library: true }),
  TEMPORAL_TLS_CLIENT_KEY_PATH: v(text, 'unset', 'mTLS client key', { library: true }),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: v(text, 'unset', 'a private CA', { library: true }),
  TEMPORAL_TLS_SERVER_NAME: v(text, 'unset', 'SNI server name', { library: true }),
  'TEMPORAL_GRPC_META_<NAME>': v(text, 'unset', 'a gRPC header sent with every Temporal call', {
    library: true,
  }),
  TEMPORAL_PROFILE: v(text, '`default`', 'profile of the TOML file', { library: true }),
  TEMPORAL_CONFIG_FILE: v(
    text,
    '`~/.config/temporalio/temporal.toml`',
    'connection profiles, as the Temporal CLI reads them',
    { library: true },
  ),
  WANFLOW_TASK_QUEUE: v(text, '`wanflow`', 'task queue of workers and jobs'),
  WANFLOW_LIVE: v(onOff, 'off', '`1` reaches the paid APIs; otherwise every call goes to the simulator'),
  DASHSCOPE_API_KEY: v(text, '—', 'Model Studio key (required with `WANFLOW_LIVE=1`)', { secret: true }),
  /** One variable per region; docs/configuration.md shows the pattern. */
  'DASHSCOPE_API_KEY_<REGION>': v(
    text,
    '—',
    'a key for one region, e.g. `DASHSCOPE_API_KEY_AP_SOUTHEAST_1` (keys are bound to regions)',
    { secret: true },
  ),
  DASHSCOPE_API_REGION: v(
    z.enum(REGION_IDS),
    '`cn-beijing`',
    `default region: ${REGION_IDS.map((r) => `\`${r}\``).join(', ')}`,
  ),
  DASHSCOPE_HTTP_BASE_URL: v(
    url,
    "region's host + `/api/v1`",
    "explicit base URL (the DashScope SDKs' own variable)",
  ),
  DASHSCOPE_WORKSPACE_ID: v(
    text,
    '—',
    "workspace: uses the region's workspace host and sends `X-DashScope-WorkSpace`",
  ),
  'DASHSCOPE_WORKSPACE_ID_<REGION>': v(
    text,
    '`DASHSCOPE_WORKSPACE_ID`',
    'the workspace of one region, e.g. `DASHSCOPE_WORKSPACE_ID_CN_BEIJING` (workspaces are regional)',
  ),
  DASHSCOPE_WORKSPACE_FORM: v(
    z.enum(['host', 'header']),
    '`host`',
    "`host`: the workspace's own host (`{WorkspaceId}.{region}.maas.aliyuncs.com`); `header`: the region's public host with only `X-DashScope-WorkSpace`, as the SDKs send it (one user was refused `403 Endpoint.AccessDenied` on the workspace host)",
  ),
  WANFLOW_SIMULATOR_URL: v(url, '`http://127.0.0.1:8090`', 'the simulator, when not live'),
  WANFLOW_DATA_DIR: v(
    text,
    '`./.wanflow`',
    'embedded stack state: Temporal SQLite file, logs, simulator cache',
  ),
  WANFLOW_STORAGE: v(z.enum(['fs', 's3']), '`fs`', '`fs` (a folder) or `s3`'),
  WANFLOW_STORAGE_DIR: v(text, '`$WANFLOW_DATA_DIR/storage`', 'folder of the `fs` store'),
  WANFLOW_S3_ENDPOINT: v(url, '—', 'S3 store endpoint (MinIO or any S3)'),
  WANFLOW_S3_BUCKET: v(z.string().min(3), '—', 'S3 bucket'),
  WANFLOW_S3_PREFIX: v(text, '—', 'key prefix inside the bucket'),
  AWS_ACCESS_KEY_ID: v(text, '—', 'S3 access key', { secret: true }),
  AWS_SECRET_ACCESS_KEY: v(text, '—', 'S3 secret key', { secret: true }),
  AWS_REGION: v(text, '`us-east-1`', 'S3 region'),
  WANFLOW_AMBIGUOUS_SUBMIT: v(
    z.enum(['reconcile', 'fail']),
    '`reconcile`',
    'after a lost create answer: look the task up, or stop',
  ),
  WANFLOW_INPUT_PUBLISHING: v(
    z.enum(['auto', 'presign', 'upload']),
    '`auto`',
    '`presign`, `upload` or `auto`: how stored inputs reach the provider',
  ),
  WANFLOW_ASSET_URL: v(
    url,
    'the embedded one',
    "public base URL of the local asset server for the filesystem store's inputs (development)",
  ),
  WANFLOW_ASSET_SECRET: v(
    secret(16),
    'made up by `wanflow up`',
    "the asset server's signing secret (16+ characters)",
    { secret: true },
  ),
  WANFLOW_ASSET_PORT: v(port, '`8092`', 'port of the embedded asset server'),
  WANFLOW_ACCOUNT_LIMITS: v(
    text,
    "live: the contract's figures; simulator: none",
    'a JSON file: `{"<model>": {"concurrentTasks": K, "submitsPerSecond": N}}`, per account; jobs hold a slot from create to end',
  ),
  WANFLOW_PRICES: v(
    text,
    'built-in table',
    'a JSON file: array of `{route, region, model, resolution, perSecond, currency, source}`',
  ),
  WANFLOW_SEARCH_ATTRIBUTES: v(
    onOff,
    'on',
    "tag runs with wanflow's search attributes (`off` for a namespace without them)",
  ),
  WANFLOW_LOG_LEVEL: v(z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']), '`WARN`', 'worker log level'),
  WANFLOW_QUERIES_PER_SECOND: v(
    z.coerce.number().positive().max(1000),
    '`10`',
    "task polls a second across all workers: half the account's 20 queries/s, as the server's limiter lets a second's worth burst",
  ),
  WANFLOW_TASK_SWEEP_MS: v(
    z.coerce.number().int().min(0).max(600_000),
    '`3000` (simulator `500`)',
    "how often an account's task watcher reads the task list to wake jobs whose tasks ended; `0`: no watcher, each job polls",
  ),
  WANFLOW_DAILY_BUDGET: v(
    budgetText,
    'none',
    'the most one account (route, region, key) may spend in a billing day (UTC+8), e.g. `500 CNY`; a job that would pass it ends `budget_exhausted` unpaid',
  ),
  WANFLOW_WORKFLOW_CACHE: v(
    z.coerce.number().int().min(0).max(100_000),
    '`500`',
    'workflows a worker keeps in memory; others (asleep on a timer) are replayed from history when they wake',
  ),
  WANFLOW_CONNECT_GIVE_UP: v(
    z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400),
    '`3600`',
    'seconds a starting worker (and `wanflow up` on a cluster) waits for an unreachable Temporal server, retrying with backoff, before it exits 7',
  ),
  WANFLOW_DEPLOYMENT: v(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a deployment name: letters, digits, ".", "_", "-"'),
    'none',
    'Temporal Worker Versioning: the worker deployment this worker belongs to; jobs and pipelines then stay on the build that started them (docs/contributing.md); needs `WANFLOW_BUILD_ID`',
  ),
  WANFLOW_BUILD_ID: v(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/, 'a build ID: letters, digits, ".", "_", "+", "-"'),
    'none',
    'the build of the worker code within `WANFLOW_DEPLOYMENT`, different for every change of workflow code (a git commit)',
  ),
  WANFLOW_METRICS: v(
    z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port'),
    'off',
    "`host:port` where a worker serves Prometheus metrics (`/metrics`): the SDK's and wanflow's own",
  ),
  WANFLOW_WEBHOOK_URL: v(
    url,
    'the embedded receiver',
    'public base URL of `wanflow webhooks`; wrapper creates name `<it>/webhooks/<route>/<workflowId>`',
  ),
  WANFLOW_WEBHOOK_SECRET: v(
    secret(16),
    'made up by `wanflow up`',
    'signs callback paths; the same on workers and the receiver (16+ characters)',
    { secret: true },
  ),
  WANFLOW_WEBHOOK_PORT: v(port, '`8091`', 'port of the embedded (or `wanflow webhooks`) receiver'),
  WANFLOW_TASK_EVENTS: v(
    z.enum(['eventbridge', 'off']),
    '`off` (the embedded stack on the simulator: `eventbridge`)',
    "`eventbridge`: the account's EventBridge rule delivers Model Studio's completion events to `<WANFLOW_WEBHOOK_URL>/events/modelstudio`; jobs sleep until woken (safety timers and the task watcher stay as the fallback)",
  ),
  WANFLOW_EVENTBRIDGE_TOKEN: v(
    secret(1),
    'none',
    "the token given to the EventBridge rule's HTTP target, if any: deliveries without it are refused",
    { secret: true },
  ),
  WANFLOW_MCP_AGENT: v(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, '1–40 letters, digits, "_" or "-"'),
    '`agent`',
    'the agent `wanflow mcp` serves over stdio: its runs are `<agent>.<key>`',
  ),
  WANFLOW_MCP_AGENTS: v(
    text,
    'none',
    'a JSON file of the agents `wanflow mcp` serves: `{"<name>": {"token": "<24+ characters>", "startsPerMinute": 10, "dailyBudget": "20 CNY"}}` (`--http` needs tokens)',
  ),
  WANFLOW_MCP_SECRET: v(
    secret(16),
    'made up per process',
    'signs the quotes `wanflow mcp` gives; set it so quotes outlive a restart (16+ characters)',
    { secret: true },
  ),
  WANFLOW_STUDIO_TOKEN: v(
    secret(24),
    'none',
    'the token studio visitors present (once, as `?token=`); required when `wanflow studio` listens beyond loopback (24+ characters)',
    { secret: true },
  ),
  WANFLOW_STUDIO_PORT: v(port, '`8094`', 'port of `wanflow studio` (and the studio inside `wanflow up`)'),
  WANFLOW_PREFLIGHT_ALLOW_HOSTS: v(
    z.string(),
    '—',
    'comma-separated private hosts (`host` or `host:port`) preflight may read',
  ),
  FAL_KEY: v(text, '—', 'the fal.ai key', { secret: true }),
  FAL_USER_ID: v(
    text,
    "the simulator's when not live",
    'the fal.ai account whose webhook deliveries are accepted',
  ),
  FAL_QUEUE_URL: v(url, '`https://queue.fal.run`', "fal.ai's queue"),
  FAL_JWKS_URL: v(url, "fal's JWKS", 'the keys fal.ai signs webhooks with'),
  EACHLABS_API_KEY: v(text, '—', 'the each::labs key', { secret: true }),
  EACHLABS_API_URL: v(url, '`https://api.eachlabs.ai`', 'the each::labs API'),
  EACHLABS_WEBHOOK_SECRET: v(text, '—', 'each::labs webhook HMAC secret', { secret: true }),
  EACHLABS_SIGNATURE_HEADER: v(
    text,
    '`x-eachlabs-signature`',
    'the header carrying it (undocumented by each::labs)',
  ),
  INFERENCE_API_KEY: v(text, '—', 'the inference.sh key (`inf_…`)', { secret: true }),
  INFERENCE_API_URL: v(url, '`https://api.inference.sh`', 'the inference.sh API'),
  INFERENCE_STATUSES: v(
    z
      .string()
      .transform((t, ctx) => {
        try {
          return JSON.parse(t) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not JSON' });
          return z.NEVER;
        }
      })
      .pipe(
        z.record(
          z.string().regex(/^(\d+|[a-z_]+)$/, 'keys are status numbers or lower-case names'),
          z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED']),
        ),
      ),
    'its current SDK: 10 completed, 11 failed, 12 cancelled',
    'JSON laid over the status mapping, e.g. `{"9":"SUCCEEDED","10":"FAILED","11":"CANCELED","12":"RUNNING"}` for the older numbering',
  ),
  WANFLOW_CACHE_DIR: v(
    text,
    '`$XDG_CACHE_HOME/wanflow`',
    'where the bootstrap keeps Node 24, Temporal, MinIO and the test server',
  ),
  XDG_CACHE_HOME: v(text, '`~/.cache`', 'the user cache'),
  WANFLOW_NODE: v(
    text,
    'the cached Node 24',
    "the Node (24 or newer) `wanflow` runs on when the shell's is older",
  ),
  WANFLOW_FFMPEG: v(text, 'the npm-packaged one', 'ffmpeg binary'),
  WANFLOW_FFPROBE: v(text, 'the npm-packaged one', 'ffprobe binary'),
  WANFLOW_TEMPORAL_BIN: v(text, 'the cached one, then `PATH`', 'the Temporal CLI (dev server)'),
  WANFLOW_MINIO_BIN: v(text, 'the cached one, then `PATH`', 'MinIO (tests)'),
  WANFLOW_TEMPORAL_SERVER_BIN: v(
    text,
    'the cached one (`npm run bootstrap -- --cluster`)',
    'the Temporal server itself, for the PostgreSQL cluster (`npm run cluster`, its test)',
  ),
  WANFLOW_TEMPORAL_SQL_TOOL_BIN: v(text, 'the cached one', "Temporal's SQL schema tool, beside the server"),
  WANFLOW_POSTGRES_BIN_DIR: v(
    text,
    '`PATH`, then `/usr/lib/postgresql/<n>/bin`',
    "where PostgreSQL's `initdb` and `postgres` are (Debian's package)",
  ),
  WANFLOW_TEMPORAL_TEST_SERVER_BIN: v(
    text,
    'the cached one, then `PATH`',
    "Temporal's time-skipping test server (tests)",
  ),
  PATH: v(z.string(), 'the system one', 'searched for the server binaries last'),
} satisfies Record<string, Variable>;
export type VariableName = keyof typeof VARIABLES;
type ValueOf<N extends VariableName> = z.output<(typeof VARIABLES)[N]['schema']>;

/**
 * One variable, checked against its schema: undefined when unset (or empty), else its typed value. With
 * modelStudioKey, the only way wanflow reads its environment; a bad value is a ConfigError naming it.
 */
export function envVar<N extends VariableName>(env: NodeJS.ProcessEnv, name: N): ValueOf<N> | undefined {
  return read(env, name, VARIABLES[name]) as ValueOf<N> | undefined;
}

function read(env: NodeJS.ProcessEnv, name: string, variable: Variable): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = variable.schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const shown = variable.secret ? '(hidden)' : JSON.stringify(raw.slice(0, 80));
  throw new ConfigError(`${name}=${shown}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
}

/** The user cache wanflow's bootstrap fills: WANFLOW_CACHE_DIR, else `$XDG_CACHE_HOME/wanflow`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    envVar(env, 'WANFLOW_CACHE_DIR') ??
    join(envVar(env, 'XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'wanflow')
  );
}
