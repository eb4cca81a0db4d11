// Campaigns for programs and the CLI: plan every row (nothing is started if one is wrong), store the new
// rows in pages, and start the campaign or add the rows to it. A campaign's ID names its folder and its
// workflow; starting the same rows again adds nothing, appending rows adds only them.
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { WanflowConfig } from '../config/config';
import { loadPrices } from '../config/prices';
import { DEFAULT_JOB_OPTIONS, SIMULATOR_JOB_OPTIONS } from '../config/policy';
import {
  jobTask,
  planCampaign,
  type CampaignPlan,
  type CampaignTemplate,
  type PlanOptions,
  type PlannedRow,
} from '../campaigns/plan';
import type { CampaignRows } from '../campaigns/rows';
import { buildReport } from '../activities/campaigns';
import type { ReportRow } from '../campaigns/report';
import { assetProblems, stageLocalInputs, type StagingRules } from '../assets/stage';
import { planPipeline } from '../pipelines/validate';
import { preflightRequest } from '../pipelines/preflight';
import { createStore, type AssetStore } from '../storage';
import type { SourcePolicy } from '../media/source-guard';
import { readText } from '../storage/store';
import {
  campaignKeys,
  ROWS_PER_PAGE,
  type CampaignIndex,
  type CampaignPageRef,
  type CampaignRowEntry,
  type CampaignState,
} from '../shared/campaigns';
import { campaignWorkflowId, runIdProblem } from '../shared/ids';
import type { JobOptions } from '../shared/job-options';
import { EXIT, WanflowError } from '../shared/errors';
import { InvalidRequestError, parseWanRequest, type FieldProblem } from '../wan/validation';
import type { CampaignInput } from '../workflows/campaign';
import type { StarterBudget } from '../workflows/job-input';
import {
  addCampaignPagesUpdate,
  CAMPAIGN_FINISHING,
  campaignStateQuery,
  changeCampaignUpdate,
  type CampaignChange,
} from '../workflows/definitions';
import { startAttributes } from '../workflows/search-attributes';
import { explainMissingAttributes } from './setup';

export const MAX_WINDOW = 10_000;

export interface CampaignRequest {
  campaignId: string;
  template: CampaignTemplate;
  rows: CampaignRows;
  keyColumn?: string;
  /** Where the rows' local files are found (and only there): the rows file's folder. */
  baseDir: string;
  /** Rows in flight at once (default: twice the largest model's account limit, so slots never idle). */
  window?: number;
  /** Lower goes first in the account slots' queues (interactive runs are 0). */
  priority?: number;
  /** A hard cap on what the campaign may spend, in its prices' currency. */
  budget?: number;
  options?: Partial<JobOptions>;
  /** The workflow's rhythm (programs and tests; the defaults suit campaigns of any size). */
  tuning?: Pick<CampaignInput, 'rowsPerGeneration' | 'handedCheck'>;
  /** A daily budget whoever starts the campaign is held to (an agent's): every row's job reserves in it. */
  starterBudget?: StarterBudget;
  /** The agent starting it: rows store their files in its folder and name only its assets. */
  agent?: string;
  /** Kept on the campaign's workflow (an agent's request hash: a key names one request). */
  memo?: Record<string, unknown>;
}

export interface CampaignPreview {
  plan: CampaignPlan;
  /** Rows the campaign does not have yet: what a start adds. */
  newRows: PlannedRow[];
  /** Rows it already has (started before): a start leaves them alone. */
  knownRows: number;
  window: number;
  /** The estimate of the new rows, per currency. */
  newEstimate: Record<string, number>;
}

export class CampaignNotFoundError extends WanflowError {
  override readonly name = 'CampaignNotFoundError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.notFound;
  readonly remedy =
    'Check the ID (`wanflow list` shows runs); a campaign exists once `wanflow campaign start` ran.';
}

export class CampaignNotRunningError extends WanflowError {
  override readonly name = 'CampaignNotRunningError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.wrongState;
  readonly remedy =
    '`wanflow campaign status <id>` shows how it ended; `wanflow campaign start` with new rows runs it again.';
}

/** Plans every row and says which are new; pays nothing and starts nothing (`--dry-run`). */
export async function previewCampaign(config: WanflowConfig, req: CampaignRequest): Promise<CampaignPreview> {
  const { plan, window } = planCampaignRequest(config, req);
  const index = await readIndex(createStore(config.storage), req.campaignId);
  const known = new Set(index?.keys ?? []);
  const newRows = plan.rows.filter((r) => !known.has(r.key));
  const newEstimate: Record<string, number> = {};
  for (const row of newRows)
    for (const t of row.tasks)
      if (t.estimate)
        newEstimate[t.estimate.currency] =
          Math.round(((newEstimate[t.estimate.currency] ?? 0) + t.estimate.amount) * 1e6) / 1e6;
  return { plan, newRows, knownRows: plan.rows.length - newRows.length, window, newEstimate };
}

