// What a run will cost and take, worked out exactly as its start will: the request or spec validated, its
// local files staged (only inside the agent's folder), its media preflighted, every task priced from the
// price table. Nothing is started and nothing is paid. Errors name the tool argument's field.
import { resolve } from 'node:path';
import type { WanflowConfig } from '../config/config';
import { loadPrices } from '../config/prices';
import { DEFAULT_JOB_OPTIONS, SIMULATOR_JOB_OPTIONS } from '../config/policy';
import { stageLocalInputs } from '../assets/stage';
import {
  jobTask,
  tasksOf,
  type CampaignTemplate,
  type PlannedTask,
  type PlanOptions,
} from '../campaigns/plan';
import { planCampaignRequest, type CampaignRequest } from '../client/campaigns';
import { stageSpecFiles } from '../client/pipelines';
import { requestHash } from '../client/start-once';
import { preflightPipeline, preflightRequest } from '../pipelines/preflight';
import { planPipeline } from '../pipelines/validate';
import { sizeProblems } from '../shared/sizes';
import type { AssetStore } from '../storage/store';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import { InvalidRequestError, parseWanRequest, type FieldProblem } from '../wan/validation';
import { planWork } from '../wan/billing';
import { estimateNotes } from '../wan/estimate-notes';
import { substituteRefs } from '../pipelines/spec';

/** An earlier stage's output, where a quote only needs the request's shape. */
const STAND_IN = 'https://stage.invalid/output';

/** A job's request (with its route and region), a pipeline's spec, or a campaign, as an agent sends it. */
export type RunBody =
  | { kind: 'job'; request: unknown; route?: RouteId; region?: RegionId }
  | { kind: 'pipeline'; spec: unknown }
  | { kind: 'campaign'; campaign: AgentCampaign };

/** A campaign as an agent sends it: a template and its rows inline. */
export interface AgentCampaign {
  template: CampaignTemplate;
  rows: Record<string, unknown>[];
  keyColumn?: string;
  window?: number;
  budget?: number;
}

export interface Estimate {
  /** Absent where a task has no known price: never guessed. */
  amount?: number;
  currency?: string;
  /** Seconds from start to the last output stored, along the longest chain of tasks. */
  expectedSeconds: number;
  tasks: number;
  /** What the figure rests on, where a user would want to know (estimate-notes.ts). */
  notes?: string[];
}

export interface Priced {
  /** The body with local files replaced by stored references: what the start sends. */
  staged: RunBody;
  /** requestHash of the body as the agent sent it: what a quote is bound to. */
  hash: string;
  estimate: Estimate;
}

export async function priceRun(
  body: RunBody,
  config: WanflowConfig,
  store: AssetStore,
  root: string,
  agent?: string,
): Promise<Priced> {
  const hash = requestHash(body);
  if (body.kind === 'campaign') return priceCampaign(body, hash, config, root, agent);
  const o = planOptions(config, body);
  const sources = { allowHosts: config.preflightAllowHosts };
  if (body.kind === 'job') {
    refuse(sizeProblems(body.request), 'request');
    const request = await within('request', () =>
      stageLocalInputs(body.request, store, root, { root: resolve(root), agent }),
    );
    const parsed = await within('request', async () => parseWanRequest(request));
    const { problems, inputVideoSeconds } = await preflightRequest(parsed, store, sources);
    refuse(problems, 'request');
    const task = await within('', async () =>
      jobTask({ kind: 'job', route: o.route, region: o.region }, parsed, o, inputVideoSeconds),
    );
    const notes = estimateNotes(body.request, parsed, planWork(parsed, inputVideoSeconds), o.region).map(
      (n) => `request.${n}`,
    );
    return {
      staged: { ...body, request },
      hash,
      estimate: { ...total([task], task.expectedSeconds), ...(notes.length ? { notes } : {}) },
    };
  }
  refuse(sizeProblems(body.spec), 'spec');
  const spec = await within('spec', () => stageSpecFiles(body.spec, store, root, false, agent));
  const plan = await within('spec', async () => planPipeline(spec, o.timing));
  await within('spec', () => preflightPipeline(plan, store, sources));
  // Along the longest chain: each stage starts when the stages it uses are stored.
  const doneAt = new Map<string, number>();
  for (const id of plan.order) {
    const s = plan.stages[id]!;
    doneAt.set(id, Math.max(0, ...s.deps.map((d) => doneAt.get(d) ?? 0)) + s.expectedSeconds);
  }
  const tasks = tasksOf({ kind: 'pipeline' }, spec, o);
  const notes = plan.order.flatMap((id) => {
    const s = plan.stages[id]!;
    const request = parseWanRequest(substituteRefs(s.spec.request, () => STAND_IN));
    return estimateNotes(s.spec.request, request, s.billing ?? {}, s.region).map(
      (n) => `spec.stages.${s.index}.request.${n}`,
    );
  });
  return {
    staged: { kind: 'pipeline', spec },
    hash,
    estimate: { ...total(tasks, Math.max(0, ...doneAt.values())), ...(notes.length ? { notes } : {}) },
  };
}

