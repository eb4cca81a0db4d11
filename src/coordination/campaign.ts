// A campaign's books as a pure state machine: which row is admitted next (window, pause, budget), what a
// row's end does to the counters and the budget, which outcomes go into the next report part and when they
// leave the buffer, which added rows are taken, and what travels to the next run at continue-as-new (the
// rows still running are handed over). workflows/campaign.ts is its shell: it reads rows, starts their
// runs, writes parts and hears of ends, in the same order as before; every decision is taken here. The
// property tests (test/coordination/campaign.sim.test.ts) check that every admitted row is reported
// exactly once, every added row is run or refused, and the budget is never passed.
import type { CampaignPageRef, CampaignRowEntry, CampaignState, RowOutcome } from '../shared/campaigns';
import { CampaignLedger, rowSpent } from './campaign-ledger';

/** What the campaign keeps of a row while it runs (its body stays in its page). */
export type RowRef = Pick<CampaignRowEntry, 'key' | 'line' | 'estimate' | 'currency'> & {
  /** Started by an earlier run of the campaign: only its signal (or a check of its run) ends it. */
  handed?: boolean;
};

export interface CampaignChange {
  /** Rows in the window at once (running or waiting for an account slot). */
  window?: number;
  /** The account slot queue's priority of rows admitted from now on: lower first. */
  priority?: number;
  /** `true` admits nothing new (running rows go on); `false` resumes. */
  paused?: boolean;
  /** A new hard cap, in the budget's currency. */
  budgetCap?: number;
}

export interface CampaignBook {
  state: CampaignState;
  /** The ordinal of the next row to admit. */
  next: number;
  /** Rows in the window, in admission order. */
  inflight: RowRef[];
  /** Outcomes not yet in a written part. */
  outcomes: RowOutcome[];
  /** This generation admitted its share: the window fills no more until the next run. */
  draining: boolean;
  canceled: boolean;
  /** The report is being written: nothing may be added. */
  finishing: boolean;
  rowsThisGeneration: number;
}