/** The request checked and every row planned and priced, as a start would; storage is not read. */
export function planCampaignRequest(
  config: WanflowConfig,
  req: CampaignRequest,
): { plan: CampaignPlan; window: number } {
  const problems: FieldProblem[] = [];
  const idProblem = runIdProblem('campaign', req.campaignId);
  if (idProblem) problems.push(idProblem);
  if (
    req.window !== undefined &&
    !(Number.isInteger(req.window) && req.window >= 1 && req.window <= MAX_WINDOW)
  )
    problems.push({
      field: 'window',
      value: req.window,
      message: `must be a whole number from 1 to ${MAX_WINDOW}`,
    });
  if (req.budget !== undefined && !(Number.isFinite(req.budget) && req.budget > 0))
    problems.push({ field: 'budget', value: req.budget, message: 'must be a number above 0' });
  if (problems.length) throw new InvalidRequestError(problems);
  const plan = planCampaign(req.template, req.rows, planOptions(config, req));
  const foreign = plan.rows.flatMap((row) =>
    assetProblems(row.body, req.agent).map((p) => ({ ...p, field: `rows[line ${row.line}].${p.field}` })),
  );
  if (foreign.length) throw new InvalidRequestError(foreign.slice(0, 50));
  const currencies = Object.keys(plan.estimate);
  if (req.budget !== undefined && (plan.unpriced || currencies.length > 1))
    throw new InvalidRequestError([
      {
        field: 'budget',
        value: req.budget,
        message: plan.unpriced
          ? `cannot hold ${plan.unpriced} rows without a known price (WANFLOW_PRICES adds prices)`
          : `cannot add up rows priced in ${currencies.join(' and ')}`,
      },
    ]);
  // Twice the largest account limit keeps every slot busy while rows queue for them; without limits
  // (the simulator unless given some), 20.
  const limits = Object.values(config.accountLimits ?? {}).map((l) => l.concurrentTasks);
  const widest = limits.length ? Math.max(...limits) : 10;
  return { plan, window: req.window ?? Math.min(MAX_WINDOW, 2 * widest) };
}

function planOptions(config: WanflowConfig, req: CampaignRequest): PlanOptions {
  return {
    keyColumn: req.keyColumn,
    route: req.template.route ?? 'modelstudio',
    region: req.template.region ?? config.region,
    prices: loadPrices(config.pricesFile),
    limits: config.accountLimits ?? {},
    timing: (config.live ? DEFAULT_JOB_OPTIONS : SIMULATOR_JOB_OPTIONS).timing,
  };
}

export interface CampaignStarted {
  campaignId: string;
  workflowId: string;
  added: number;
  known: number;
}

/**
 * Starts the campaign with its new rows, or adds them to it (running: an update; ended: a new run that
 * carries its counters and report on). Rows whose local files or media are unreadable refuse the start.
 */
