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
import { addCampaignPagesUpdate, campaignStateQuery, changeCampaignUpdate } from './definitions';
import {
  addPages,
  admitRow,
  campaignDone,
  cancelCampaign,
  carryOver,
  changeCampaign,
  closeBooks,
  countPages,
  mayAdmit,
  newCampaignState,
  openBook,
  partDue,
  partWritten,
  rowEnded,
  type CampaignChange,
  type RowRef,
} from '../coordination/campaign';
import type { StarterBudget } from './job-input';
import { rowOutcome, runRow } from './campaign-row';
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
  const now = () => new Date(Date.now()).toISOString();
  const startedMs = input.carry?.startedMs ?? Date.now();
  const pages = [...input.pages];
  const rules = { rowsPerGeneration: input.rowsPerGeneration ?? ROWS_PER_GENERATION };
  const fresh = input.carry?.state ?? countPages(newCampaignState(input, now()), input.pages);
  // The books (coordination/campaign.ts) decide; this shell reads rows, starts runs and writes parts.
  let book = openBook(
    input.budget ? { ...fresh, budget: input.budget } : fresh,
    input.carry?.next ?? 0,
    input.carry?.inflight ?? [],
  );
  let page: { index: number; rows: CampaignRowEntry[] } | undefined;
  // Every row in the window is in the book; `running` holds the child results of those this run started
  // (rows handed over by a previous run end by their signals, or a check of their runs).
  const running = new Map<string, Promise<void>>();
  // Rows whose child is being started: a run may not continue as new before its children exist.
  const starting = new Set<string>();
  let handedCheck: Promise<void> | undefined;
  // Bumped by everything that may let the loop go on: a row ending, a change, more rows.
  let tick = 0;
  const handed = () => book.inflight.filter((r) => r.handed);

  setHandler(campaignStateQuery, () => book.state);
  setHandler(
    changeCampaignUpdate,
    (change: CampaignChange) => {
      book = changeCampaign(book, change);
      tick += 1;
      return book.state;
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
        if (change.budgetCap !== undefined && !book.state.budget)
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
  setHandler(
    addCampaignPagesUpdate,
    (refs: CampaignPageRef[]) => {
      const added = addPages(book, refs);
      if ('book' in added) {
        book = added.book;
        pages.push(...refs);
      }
      tick += 1;
      return book.state;
    },
    {
      validator: (refs: CampaignPageRef[]) => {
        const added = addPages(book, refs);
        if ('refused' in added) throw new Error(added.refused);
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
    const before = book;
    book = rowEnded(book, row.key, outcome);
    if (book !== before) tick += 1;
  };
  setHandler(rowEndedSignal, ({ key, end }: { key: string; end: RunEnd }) => {
    const row = book.inflight.find((r) => r.key === key);
    if (row) ended(row, rowOutcome(row, campaignRowId(input.campaignId, key), end));
  });
  const checkHanded = async (): Promise<void> => {
    const keys = handed().map((r) => r.key);
    if (!keys.length) return;
    const ends = await endedRowRuns({ campaignId: input.campaignId, keys });
    for (const { key, end } of ends) {
      const row = book.inflight.find((r) => r.key === key);
      if (row) ended(row, rowOutcome(row, campaignRowId(input.campaignId, key), end));
    }
  };
  const admit = async (): Promise<void> => {
    while (mayAdmit(book)) {
      const row = await rowAt(book.next);
      const step = admitRow(book, row, rules, now(), workflowInfo().continueAsNewSuggested);
      if (step.decision === 'wait') return;
      book = step.book;
      if (step.decision === 'exhausted') continue;
      const ref = step.ref!;
      const ctx = {
        ...input,
        priority: book.state.priority,
        canceled: () => book.canceled,
        notifyWorkflowId: workflowInfo().workflowId,
      };
      starting.add(row.key);
      running.set(
        row.key,
        runRow(ctx, row, () => {
          // Its child exists: the run may continue as new now.
          if (starting.delete(row.key)) tick += 1;
        }).then((outcome) => {
          running.delete(row.key);
          ended(ref, outcome);
        }),
      );
    }
  };
  // A part's outcomes leave the buffer only once written, and the write is not canceled halfway: a cancel
  // during it once dropped the batch and wrote the next one at the same part index, over it.
  const flush = async (all: boolean): Promise<void> => {
    for (let due = partDue(book, all, PART_ROWS); due; due = partDue(book, all, PART_ROWS)) {
      const key = campaignKeys.part(input.campaignId, startedMs, due.index);
      const { outcomes } = due;
      await CancellationScope.nonCancellable(() => writeCampaignPart({ key, outcomes }));
      book = partWritten(book, key, outcomes.length);
    }
  };

  try {
    for (;;) {
      await admit();
      await flush(book.inflight.length === 0 || book.draining);
      if (campaignDone(book)) break;
      if (book.draining && starting.size === 0) {
        await condition(allHandlersFinished);
        // A row that ended meanwhile is written first: outcomes do not travel.
        if (book.outcomes.length) continue;
        // Pages, settings and the rows still running travel; outcomes and history stay behind.
        return await continueAsNew<typeof wanCampaign>({
          ...input,
          pages,
          window: book.state.window,
          priority: book.state.priority,
          budget: book.state.budget,
          carry: { ...carryOver(book), startedMs },
        });
      }
      // Only rows handed over are in the window (nothing new could be admitted): now and then, look for
      // one whose run closed without telling (one timer at a time).
      if (handed().length && handed().length === book.inflight.length && !handedCheck)
        // Not cancellable: a cancel of the campaign must not turn the check into an unhandled rejection.
        handedCheck = CancellationScope.nonCancellable(async () => {
          await sleep(input.handedCheck ?? HANDED_CHECK);
          await checkHanded();
        }).then(() => {
          handedCheck = undefined;
          tick += 1;
        });
      reportCampaign(book.state);
      const seen = tick;
      await Promise.race([condition(() => tick !== seen), CancellationScope.current().cancelRequested]);
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancel the rows in the window (each cancels a PENDING task, or keeps collecting a RUNNING one) and
    // wait for their records; rows not admitted are not started. Nothing below may be interrupted again.
    book = cancelCampaign(book);
    await CancellationScope.nonCancellable(async () => {
      for (const row of book.inflight)
        await getExternalWorkflowHandle(campaignRowWorkflowId(input.campaignId, row.key))
          .cancel()
          .catch(() => undefined);
      await Promise.all(running.values());
      // Rows handed over end by their signals; a run that closed without telling is found by a check.
      while (handed().length) {
        const seen = tick;
        if (await condition(() => tick !== seen, input.handedCheck ?? '1m')) continue;
        await checkHanded();
      }
      await flush(true);
    });
  }
  book = closeBooks(book);
  // The status says the campaign ended only once its report is written: a follower then finds it.
  const status = book.canceled ? 'canceled' : 'completed';
  const finished = now();
  const reportKeys = await CancellationScope.nonCancellable(() =>
    finishCampaign({
      state: { ...book.state, status, timestamps: { ...book.state.timestamps, finished } },
      pages,
    }),
  );
  book = {
    ...book,
    state: { ...book.state, status, reportKeys, timestamps: { ...book.state.timestamps, finished } },
  };
  updateTags([{ key: WanflowState, value: status }]);
  reportCampaign(book.state);
  return book.state;
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
