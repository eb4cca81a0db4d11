// An account's spend in one billing day, as its ledger workflow (workflows/spend-ledger.ts) keeps it: what
// `wanflow spend` shows. The ledger is the only book of a day, budget or not (without a budget, each job
// books what it spent when it ends); a day it does not exist for spent nothing through this deployment.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WanflowError } from '../shared/errors';
import { spendLedgerQuery } from '../shared/spend';

// The ledger's state lives in a worker: without one, a query waits ~30 s and fails.
const QUERY_DEADLINE_MS = 10_000;

export interface DailySpend {
  /** The billing day (UTC+8), YYYY-MM-DD. */
  day: string;
  /** The ledger's workflow ID. */
  ledger: string;
  /** Whether the ledger still takes reservations (it closes once the day is over and nothing is held). */
  open: boolean;
  spent: number;
  /** Held by jobs whose tasks have not ended yet. */
  reserved: number;
  holding: number;
  /** The daily budget, where one holds the jobs; absent: the day has books only. */
  cap?: number;
  currency: string;
  /**
   * Where the figure comes from: `budget` — reserved before each create and settled when the job ended;
   * `books` — booked by each job as it ended (no budget held them). Either way, an outcome not known
   * counts as spent (shared/money.ts).
   */
  source: 'budget' | 'books';
}

export class SpendUnansweredError extends WanflowError {
  override readonly name = 'SpendUnansweredError';
  override readonly retryable = true;
  readonly remedy =
    'Start `wanflow worker` on this task queue (TEMPORAL_ADDRESS, WANFLOW_TASK_QUEUE) and ask again.';
}

/** The day's spend, or undefined when nothing was reserved that day. */
export async function dailySpend(
  client: Client,
  ledgerPrefix: string,
  day: string,
): Promise<DailySpend | undefined> {
  const ledger = `${ledgerPrefix}/${day}`;
  const handle = client.workflow.getHandle(ledger);
  let open: boolean;
  try {
    open = (await handle.describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const state = await client.connection
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(spendLedgerQuery))
    .catch((err: unknown) => {
      throw new SpendUnansweredError(
        `no worker answered for the ledger ${ledger} (${(err as Error).message})`,
        { cause: err },
      );
    });
  const currency = state.budget?.currency ?? Object.keys(state.spent)[0] ?? 'CNY';
  const held = Object.values(state.holds);
  return {
    day,
    ledger,
    open,
    spent: state.spent[currency] ?? 0,
    reserved: Math.round(held.reduce((a, b) => a + b, 0) * 1e6) / 1e6,
    holding: held.length,
    ...(state.budget ? { cap: state.budget.cap } : {}),
    currency,
    source: state.budget ? 'budget' : 'books',
  };
}