export async function startCampaign(
  client: Client,
  config: WanflowConfig,
  req: CampaignRequest,
): Promise<CampaignStarted & { preview: CampaignPreview }> {
  const preview = await previewCampaign(config, req);
  const store = createStore(config.storage);
  const workflowId = campaignWorkflowId(req.campaignId);
  const started = { campaignId: req.campaignId, workflowId, known: preview.knownRows, preview };
  const entries = await prepareRows(
    store,
    { allowHosts: config.preflightAllowHosts },
    req,
    preview.newRows,
    planOptions(config, req),
  );
  const index: CampaignIndex = (await readIndex(store, req.campaignId)) ?? {
    campaignId: req.campaignId,
    kind: req.template.kind,
    pages: [],
    keys: [],
  };
  if (index.kind !== req.template.kind)
    throw new InvalidRequestError([
      {
        field: 'template',
        value: req.template.kind,
        message: `campaign ${req.campaignId} runs ${index.kind}s`,
      },
    ]);
  const pages: CampaignPageRef[] = [];
  for (let i = 0; i < entries.length; i += ROWS_PER_PAGE) {
    const rows = entries.slice(i, i + ROWS_PER_PAGE);
    const key = campaignKeys.page(req.campaignId, index.pages.length + pages.length);
    await store.putJson(key, rows);
    pages.push({ key, rows: rows.length, estimate: round(rows.reduce((s, r) => s + (r.estimate ?? 0), 0)) });
  }
  const handle = client.workflow.getHandle(workflowId);
  const running = await isRunning(handle);
  if (!pages.length && (running || index.pages.length)) return { ...started, added: 0 };
  // The index is written once the workflow has the pages: a start that crashed before finds the rows new
  // and writes the same pages again; one that crashed after adds them twice, and the second of each row
  // is refused by its run's ID (`already_ran`), never paid.
  const indexed = () =>
    writeIndex(store, {
      ...index,
      pages: [...index.pages, ...pages],
      keys: [...index.keys, ...entries.map((e) => e.key)],
    });
  const budget =
    req.budget !== undefined
      ? { currency: Object.keys(preview.plan.estimate)[0] ?? 'CNY', cap: req.budget }
      : undefined;
  // A running campaign takes the rows; one finishing or canceling refuses them (it would not run them),
  // so this start waits for it to close and starts it again with them. Twice at most: a start that lost
  // the race to another start adds to that one.
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0 || running) {
      if ((await addToRunning(handle, pages)) === 'added') {
        const change: CampaignChange = {
          ...(req.window !== undefined ? { window: req.window } : {}),
          ...(req.priority !== undefined ? { priority: req.priority } : {}),
          ...(budget ? { budgetCap: budget.cap } : {}),
        };
        if (Object.keys(change).length) await handle.executeUpdate(changeCampaignUpdate, { args: [change] });
        await indexed();
        return { ...started, added: entries.length };
      }
    }
    const previous = index.pages.length ? await readSummary(store, req.campaignId) : undefined;
    const input: CampaignInput = {
      campaignId: req.campaignId,
      kind: req.template.kind,
      route: req.template.route ?? 'modelstudio',
      region: req.template.region ?? config.region,
      pages: previous ? [...index.pages, ...pages] : pages,
      window: req.window ?? previous?.window ?? preview.window,
      priority: req.priority ?? previous?.priority ?? 0,
      ...(budget ? { budget } : previous?.budget ? { budget: previous.budget } : {}),
      ...(req.options ? { options: req.options } : {}),
      ...req.tuning,
      ...(req.starterBudget ? { starterBudget: req.starterBudget } : {}),
      ...(previous ? { carry: carryOn(previous, pages) } : {}),
    };
    try {
      await client.workflow.start('wanCampaign', {
        taskQueue: config.temporal.taskQueue,
        workflowId,
        args: [input],
        // A campaign that ended may run again with new rows (its rows' own IDs stay taken); one that is
        // running is added to above.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        ...(req.memo ? { memo: req.memo } : {}),
        typedSearchAttributes: config.searchAttributes
          ? startAttributes({
              campaign: req.campaignId,
              models: preview.plan.rows.flatMap((r) => r.tasks.map((t) => t.model)),
            })
          : undefined,
      });
      await indexed();
      return { ...started, added: entries.length };
    } catch (err) {
      // Started by another start at the same moment: add the rows to it instead.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 2)
        throw explainMissingAttributes(err);
    }
  }
}

/**
 * Adds pages to the running campaign: 'closed' when it refused them because it is finishing or canceling
 * (once it has closed), or had already closed.
 */
export async function addToRunning(
  handle: WorkflowHandle,
  pages: CampaignPageRef[],
): Promise<'added' | 'closed'> {
  try {
    await handle.executeUpdate(addCampaignPagesUpdate, { args: [pages] });
    return 'added';
  } catch (err) {
    const closedNow = err instanceof WorkflowNotFoundError || !(await isRunning(handle));
    if (
      !closedNow &&
      !(err instanceof WorkflowUpdateFailedError && CAMPAIGN_FINISHING.test(String(err.cause?.message)))
    )
      throw err;
    await handle.result().catch(() => undefined);
    return 'closed';
  }
}

/** A finished campaign's state, continued: the new rows start where the old ones ended. */
function carryOn(previous: CampaignState, pages: CampaignPageRef[]): NonNullable<CampaignInput['carry']> {
  const rows = pages.reduce((s, p) => s + p.rows, 0);
  const estimate = pages.reduce((s, p) => s + p.estimate, 0);
  return {
    next: previous.counters.total,
    startedMs: Date.now(),
    state: {
      ...previous,
      status: 'running',
      counters: { ...previous.counters, total: previous.counters.total + rows, running: 0 },
      estimate: { ...previous.estimate, total: round(previous.estimate.total + estimate) },
      reserved: 0,
      timestamps: { started: previous.timestamps.started },
      reportKeys: undefined,
    },
  };
}