/**
 * Every row validated and priced as a start would (a row's media is preflighted at the start, before
 * anything is paid). What it may cost is the least of its rows' total and its cap.
 */
function priceCampaign(
  body: Extract<RunBody, { kind: 'campaign' }>,
  hash: string,
  config: WanflowConfig,
  root: string,
  agent?: string,
): Priced {
  const c = body.campaign;
  let planned: ReturnType<typeof planCampaignRequest>;
  try {
    planned = planCampaignRequest(config, campaignRequest(c, 'quote', root, agent));
  } catch (err) {
    if (!(err instanceof InvalidRequestError)) throw err;
    // `rows[line 3]` in a file is the third object of the array here: `campaign.rows.2`.
    throw new InvalidRequestError(
      err.problems.map((p) => ({
        ...p,
        field: `campaign.${p.field.replace(/^rows\[line (\d+)\]/, (_, n: string) => `rows.${Number(n) - 1}`)}`,
      })),
    );
  }
  const { plan } = planned;
  const currencies = Object.keys(plan.estimate);
  const total = !plan.unpriced && currencies.length === 1 ? plan.estimate[currencies[0]!] : undefined;
  const amount = total === undefined ? undefined : Math.min(total, c.budget ?? total);
  return {
    staged: body,
    hash,
    estimate: {
      ...(amount !== undefined ? { amount, currency: currencies[0] } : {}),
      expectedSeconds: plan.makespanSeconds,
      tasks: plan.rows.reduce((n, r) => n + r.tasks.length, 0),
    },
  };
}

/** The client's campaign request for an agent's campaign: rows inline, files only inside its folder. */
export function campaignRequest(
  c: AgentCampaign,
  campaignId: string,
  root: string,
  agent?: string,
): CampaignRequest {
  const columns = [...new Set(c.rows.flatMap((r) => Object.keys(r)))];
  return {
    campaignId,
    template: c.template,
    rows: { format: 'jsonl', columns, rows: c.rows.map((values, i) => ({ line: i + 1, values })) },
    baseDir: root,
    ...(agent !== undefined ? { agent } : {}),
    ...(c.keyColumn !== undefined ? { keyColumn: c.keyColumn } : {}),
    ...(c.window !== undefined ? { window: c.window } : {}),
    ...(c.budget !== undefined ? { budget: c.budget } : {}),
  };
}

function planOptions(config: WanflowConfig, body: Exclude<RunBody, { kind: 'campaign' }>): PlanOptions {
  return {
    route: (body.kind === 'job' && body.route) || 'modelstudio',
    region: (body.kind === 'job' && body.region) || config.region,
    prices: loadPrices(config.pricesFile),
    limits: config.accountLimits ?? {},
    timing: (config.live ? DEFAULT_JOB_OPTIONS : SIMULATOR_JOB_OPTIONS).timing,
  };
}

function total(tasks: PlannedTask[], expectedSeconds: number): Estimate {
  const priced = tasks.every((t) => t.estimate) && new Set(tasks.map((t) => t.estimate!.currency)).size === 1;
  const amount = priced
    ? Math.round(tasks.reduce((sum, t) => sum + t.estimate!.amount, 0) * 1e6) / 1e6
    : undefined;
  return {
    ...(priced ? { amount, currency: tasks[0]!.estimate!.currency } : {}),
    expectedSeconds: Math.round(expectedSeconds),
    tasks: tasks.length,
  };
}

/** Field names as the tool's arguments spell them: `request.parameters.duration`, `spec.stages.1…`. */
async function within<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InvalidRequestError) refuse(err.problems, prefix);
    throw err;
  }
}

function refuse(problems: FieldProblem[], prefix: string): void {
  if (problems.length)
    throw new InvalidRequestError(
      problems.map((p) => ({
        ...p,
        field: prefix && p.field !== 'route' ? `${prefix}.${p.field}` : p.field,
      })),
    );
}
