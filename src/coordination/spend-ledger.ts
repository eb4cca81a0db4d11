// An account's daily budget as a pure state machine: the single writer of what the billing day has spent,
// so no two jobs can both take its last yuan. workflows/spend-ledger.ts is its shell (an update to reserve,
// a signal to settle, a timer for the day's end). A reservation is admitted when it fits beside what is
// spent and reserved; told to wait when it would fit once reservations settle; refused when what is spent
// already leaves no room (spending only grows). A settle books what the job spent by the money rules
// (shared/money.ts: an outcome not known is spent). The books close once the day has ended and every
// reservation is settled.
import type { SpendAnswer, SpendBudget, SpendLedgerState, SpendReservation } from '../shared/spend';
import { CampaignLedger } from './campaign-ledger';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function books(state: SpendLedgerState): CampaignLedger {
  return new CampaignLedger(
    state.budget,
    state.spent,
    round(Object.values(state.holds).reduce((a, b) => a + b, 0)),
  );
}

function answer(
  state: SpendLedgerState & { budget: SpendBudget },
  decision: SpendAnswer['decision'],
): SpendAnswer {
  return {
    decision,
    spent: state.spent[state.budget.currency] ?? 0,
    reserved: books(state).reserved,
    cap: state.budget.cap,
    currency: state.budget.currency,
  };
}

/** A reservation asked for: a token already held is answered as admitted again (a retried reserve). */
export function reserveSpend(
  state: SpendLedgerState,
  r: SpendReservation,
): { state: SpendLedgerState; answer: SpendAnswer } {
  const s = { ...state, budget: r.budget };
  if (r.token in s.holds) return { state: s, answer: answer(s, 'admit') };
  const decision = books(s).decide(r.amount, r.currency);
  const next = decision === 'admit' ? { ...s, holds: { ...s.holds, [r.token]: r.amount } } : s;
  return { state: next, answer: answer(next, decision) };
}

/** A job ended: its reservation goes, what it spent is booked. A token not held changes nothing. */
export function settleSpend(state: SpendLedgerState, token: string, spent: number): SpendLedgerState {
  if (!(token in state.holds) || !state.budget) return state;
  const { [token]: _settled, ...holds } = state.holds;
  return { ...bookSpend(state, spent, state.budget.currency), holds };
}

/** What a job spent where no budget held it: booked, so the day's books miss nothing. */
export function bookSpend(state: SpendLedgerState, amount: number, currency: string): SpendLedgerState {
  if (!(amount > 0)) return state;
  return { ...state, spent: { ...state.spent, [currency]: round((state.spent[currency] ?? 0) + amount) } };
}

/** The day is over and nobody holds a reservation: the books close and the ledger ends. */
export function ledgerClosed(state: SpendLedgerState, now: number): boolean {
  return now > state.endsAt && Object.keys(state.holds).length === 0;
}
