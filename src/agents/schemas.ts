// The shapes agents exchange with wanflow, whatever the protocol: MCP tools (mcp/tools.ts) and the plain
// HTTP API (api/) take and return exactly these, and publish them (tools/list, /openapi.json).
import { z } from 'zod';
import { REGION_IDS } from '../wan/regions';
import { ROUTES } from '../wan/routes';
import { FAMILIES, IMAGE_FAMILIES } from '../wan/registry';
import { describeFamily, describeImageFamily } from '../wan/registry/describe';

/** Rows a campaign sent inline may have (a larger one is a file for `wanflow campaign start`). */
export const MAX_AGENT_ROWS = 10_000;

const runKind = z.enum(['job', 'pipeline', 'campaign']);
const money = z.record(z.string(), z.number()).describe('amount per currency');

export const runArgs = {
  request: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      [
        "one job's request body, as Model Studio takes it: {model, input: {prompt, media…}, parameters: {resolution, duration, seed…}}; local files by path, inside the server's folder",
        ...FAMILIES.map(describeFamily),
        ...IMAGE_FAMILIES.map(describeImageFamily),
      ].join('. '),
    ),
  route: z.enum(ROUTES).optional().describe("a job's route (default modelstudio)"),
  region: z.enum(REGION_IDS).optional().describe("a job's region (default the server's)"),
  spec: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('a pipeline spec instead of a request: {name, stages: [{id, request, candidates…}]}'),
  campaign: z
    .object({
      template: z.object({
        kind: z.enum(['job', 'pipeline']),
        body: z
          .record(z.string(), z.unknown())
          .describe('a request or spec whose strings name row fields: "{{prompt}}", "{{seconds:integer}}"'),
        route: z.enum(ROUTES).optional(),
        region: z.enum(REGION_IDS).optional(),
      }),
      rows: z
        .array(z.record(z.string(), z.unknown()))
        .min(1)
        .max(MAX_AGENT_ROWS)
        .describe("one object per row, its fields filling the template's placeholders"),
      keyColumn: z.string().optional().describe('a field that names each row (default: a hash of the row)'),
      window: z.number().int().min(1).max(10_000).optional().describe('rows in flight at once'),
      budget: z.number().positive().optional().describe('a hard cap on what the campaign may spend'),
    })
    .optional()
    .describe('many runs from one template and rows, under the account limits and an optional cap'),
};

export const estimate = {
  amount: z.number().optional().describe('the exact estimate; absent when no price is known'),
  currency: z.string().optional(),
  expectedSeconds: z.number().describe('from start to the last output stored'),
  tasks: z.number().int(),
  notes: z
    .array(z.string())
    .optional()
    .describe(
      'what the figure rests on: an unset resolution at its (dearer) default, a length the model chooses',
    ),
};

export const runView = z.object({
  id: z.string(),
  kind: runKind,
  running: z.boolean(),
  status: z.string(),
  models: z.array(z.string()),
  stages: z.array(z.object({ id: z.string(), status: z.string(), model: z.string() })).optional(),
  taskIds: z.array(z.string()),
  estimated: money,
  billed: money,
  etaSeconds: z.number().optional(),
  canceledFree: z.array(z.string()).optional().describe('tasks canceled before they ran: not paid'),
  keptPaid: z.array(z.string()).optional().describe('tasks already running when canceled: paid, collected'),
  failure: z.object({ cause: z.string(), message: z.string(), remedy: z.string().optional() }).optional(),
  unanswered: z.string().optional(),
  rows: z
    .object({
      total: z.number().int(),
      queued: z.number().int(),
      running: z.number().int(),
      stored: z.number().int(),
      failed: z.number().int(),
      canceled: z.number().int(),
      budgetExhausted: z.number().int(),
    })
    .optional()
    .describe("a campaign's rows by state"),
});

export const runOutput = z.object({
  stage: z.string().optional(),
  jobId: z.string(),
  key: z.string(),
  location: z.string(),
  url: z.string().optional(),
  sha256: z.string().optional(),
  sizeBytes: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  durationSeconds: z.number().optional(),
});

export const runId = z.string().describe('the run ID `start` returned');

export const quoteOut = z.object({
  ...estimate,
  quoteId: z.string(),
  expiresAt: z.string(),
  budget: z
    .object({
      cap: z.number(),
      currency: z.string(),
      spent: z.number(),
      reserved: z.number(),
      left: z.number(),
      fits: z.boolean(),
    })
    .optional()
    .describe("the agent's daily budget today, and whether this run fits in what is left"),
});

export const startArgs = {
  ...runArgs,
  idempotencyKey: z.string().describe('your key for this run: letters, digits, ".", "_", "-"'),
  quoteId: z.string().optional(),
  maxCost: z.number().positive().optional().describe('the most you will pay, in the price currency'),
};

export const startedOut = z.object({
  id: z.string(),
  kind: runKind,
  created: z.boolean().describe('false: the key already named this run; nothing new was started'),
  estimate: z.object(estimate).optional(),
});

export const waitSeconds = z.number().int().min(1).max(50).default(25).describe('at most this long');
export const expiresInSeconds = z
  .number()
  .int()
  .min(60)
  .max(604_800)
  .default(3600)
  .describe('how long signed URLs work');
export const listLimit = z.number().int().min(1).max(100).default(20);

/** A number in a URL's query, checked as the same schema as in a JSON body. */
export function fromQuery<T extends z.ZodType<unknown, number | undefined>>(schema: T) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
    .pipe(schema);
}

export const resultOut = z.object({
  run: runView,
  outputs: z.array(runOutput),
  manifest: z.object({ key: z.string(), location: z.string(), url: z.string() }).optional(),
  expiresAt: z.string(),
});

export const listOut = z.object({
  runs: z.array(z.object({ id: z.string(), kind: runKind, state: z.string(), started: z.string() })),
});
