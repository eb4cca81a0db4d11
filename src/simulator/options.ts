// Simulator settings and fault injection. Every field has a flag in `wanflow simulator --help`.
import { z } from 'zod';
import { REGION_IDS } from '../wan/regions';
import { InvalidRequestError } from '../wan/validation';
import { accountLimitsSchema } from './account-limits';

export const faultsSchema = z.strictObject({
  /** The next N creates answer 429 Throttling.RateQuota. */
  createRateLimited: z.number().int().min(0).default(0),
  /** The next N creates answer 429 Throttling.BurstRate (the growth guard's answer, on demand). */
  createBurstLimited: z.number().int().min(0).default(0),
  /** The next N queries answer 429 Throttling. */
  queryRateLimited: z.number().int().min(0).default(0),
  /** The next N API requests (create, query, list) answer 500 InternalError. */
  serverErrors: z.number().int().min(0).default(0),
  /** The next N creates make the task, then drop the connection without answering. */
  dropCreateResponse: z.number().int().min(0).default(0),
  /** Creates make the task at once but answer only after this long (a slow gateway; the real limit is 30 s). */
  slowCreateResponseMs: z.number().int().min(0).default(0),
  /** The next N creates are refused with 400 DataInspectionFailed. */
  dataInspectionAtCreate: z.number().int().min(0).default(0),
  /** The next N tasks created end FAILED with DataInspectionFailed. */
  dataInspectionTask: z.number().int().min(0).default(0),
  /** Extra running time for tasks created while set. */
  slowTaskExtraMs: z.number().int().min(0).default(0),
  /** Extra PENDING (queue) time for tasks created while set. */
  queueExtraMs: z.number().int().min(0).default(0),
  /** Wrapper routes (fal.ai, each::labs): the next N webhook deliveries are sent twice. */
  webhookDuplicate: z.number().int().min(0).default(0),
  /** Wrapper routes: the next N webhook deliveries are never sent. */
  webhookDrop: z.number().int().min(0).default(0),
  /** Overrides the result URL lifetime for tasks that finish while set; 0 issues already-expired URLs. */
  resultUrlTtlSeconds: z.number().int().min(0).optional(),
  /** The next N creates drop the connection before any task is made (nothing to find, safe to resend). */
  dropCreateBeforeProcessing: z.number().int().min(0).default(0),
  /** Creates make their task only this long after the request arrived, even if the client gave up. */
  lateCreateMs: z.number().int().min(0).default(0),
  /** The next N creates make the task, then answer 504 from the "gateway" (or 502 with `badGateway`). */
  gatewayTimeoutAfterCreate: z.number().int().min(0).default(0),
  /** A new task shows in the task list only this long after it was made. */
  listLagMs: z.number().int().min(0).default(0),
  /** Where the list body keeps its tasks; `other` is a shape no client knows. */
  listShape: z.enum(['data', 'output.data', 'tasks', 'other']).default('data'),
  /** The list serves at most this many tasks a page, whatever page_size asks (0: no cap). */
  listPageCap: z.number().int().min(0).default(0),
  /** The list body leaves out `total`. */
  listOmitTotal: z.boolean().default(false),
  /** List rows leave out `model_name` (the body is undocumented: a client must not need it). */
  listOmitModel: z.boolean().default(false),
  /** How `orig_prompt` echoes the prompt: as sent, trimmed and folded, or empty. */
  echoPrompt: z.enum(['exact', 'normalized', 'empty']).default('exact'),
  /** The next N tasks made report an undocumented status for the middle of their run. */
  unknownStatusTasks: z.number().int().min(0).default(0),
  /** Result downloads close the connection right after the body (`Connection: close`, socket ended). */
  closeAfterBody: z.boolean().default(false),
});
export type Faults = z.output<typeof faultsSchema>;

/** `--fault NAME=VALUE` pairs as faults: counts and times are numbers, switches booleans, shapes words. */
export function faultsFromPairs(pairs: [string, string][]): Faults {
  const raw = Object.fromEntries(
    pairs.map(([name, v]) => [
      name,
      /^\d+$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v,
    ]),
  );
  const parsed = faultsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError(
    parsed.error.issues.map((i) => ({
      field: '--fault',
      value: i.path.length
        ? `${i.path.join('.')}=${String(raw[String(i.path[0])])}`
        : pairs.map((p) => p[0]).join(','),
      message:
        i.code === 'unrecognized_keys'
          ? `unknown fault; known: ${Object.keys(faultsSchema.shape).join(', ')}`
          : i.message,
    })),
  );
}
/** Faults that count down: each use takes one. */
export type CountedFault =
  | 'createRateLimited'
  | 'createBurstLimited'
  | 'queryRateLimited'
  | 'serverErrors'
  | 'dropCreateResponse'
  | 'dataInspectionAtCreate'
  | 'dataInspectionTask'
  | 'webhookDuplicate'
  | 'webhookDrop'
  | 'dropCreateBeforeProcessing'
  | 'gatewayTimeoutAfterCreate'
  | 'unknownStatusTasks';

export const simulatorOptionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8090),
  host: z.string().default('127.0.0.1'),
  /** The region whose host this simulator impersonates; keys of other regions get 401. */
  region: z.enum(REGION_IDS).default('cn-beijing'),
  /** Accepted keys and the region each is bound to. */
  keys: z.record(z.string(), z.enum(REGION_IDS)).default({}),
  queueMs: z.number().int().min(0).default(1000),
  runMs: z.number().int().min(0).default(2000),
  runPerOutputSecondMs: z.number().int().min(0).default(200),
  /** After this, a task id answers UNKNOWN (the real service: 24 h). */
  taskTtlMs: z
    .number()
    .int()
    .min(1)
    .default(24 * 3600_000),
  resultUrlTtlSeconds: z
    .number()
    .int()
    .min(0)
    .default(24 * 3600),
  /** Where rendered MP4s are cached. */
  cacheDir: z.string().optional(),
  /**
   * Draw each result's model, seed and prompt into its frames, so a simulated gallery reads like a real
   * one (an ffmpeg run per distinct prompt; off: one cached file per size and length).
   */
  legible: z.boolean().default(false),
  /** Base URL clients use to reach this server (defaults to the bound address). */
  publicUrl: z.string().optional(),
  faults: faultsSchema.default(faultsSchema.parse({})),
  /** The account limits the service enforces (off unless set). */
  accountLimits: accountLimitsSchema.default(accountLimitsSchema.parse({})),
});
export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
export type ResolvedSimulatorOptions = z.output<typeof simulatorOptionsSchema>;