/** The campaign's settings for a generation, from its input. */
export interface CampaignRules {
  /** Rows admitted before the campaign continues as new; those still running are handed over. */
  rowsPerGeneration: number;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function ledgerOf(book: CampaignBook): CampaignLedger {
  return new CampaignLedger(book.state.budget, { ...book.state.spent }, book.state.reserved);
}

function withLedger(book: CampaignBook, ledger: CampaignLedger): CampaignBook {
  return {
    ...book,
    state: { ...book.state, budget: ledger.budget, spent: ledger.spent, reserved: ledger.reserved },
  };
}

/** A new campaign's state, before its pages are counted. */
export function newCampaignState(
  c: Pick<CampaignState, 'campaignId' | 'kind' | 'window' | 'priority'>,
  now: string,
): CampaignState {
  return {
    campaignId: c.campaignId,
    kind: c.kind,
    status: 'running',
    window: c.window,
    priority: c.priority,
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
    timestamps: { started: now },
  };
}

/** A campaign's books: a new one's, or a carried one's with the rows it hands over. */
export function openBook(state: CampaignState, next = 0, inflight: RowRef[] = []): CampaignBook {
  return {
    state,
    next,
    inflight: inflight.map((r) => ({ ...r, handed: true })),
    outcomes: [],
    draining: false,
    canceled: false,
    finishing: false,
    rowsThisGeneration: 0,
  };
}

/** Rows added: taken while the campaign runs; refused (with the reason) once it is finishing or canceling. */
export function addPages(
  book: CampaignBook,
  refs: CampaignPageRef[],
): { book: CampaignBook } | { refused: string } {
  if (book.canceled) return { refused: 'campaign is canceling: start it again once it has ended' };
  if (book.finishing) return { refused: 'campaign is finishing: start it again once it has ended' };
  return { book: { ...book, state: countPages(book.state, refs) } };
}

/** The pages' rows and estimates counted into the campaign's totals. */
export function countPages(state: CampaignState, refs: CampaignPageRef[]): CampaignState {
  let { total } = state.counters;
  let estimate = state.estimate.total;
  for (const p of refs) {
    total += p.rows;
    estimate = round(estimate + p.estimate);
  }
  return {
    ...state,
    counters: { ...state.counters, total },
    estimate: { ...state.estimate, total: estimate },
  };
}

/** A change of window, priority, pause or cap. */
export function changeCampaign(book: CampaignBook, change: CampaignChange): CampaignBook {
  const state = { ...book.state };
  if (change.window !== undefined) state.window = change.window;
  if (change.priority !== undefined) state.priority = change.priority;
  if (change.paused !== undefined && state.status !== 'canceling')
    state.status = change.paused ? 'paused' : book.draining ? 'draining' : 'running';
  if (change.budgetCap !== undefined && state.budget)
    state.budget = { ...state.budget, cap: change.budgetCap };
  return { ...book, state };
}

/** Whether the row at `next` may be considered now (its page read and its budget asked). */
export function mayAdmit(book: CampaignBook): boolean {
  return (
    book.state.status === 'running' &&
    !book.draining &&
    !book.canceled &&
    book.inflight.length < book.state.window &&
    book.next < book.state.counters.total
  );
}

/**
 * The row at `next`, asked of the budget: `wait` (the window's reservations may come back), `exhausted`
 * (reported, never run), or `admit` (reserved; the shell starts its run).
 */
export function admitRow(
  book: CampaignBook,
  row: CampaignRowEntry,
  rules: CampaignRules,
  now: string,
  continueAsNewSuggested = false,
): { book: CampaignBook; decision: 'wait' | 'exhausted' | 'admit'; ref?: RowRef } {
  const ledger = ledgerOf(book);
  const decision = ledger.decide(row.estimate, row.currency);
  if (decision === 'wait') return { book, decision };
  const c = { ...book.state.counters, admitted: book.state.counters.admitted + 1 };
  const estimate = {
    ...book.state.estimate,
    admitted: round(book.state.estimate.admitted + (row.estimate ?? 0)),
  };
  const b: CampaignBook = { ...book, next: book.next + 1, state: { ...book.state, counters: c, estimate } };
  if (decision === 'exhausted') {
    c.budgetExhausted += 1;
    return { book: { ...b, outcomes: [...b.outcomes, budgetExhausted(row, ledger, now)] }, decision };
  }
  ledger.reserve(row.estimate);
  c.running += 1;
  const ref: RowRef = { key: row.key, line: row.line, estimate: row.estimate, currency: row.currency };
  let admitted: CampaignBook = {
    ...withLedger(b, ledger),
    inflight: [...b.inflight, ref],
    rowsThisGeneration: b.rowsThisGeneration + 1,
  };
  // Handed over, the window does not drain: the next run is only a moment away.
  if (admitted.rowsThisGeneration >= rules.rowsPerGeneration || continueAsNewSuggested)
    admitted = { ...admitted, draining: true };
  return { book: admitted, decision, ref };
}

/** A row's run ended: told twice (its signal and its child's result), the first counts. */
export function rowEnded(book: CampaignBook, key: string, outcome: RowOutcome): CampaignBook {
  const row = book.inflight.find((r) => r.key === key);
  if (!row) return book;
  const ledger = ledgerOf(book);
  ledger.settle(row.estimate, rowSpent(row, outcome));
  const c = { ...book.state.counters, running: book.state.counters.running - 1 };
  if (outcome.status === 'stored') c.stored += 1;
  else if (outcome.status === 'canceled') c.canceled += 1;
  else if (outcome.status === 'already_ran') c.alreadyRan += 1;
  else c.failed += 1;
  const b = withLedger(book, ledger);
  return {
    ...b,
    state: { ...b.state, counters: c },
    inflight: book.inflight.filter((r) => r.key !== key),
    outcomes: [...book.outcomes, outcome],
  };
}

/**
 * The next report part to write: at most `partRows` outcomes, once that many are buffered (or any, when
 * `all`). They leave the buffer only when `partWritten` says the part is stored.
 */
export function partDue(
  book: CampaignBook,
  all: boolean,
  partRows: number,
): { index: number; outcomes: RowOutcome[] } | undefined {
  if (book.outcomes.length < (all ? 1 : partRows)) return undefined;
  return { index: book.state.parts.length, outcomes: book.outcomes.slice(0, partRows) };
}

export function partWritten(book: CampaignBook, key: string, count: number): CampaignBook {
  return {
    ...book,
    outcomes: book.outcomes.slice(count),
    state: { ...book.state, parts: [...book.state.parts, key] },
  };
}

/** A cancel: nothing new is admitted or added; the rows in the window are canceled by the shell. */
export function cancelCampaign(book: CampaignBook): CampaignBook {
  return { ...book, canceled: true, state: { ...book.state, status: 'canceling' } };
}

/** The report is being written: rows added from now on are refused. */
export function closeBooks(book: CampaignBook): CampaignBook {
  return { ...book, finishing: true };
}

/** Every row admitted has ended and every row known was admitted: the campaign is done. */
export function campaignDone(book: CampaignBook): boolean {
  return book.inflight.length === 0 && book.next >= book.state.counters.total;
}

/**
 * What the next run starts from: the state (counters, ledger, parts), the next row, and the rows still
 * running. Outcomes do not travel: the shell writes them first.
 */
export function carryOver(book: CampaignBook): { state: CampaignState; next: number; inflight?: RowRef[] } {
  const status = book.state.status === 'draining' ? 'running' : book.state.status;
  const inflight = book.inflight.map(({ handed: _handed, ...r }) => r);
  return {
    state: { ...book.state, status, generation: book.state.generation + 1 },
    next: book.next,
    ...(inflight.length ? { inflight } : {}),
  };
}

function budgetExhausted(row: CampaignRowEntry, ledger: CampaignLedger, now: string): RowOutcome {
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
    finished: now,
  };
}
