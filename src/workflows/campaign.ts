// The campaign workflow: thousands of rows through a sliding window of child runs. Rows are read from
// storage a page at a time (never carried in history); each row's budget share is reserved before its
// run starts and settled from its record; outcomes go to report parts in storage. Every few hundred rows
// the window drains and the workflow continues as new, so history stays small at any number of rows.
// Pause admits nothing new, cancel cancels the rows in the window (PENDING tasks free, RUNNING collected).
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  metricMeter,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import {
  campaignKeys,
  type CampaignPageRef,
  type CampaignRowEntry,
  type CampaignState,
  type RowOutcome,
} from '../shared/campaigns';
import { campaignRowWorkflowId } from '../shared/ids';
import type { JobOptions } from '../shared/job-options';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import {
  addCampaignPagesUpdate,
  campaignStateQuery,
  changeCampaignUpdate,
  type CampaignChange,
} from './definitions';
import { CampaignLedger } from './campaign-ledger';
import { runRow } from './campaign-row';
import { updateTags, WanflowState } from './search-attributes';

export interface CampaignInput {
  campaignId: string;
  kind: 'job' | 'pipeline';
  /** Job rows' route and region (a pipeline's stages name their own). */
  route: RouteId;
  region: RegionId;
  pages: CampaignPageRef[];
  window: number;
  priority: number;
  budget?: { currency: string; cap: number };
  options?: Partial<JobOptions>;
  /** Rows per generation (tests: a few, to continue as new often); default ROWS_PER_GENERATION. */
  rowsPerGeneration?: number;
  /** Set by continue-as-new (and by a start that adds rows to a finished campaign): where it stands. */
  carry?: { state: CampaignState; next: number; startedMs: number };
}

/** Rows per generation: ~10 history events each, so a generation stays near 5,000 events. */
export const ROWS_PER_GENERATION = 500;
/** Outcomes per report part. */
const PART_ROWS = 100;

// Storage reads and writes of the campaign's own files: retried through an hour of storage trouble
// (nothing is paid by them; a row outcome not written would be a row unexplained).
const { readCampaignPage, writeCampaignPart, finishCampaign } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '60s' },
});