/** Each new row as its run will get it: local files stored, media preflighted, pipelines planned. */
async function prepareRows(
  store: AssetStore,
  sources: SourcePolicy,
  req: CampaignRequest,
  rows: PlannedRow[],
  options: PlanOptions,
): Promise<CampaignRowEntry[]> {
  const problems: FieldProblem[] = [];
  const limit = pLimit(8);
  const root = resolve(req.baseDir);
  const entries = await Promise.all(
    rows.map((row) =>
      limit(async (): Promise<CampaignRowEntry | undefined> => {
        const at = (field: string) => `rows[line ${row.line}].${field}`;
        try {
          let body: unknown;
          let tasks = row.tasks;
          if (req.template.kind === 'job') {
            body = await stageLocalInputs(row.body, store, req.baseDir, { root, agent: req.agent });
            const request = parseWanRequest(body);
            const found = await preflightRequest(request, store, sources);
            problems.push(...found.problems.map((p) => ({ ...p, field: at(p.field) })));
            // Input video is billed by its probed seconds: the row reserves what its task will cost.
            if (found.inputVideoSeconds > 0)
              tasks = [jobTask(req.template, request, options, found.inputVideoSeconds)];
          } else {
            body = planPipeline(await stageSpec(row.body, store, req.baseDir, { root, agent: req.agent }));
          }
          const priced = tasks.every((t) => t.estimate);
          return {
            key: row.key,
            line: row.line,
            body,
            models: [...new Set(tasks.map((t) => t.model))],
            ...(priced && tasks.length
              ? {
                  estimate: round(tasks.reduce((s, t) => s + t.estimate!.amount, 0)),
                  currency: tasks[0]!.estimate!.currency,
                }
              : {}),
          };
        } catch (err) {
          if (!(err instanceof InvalidRequestError)) throw err;
          problems.push(...err.problems.map((p) => ({ ...p, field: at(p.field) })));
          return undefined;
        }
      }),
    ),
  );
  if (problems.length) throw new InvalidRequestError(problems.slice(0, 50));
  return entries.filter((e): e is CampaignRowEntry => e !== undefined);
}

async function stageSpec(
  spec: unknown,
  store: AssetStore,
  baseDir: string,
  rules: StagingRules,
): Promise<unknown> {
  const copy = structuredClone(spec) as { stages?: { request?: unknown }[] };
  for (const [i, s] of (copy.stages ?? []).entries()) {
    try {
      if (s?.request) s.request = await stageLocalInputs(s.request, store, baseDir, rules);
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      throw new InvalidRequestError(
        err.problems.map((p) => ({ ...p, field: `stages.${i}.request.${p.field}` })),
      );
    }
  }
  return copy;
}

async function isRunning(handle: WorkflowHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name === 'RUNNING';
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

async function readIndex(store: AssetStore, campaignId: string): Promise<CampaignIndex | undefined> {
  const key = campaignKeys.index(campaignId);
  return (await store.exists(key)) ? (JSON.parse(await readText(store, key)) as CampaignIndex) : undefined;
}

async function writeIndex(store: AssetStore, index: CampaignIndex): Promise<void> {
  await store.putJson(campaignKeys.index(index.campaignId), index);
}

async function readSummary(store: AssetStore, campaignId: string): Promise<CampaignState | undefined> {
  const key = campaignKeys.summary(campaignId);
  return (await store.exists(key)) ? (JSON.parse(await readText(store, key)) as CampaignState) : undefined;
}

/** The campaign's state: from its workflow while one exists, else from its summary in storage. */
export async function getCampaignState(
  client: Client,
  config: WanflowConfig,
  campaignId: string,
): Promise<CampaignState> {
  try {
    return await client.workflow.getHandle(campaignWorkflowId(campaignId)).query(campaignStateQuery);
  } catch (err) {
    if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
  }
  const summary = await readSummary(createStore(config.storage), campaignId);
  if (!summary) throw new CampaignNotFoundError(`no campaign ${campaignId}`);
  return summary;
}

export async function changeCampaign(
  client: Client,
  campaignId: string,
  change: CampaignChange,
): Promise<CampaignState> {
  const handle = client.workflow.getHandle(campaignWorkflowId(campaignId));
  if (!(await isRunning(handle))) throw new CampaignNotRunningError(`campaign ${campaignId} is not running`);
  return handle.executeUpdate(changeCampaignUpdate, { args: [change] });
}

/** Cancels a campaign: rows not started never start, PENDING tasks are canceled, RUNNING ones collected. */
export async function cancelCampaign(client: Client, campaignId: string): Promise<void> {
  const handle = client.workflow.getHandle(campaignWorkflowId(campaignId));
  if (!(await isRunning(handle))) throw new CampaignNotRunningError(`campaign ${campaignId} is not running`);
  await handle.cancel();
}

export async function waitForCampaign(client: Client, campaignId: string): Promise<CampaignState> {
  return client.workflow.getHandle(campaignWorkflowId(campaignId)).result() as Promise<CampaignState>;
}

/** Every row with its outcome so far (a running campaign: the parts written until now). */
export async function campaignReport(
  client: Client,
  config: WanflowConfig,
  campaignId: string,
): Promise<ReportRow[]> {
  const store = createStore(config.storage);
  const index = await readIndex(store, campaignId);
  if (!index) throw new CampaignNotFoundError(`no campaign ${campaignId}`);
  const state = await getCampaignState(client, config, campaignId);
  return buildReport(store, state, index.pages);
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
