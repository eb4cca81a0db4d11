// An account's daily budget, kept by one ledger workflow per account and billing day
// (`<ledger>/<YYYY-MM-DD>`, workflows/spend-ledger.ts): a job reserves its exact price before its create
// and settles it with what it was billed once its task has ended. Defined here so the activity that starts
// the ledger and the workflows that use it share the names without importing each other.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface SpendBudget {
  cap: number;
  currency: string;
}

export interface SpendReservation {
  /** Unique per reservation: a retried reserve is answered as the first was. */
  token: string;
  amount: number;
  currency: string;
  /** The budget as the worker is configured now (the latest figure applies). */
  budget: SpendBudget;
}

export type SpendDecision = 'admit' | 'wait' | 'exhausted';

export interface SpendAnswer {
  decision: SpendDecision;
  spent: number;
  reserved: number;
  cap: number;
  currency: string;
}

export interface SpendLedgerState {
  /** Absent while the day has only books, no budget: jobs then book what they spent when they end. */
  budget?: SpendBudget;
  /** The billing day's last instant (ms): the ledger keeps its books until then. */
  endsAt: number;
  spent: Record<string, number>;
  /** Reservations not settled yet, by token. */
  holds: Record<string, number>;
}

export const reserveSpendUpdate = defineUpdate<SpendAnswer, [SpendReservation]>('reserveSpend');
/** The task ended: what it was billed is spent (nothing for a failed task), the rest released. */
export const settleSpendSignal = defineSignal<[{ token: string; billed: number }]>('settleSpend');
/**
 * What jobs spent where no daily budget held them (shared/money.ts: billed, or the whole estimate when not
 * known), summed per currency by the worker that recorded them: every billed or possibly billed task
 * belongs in the day's books, budget or not.
 */
export const bookSpendSignal = defineSignal<[{ amounts: Record<string, number>; jobs: number }]>('bookSpend');
export const spendLedgerQuery = defineQuery<SpendLedgerState>('spendLedger');

/** The provider's billing day (UTC+8) of an instant, and when it ends. */
export function billingDay(ms: number): { day: string; endsAt: number } {
  const EIGHT_HOURS = 8 * 3600_000;
  const day = new Date(ms + EIGHT_HOURS).toISOString().slice(0, 10);
  return { day, endsAt: Date.parse(`${day}T00:00:00Z`) - EIGHT_HOURS + 86_400_000 - 1 };
}
