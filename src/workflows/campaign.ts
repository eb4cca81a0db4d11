// The campaign workflow: thousands of rows through a sliding window of child runs. Rows are read from
// storage a page at a time (never carried in history); each row's budget share is reserved before its
// run starts and settled from how it ended; outcomes go to report parts in storage. Every few hundred rows
// the workflow continues as new, so history stays small at any number of rows: the rows still running are
// handed to the next run (each row's run tells the campaign's workflow ID how it ended), so the window
// never drains. Pause admits nothing new, cancel cancels the rows in the window (PENDING tasks free,
// RUNNING collected).
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  metricMeter,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { WanflowActivities } from '../activities';
import {
  campaignKeys,
  type CampaignPageRef,
  type CampaignRowEntry,
  type CampaignState,
  type RowOutcome,
} from '../shared/campaigns';
import { campaignRowId, campaignRowWorkflowId } from '../shared/ids';
import type { JobOptions } from '../shared/job-options';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import {
  addCampaignPagesUpdate,
  campaignStateQuery,
  changeCampaignUpdate,
  type CampaignChange,
} from './definitions';
import { CampaignLedger, rowSpent } from '../coordination/campaign-ledger';
import type { StarterBudget } from './job-input';
import { rowOutcome, runRow, type RowRef } from './campaign-row';
import { rowEndedSignal, type RunEnd } from '../shared/row-ends';
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
  /** A daily budget whoever started the campaign is held to (an agent's): each row's jobs reserve in it. */
  starterBudget?: StarterBudget;
  /** How often only handed-over rows left look for a run that closed without telling; default HANDED_CHECK. */
  handedCheck?: Duration;
  /** Set by continue-as-new (and by a start that adds rows to a finished campaign): where it stands. */
  carry?: {
    state: CampaignState;
    next: number;
    startedMs: number;
    /** Rows whose runs were still going at continue-as-new: they tell this run how they ended. */
    inflight?: RowRef[];
  };
}

/** Rows per generation: ~10 history events each, so a generation stays near 5,000 events. */
export const ROWS_PER_GENERATION = 500;
/** Outcomes per report part. */
const PART_ROWS = 100;
/**
 * How often a campaign with only handed-over rows left asks whether any of their runs closed without
 * telling it (terminated by hand): rare, so seldom; the rows' own signals are the way they end.
 */
export const HANDED_CHECK = '10m';

// Storage reads and writes of the campaign's own files: retried through an hour of storage trouble
// (nothing is paid by them; a row outcome not written would be a row unexplained).
const { readCampaignPage, writeCampaignPart, finishCampaign, endedRowRuns } =
  proxyActivities<WanflowActivities>({
    startToCloseTimeout: '60s',
    scheduleToCloseTimeout: '1h',
    retry: { initialInterval: '2s', maximumInterval: '60s' },
  });

