// What a campaign keeps: its rows in pages in storage (never in workflow history), each row's outcome,
// and the state its workflow reports. The client writes rows, the workflow reads them by page, activities
// write outcomes and the report; so the shapes and the storage keys live here, below all of them.
import type { FailureCause, JobFailure } from './records';
import { campaignFolder } from './ids';

/** One row as stored in a page: what its child run is started with, and what it may cost. */
export interface CampaignRowEntry {
  key: string;
  /** Its line in the rows file (1 is the first row), for the report. */
  line: number;
  /** A job's request, or a pipeline's validated plan. */
  body: unknown;
  /** The row's estimate (every task of it), in the budget's currency; absent when a price is unknown. */
  estimate?: number;
  currency?: string;
  models: string[];
}

export const ROW_STATUSES = [
  'stored',
  'failed',
  'expired',
  'canceled',
  /** Not submitted: its estimate would have passed the campaign's budget. */
  'budget_exhausted',
  /** Its run already existed (a start of the same row before): not run again. */
  'already_ran',
] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** A row's end, as the report lists it. */
export interface RowOutcome {
  key: string;
  line: number;
  status: RowStatus;
  /** The job's or pipeline's ID (`<campaign>~<row>`); its manifest is in the row's folder. */
  runId: string;
  taskIds: string[];
  /** Tasks already running when the row was canceled: paid, collected and stored. */
  kept?: string[];
  /** Storage keys of what the row produced. */
  outputs: string[];
  estimate?: number;
  billed?: number;
  /**
   * What the run may have been billed without its being known (a lost create answer, an unseen end):
   * spent until the provider proves it free (shared/money.ts).
   */
  atRisk?: number;
  /** The run closed without a record (terminated): the row's whole estimate counts as spent. */
  recordless?: boolean;
  currency?: string;
  failure?: {
    cause: FailureCause | JobFailure['cause'] | 'budget_exhausted';
    message: string;
    remedy?: string;
  };
  finished: string;
}

export interface CampaignCounters {
  /** Rows known to the campaign (every page added so far). */
  total: number;
  /** Rows admitted into the window so far (their runs started, or ended without one). */
  admitted: number;
  running: number;
  stored: number;
  failed: number;
  canceled: number;
  budgetExhausted: number;
  alreadyRan: number;
}

export interface CampaignBudget {
  currency: string;
  cap: number;
}

export type CampaignStatus = 'running' | 'paused' | 'draining' | 'canceling' | 'completed' | 'canceled';

/** What the campaign's query returns, and its summary in storage at the end. */
export interface CampaignState {
  campaignId: string;
  kind: 'job' | 'pipeline';
  status: CampaignStatus;
  window: number;
  priority: number;
  counters: CampaignCounters;
  budget?: CampaignBudget;
  /** Billed so far (settled rows), per currency. */
  spent: Record<string, number>;
  /** Held for rows in the window, in the budget's currency. */
  reserved: number;
  /** Estimates in the rows' currency: of every row, and of the rows admitted so far. */
  estimate: { currency?: string; total: number; admitted: number };
  /** Report parts written so far (storage keys), in order. */
  parts: string[];
  /** Continue-as-new generations so far. */
  generation: number;
  timestamps: { started: string; finished?: string };
  reportKeys?: { jsonl: string; csv: string };
}

/** A campaign's files in storage. */
export const campaignKeys = {
  /** Which pages and row keys it has: the client reads it to add only new rows. */
  index: (c: string) => `${campaignFolder(c)}/index.json`,
  page: (c: string, n: number) => `${campaignFolder(c)}/pages/${String(n).padStart(5, '0')}.json`,
  part: (c: string, startedMs: number, n: number) =>
    `${campaignFolder(c)}/report/parts/${startedMs}-${String(n).padStart(5, '0')}.jsonl`,
  reportJsonl: (c: string) => `${campaignFolder(c)}/report.jsonl`,
  reportCsv: (c: string) => `${campaignFolder(c)}/report.csv`,
  summary: (c: string) => `${campaignFolder(c)}/summary.json`,
};

export interface CampaignPageRef {
  key: string;
  rows: number;
  /** The estimate of its rows (those with a price), in the rows' currency. */
  estimate: number;
}

/** The campaign's index in storage. */
export interface CampaignIndex {
  campaignId: string;
  kind: 'job' | 'pipeline';
  pages: CampaignPageRef[];
  keys: string[];
}

/** Rows per page: a page read is one activity result (≈ 200 × 1–2 KB, far below the 2 MB payload limit). */
export const ROWS_PER_PAGE = 200;