export async function wanCampaign(input: CampaignInput): Promise<CampaignState> {
  const now = () => new Date(Date.now()).toISOString();
  const startedMs = input.carry?.startedMs ?? Date.now();
  const pages = [...input.pages];
  const state: CampaignState = input.carry?.state ?? {
    campaignId: input.campaignId,
    kind: input.kind,
    status: 'running',
    window: input.window,
    priority: input.priority,
    counters: {
      total: 0,
      admitted: 0,
      running: 0,
      stored: 0,
      failed: 0,
      canceled: 0,
      budgetExhausted: 0,
      alreadyRan: 0,
    },
    spent: {},
    reserved: 0,
    estimate: { total: 0, admitted: 0 },
    parts: [],
    generation: 0,
    timestamps: { started: now() },
  };
  if (!input.carry) addPages(input.pages, false);
  if (input.budget) state.budget = input.budget;
  const ledger = new CampaignLedger(state.budget, state.spent);
  let next = input.carry?.next ?? 0;
  let canceled = false;
  let draining = false;
  let rowsThisGeneration = 0;
  let page: { index: number; rows: CampaignRowEntry[] } | undefined;
  const running = new Map<string, Promise<void>>();
  const outcomes: RowOutcome[] = [];
  // Bumped by everything that may let the loop go on: a row ending, a change, more rows.
  let tick = 0;

  function addPages(refs: CampaignPageRef[], append = true): void {
    if (append) pages.push(...refs);
    for (const p of refs) {
      state.counters.total += p.rows;
      state.estimate.total = Math.round((state.estimate.total + p.estimate) * 1e6) / 1e6;
    }
  }
  const view = (): CampaignState => ({ ...state, reserved: ledger.reserved, budget: ledger.budget });
  setHandler(campaignStateQuery, view);
  setHandler(
    changeCampaignUpdate,
    (change: CampaignChange) => {
      if (change.window !== undefined) state.window = change.window;
      if (change.priority !== undefined) state.priority = change.priority;
      if (change.paused !== undefined && state.status !== 'canceling')
        state.status = change.paused ? 'paused' : draining ? 'draining' : 'running';
      if (change.budgetCap !== undefined && ledger.budget)
        ledger.budget = { ...ledger.budget, cap: change.budgetCap };
      tick += 1;
      return view();
    },
    {
      validator: (change: CampaignChange) => {
        if (
          change.window !== undefined &&
          !(Number.isInteger(change.window) && change.window >= 1 && change.window <= 10_000)
        )
          throw new Error(`window ${change.window} must be a whole number from 1 to 10000`);
        if (change.priority !== undefined && !Number.isInteger(change.priority))
          throw new Error(`priority ${change.priority} must be a whole number`);
        if (change.budgetCap !== undefined && !ledger.budget)
          throw new Error(
            'this campaign was started without a budget; start it again with --budget to set one',
          );
        if (change.budgetCap !== undefined && !(change.budgetCap >= 0))
          throw new Error(`budget ${change.budgetCap} must be a number ≥ 0`);
      },
    },
  );
  setHandler(addCampaignPagesUpdate, (refs: CampaignPageRef[]) => {
    addPages(refs);
    tick += 1;
    return view();
  });

  const pageOf = (ordinal: number): { index: number; offset: number } => {
    let first = 0;
    for (const [index, p] of pages.entries()) {
      if (ordinal < first + p.rows) return { index, offset: ordinal - first };
      first += p.rows;
    }
    throw new Error(`row ${ordinal} is past the campaign's ${first} rows`);
  };
  const rowAt = async (ordinal: number): Promise<CampaignRowEntry> => {
    const at = pageOf(ordinal);
    if (page?.index !== at.index)
      page = { index: at.index, rows: await readCampaignPage(pages[at.index]!.key) };
    return page.rows[at.offset]!;
  };
  const ended = (row: CampaignRowEntry, outcome: RowOutcome) => {
    ledger.settle(
      row.estimate,
      outcome.billed !== undefined ? { amount: outcome.billed, currency: outcome.currency! } : undefined,
    );
    const c = state.counters;
    c.running -= 1;
    if (outcome.status === 'stored') c.stored += 1;
    else if (outcome.status === 'canceled') c.canceled += 1;
    else if (outcome.status === 'already_ran') c.alreadyRan += 1;
    else c.failed += 1;
    outcomes.push(outcome);
    tick += 1;
  };
  const admit = async (): Promise<void> => {
    while (
      state.status === 'running' &&
      !draining &&
      running.size < state.window &&
      next < state.counters.total
    ) {
      const row = await rowAt(next);
      const decision = ledger.decide(row.estimate, row.currency);
      if (decision === 'wait') return;
      next += 1;
      state.counters.admitted += 1;
      state.estimate.admitted = Math.round((state.estimate.admitted + (row.estimate ?? 0)) * 1e6) / 1e6;
      if (decision === 'exhausted') {
        state.counters.budgetExhausted += 1;
        outcomes.push(budgetExhausted(row, ledger));
        continue;
      }
      ledger.reserve(row.estimate);
      state.counters.running += 1;
      const ctx = { ...input, priority: state.priority, canceled: () => canceled };
      running.set(
        row.key,
        runRow(ctx, row).then((outcome) => {
          running.delete(row.key);
          ended(row, outcome);
        }),
      );
      rowsThisGeneration += 1;
      if (
        rowsThisGeneration >= (input.rowsPerGeneration ?? ROWS_PER_GENERATION) ||
        workflowInfo().continueAsNewSuggested
      ) {
        draining = true;
        state.status = 'draining';
      }
    }
  };
  const flush = async (all: boolean): Promise<void> => {
    while (outcomes.length >= (all ? 1 : PART_ROWS)) {
      const batch = outcomes.splice(0, PART_ROWS);
      const key = campaignKeys.part(input.campaignId, startedMs, state.parts.length);
      await writeCampaignPart({ key, outcomes: batch });
      state.parts.push(key);
    }
  };

  try {
    for (;;) {
      await admit();
      await flush(running.size === 0);
      if (running.size === 0 && next >= state.counters.total) break;
      if (running.size === 0 && draining) {
        await condition(allHandlersFinished);
        state.generation += 1;
        // A pause asked for during the drain holds in the next generation.
        if (state.status === 'draining') state.status = 'running';
        // Pages and settings travel; rows, outcomes and history stay behind.
        return await continueAsNew<typeof wanCampaign>({
          ...input,
          pages,
          window: state.window,
          priority: state.priority,
          budget: ledger.budget,
          carry: { state: { ...state, spent: ledger.spent }, next, startedMs },
        });
      }
      reportCampaign(view());
      const seen = tick;
      await Promise.race([condition(() => tick !== seen), CancellationScope.current().cancelRequested]);
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancel the rows in the window (each cancels a PENDING task, or keeps collecting a RUNNING one) and
    // wait for their records; rows not admitted are not started. Nothing below may be interrupted again.
    canceled = true;
    state.status = 'canceling';
    await CancellationScope.nonCancellable(async () => {
      for (const key of running.keys())
        await getExternalWorkflowHandle(campaignRowWorkflowId(input.campaignId, key))
          .cancel()
          .catch(() => undefined);
      await Promise.all(running.values());
      await flush(true);
    });
  }
  // The status says the campaign ended only once its report is written: a follower then finds it.
  const status = canceled ? 'canceled' : 'completed';
  const finished = now();
  const reportKeys = await CancellationScope.nonCancellable(() =>
    finishCampaign({ state: { ...view(), status, timestamps: { ...state.timestamps, finished } }, pages }),
  );
  Object.assign(state, { status, reportKeys, timestamps: { ...state.timestamps, finished } });
  updateTags([{ key: WanflowState, value: status }]);
  reportCampaign(view());
  return view();
}

/** The campaign's rows by state and its spend, as gauges (workflow metrics are not emitted on replay). */
function reportCampaign(state: CampaignState): void {
  const c = state.counters;
  const rows = metricMeter.createGauge('wanflow_campaign_rows', 'int', 'rows', "a campaign's rows by state");
  const states = {
    queued: c.total - c.admitted,
    running: c.running,
    stored: c.stored,
    failed: c.failed,
    budget_exhausted: c.budgetExhausted,
    canceled: c.canceled,
  };
  for (const [name, n] of Object.entries(states)) rows.set(n, { campaign: state.campaignId, state: name });
  const spend = metricMeter.createGauge(
    'wanflow_campaign_spend',
    'float',
    'currency',
    "a campaign's billed spend",
  );
  for (const [currency, amount] of Object.entries(state.spent))
    spend.set(amount, { campaign: state.campaignId, currency });
}

function budgetExhausted(row: CampaignRowEntry, ledger: CampaignLedger): RowOutcome {
  const spent = ledger.spent[ledger.budget!.currency] ?? 0;
  return {
    key: row.key,
    line: row.line,
    status: 'budget_exhausted',
    runId: '',
    taskIds: [],
    outputs: [],
    ...(row.estimate !== undefined ? { estimate: row.estimate, currency: row.currency } : {}),
    failure: {
      cause: 'budget_exhausted',
      message: `not submitted: its estimate ${row.estimate ?? '(no price)'} ${row.currency ?? ''} with ${spent} spent would pass the budget of ${ledger.budget!.cap} ${ledger.budget!.currency}`,
      remedy: 'Raise the budget (`wanflow campaign start … --budget N` again adds it) to run the rows left.',
    },
    finished: new Date(Date.now()).toISOString(),
  };
}