export async function wanCampaign(input: CampaignInput): Promise<CampaignState> {
  // Campaigns before it drained their window at every continue-as-new (50 slots idle over one task's
  // time, 3 % of a 1,000-row campaign's makespan); their histories replay that way.
  const handOver = patched('campaign-rows-handed-over');
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
  const ledger = new CampaignLedger(state.budget, state.spent, input.carry?.state.reserved ?? 0);
  let next = input.carry?.next ?? 0;
  let canceled = false;
  let draining = false;
  let rowsThisGeneration = 0;
  let page: { index: number; rows: CampaignRowEntry[] } | undefined;
  // Every row in the window; `running` holds those this run started (their child results), `handed` those
  // a previous run started, which only their signals (or a check of their runs) end.
  const inflight = new Map<string, RowRef>((input.carry?.inflight ?? []).map((r) => [r.key, r]));
  const handed = new Set(inflight.keys());
  const running = new Map<string, Promise<void>>();
  // Rows whose child is being started: a run may not continue as new before its children exist.
  const starting = new Set<string>();
  let handedCheck: Promise<void> | undefined;
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
  // Rows added once the campaign is finishing or canceling would never run (the client's index would
  // call them known): they are refused, and the client starts the campaign again with them.
  let finishing = false;
  setHandler(
    addCampaignPagesUpdate,
    (refs: CampaignPageRef[]) => {
      addPages(refs);
      tick += 1;
      return view();
    },
    {
      validator: (_refs: CampaignPageRef[]) => {
        if (canceled) throw new Error(`campaign is canceling: start it again once it has ended`);
        if (finishing) throw new Error(`campaign is finishing: start it again once it has ended`);
      },
    },
  );

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
  const ended = (row: RowRef, outcome: RowOutcome) => {
    // Told twice (its signal and its child result): the first counts.
    if (!inflight.delete(row.key)) return;
    handed.delete(row.key);
    ledger.settle(row.estimate, rowSpent(row, outcome));
    const c = state.counters;
    c.running -= 1;
    if (outcome.status === 'stored') c.stored += 1;
    else if (outcome.status === 'canceled') c.canceled += 1;
    else if (outcome.status === 'already_ran') c.alreadyRan += 1;
    else c.failed += 1;
    outcomes.push(outcome);
    tick += 1;
  };
  setHandler(rowEndedSignal, ({ key, end }: { key: string; end: RunEnd }) => {
    const row = inflight.get(key);
    if (row) ended(row, rowOutcome(row, campaignRowId(input.campaignId, key), end));
  });
  const checkHanded = async (): Promise<void> => {
    if (!handed.size) return;
    const ends = await endedRowRuns({ campaignId: input.campaignId, keys: [...handed] });
    for (const { key, end } of ends) {
      const row = inflight.get(key);
      if (row) ended(row, rowOutcome(row, campaignRowId(input.campaignId, key), end));
    }
  };
  const admit = async (): Promise<void> => {
    while (
      state.status === 'running' &&
      !draining &&
      inflight.size < state.window &&
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
      const ref: RowRef = { key: row.key, line: row.line, estimate: row.estimate, currency: row.currency };
      inflight.set(row.key, ref);
      const ctx = {
        ...input,
        priority: state.priority,
        canceled: () => canceled,
        ...(handOver ? { notifyWorkflowId: workflowInfo().workflowId } : {}),
      };
      starting.add(row.key);
      running.set(
        row.key,
        runRow(ctx, row, () => {
          // Its child exists: the run may continue as new now (histories before waited on rows' ends).
          if (starting.delete(row.key) && handOver) tick += 1;
        }).then((outcome) => {
          running.delete(row.key);
          ended(ref, outcome);
        }),
      );
      rowsThisGeneration += 1;
      if (
        rowsThisGeneration >= (input.rowsPerGeneration ?? ROWS_PER_GENERATION) ||
        workflowInfo().continueAsNewSuggested
      ) {
        draining = true;
        // Handed over, the window does not drain: the next run is only a moment away.
        if (!handOver) state.status = 'draining';
      }
    }
  };
  // A part's outcomes leave the buffer only once written, and the write is not canceled halfway: a cancel
  // during it once dropped the batch and wrote the next one at the same part index, over it (before
  // `campaign-parts-kept-on-cancel`).
  const partsKept = patched('campaign-parts-kept-on-cancel');
  const flush = async (all: boolean): Promise<void> => {
    while (outcomes.length >= (all ? 1 : PART_ROWS)) {
      const key = campaignKeys.part(input.campaignId, startedMs, state.parts.length);
      if (partsKept) {
        const batch = outcomes.slice(0, PART_ROWS);
        await CancellationScope.nonCancellable(() => writeCampaignPart({ key, outcomes: batch }));
        outcomes.splice(0, batch.length);
      } else await writeCampaignPart({ key, outcomes: outcomes.splice(0, PART_ROWS) });
      state.parts.push(key);
    }
  };

  try {
    for (;;) {
      await admit();
      await flush(inflight.size === 0 || (handOver && draining));
      if (inflight.size === 0 && next >= state.counters.total) break;
      if (draining && (handOver ? starting.size === 0 : inflight.size === 0)) {
        await condition(allHandlersFinished);
        // A row that ended meanwhile is written first: outcomes do not travel.
        if (outcomes.length) continue;
        state.generation += 1;
        // A pause asked for during the drain holds in the next generation.
        if (state.status === 'draining') state.status = 'running';
        // Pages, settings and the rows still running travel; outcomes and history stay behind.
        return await continueAsNew<typeof wanCampaign>({
          ...input,
          pages,
          window: state.window,
          priority: state.priority,
          budget: ledger.budget,
          carry: {
            state: { ...state, spent: ledger.spent, reserved: ledger.reserved },
            next,
            startedMs,
            ...(inflight.size ? { inflight: [...inflight.values()] } : {}),
          },
        });
      }
      // Only rows handed over are in the window (nothing new could be admitted): now and then, look for
      // one whose run closed without telling (one timer at a time).
      if (handed.size && handed.size === inflight.size && !handedCheck)
        // Not cancellable: a cancel of the campaign must not turn the check into an unhandled rejection.
        handedCheck = CancellationScope.nonCancellable(async () => {
          await sleep(input.handedCheck ?? HANDED_CHECK);
          await checkHanded();
        }).then(() => {
          handedCheck = undefined;
          tick += 1;
        });
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
      for (const key of inflight.keys())
        await getExternalWorkflowHandle(campaignRowWorkflowId(input.campaignId, key))
          .cancel()
          .catch(() => undefined);
      await Promise.all(running.values());
      // Rows handed over end by their signals; a run that closed without telling is found by a check.
      while (handed.size) {
        const seen = tick;
        if (await condition(() => tick !== seen, input.handedCheck ?? '1m')) continue;
        await checkHanded();
      }
      await flush(true);
    });
  }
  finishing = true;
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
