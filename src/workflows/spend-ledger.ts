// The daily budget of one account (route, region, key) for one billing day: the single writer of what
// the day has spent, so no two jobs can both take its last yuan. A job's reservation is admitted when it
// fits beside what is spent and reserved; told to wait when it would fit once reservations settle; refused
// when what is spent already leaves no room (spending only grows). It keeps its books until the day has
// ended and every reservation is settled, continuing as new when the history grows.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  reserveSpendUpdate,
  settleSpendSignal,
  spendLedgerQuery,
  type SpendAnswer,
  type SpendLedgerState,
} from '../shared/spend';
import { CampaignLedger } from './campaign-ledger';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export async function wanSpendLedger(start: SpendLedgerState): Promise<void> {
  const state: SpendLedgerState = { ...start, spent: { ...start.spent }, holds: { ...start.holds } };
  const books = () =>
    new CampaignLedger(
      state.budget,
      state.spent,
      round(Object.values(state.holds).reduce((a, b) => a + b, 0)),
    );
  const answer = (decision: SpendAnswer['decision']): SpendAnswer => ({
    decision,
    spent: state.spent[state.budget.currency] ?? 0,
    reserved: books().reserved,
    cap: state.budget.cap,
    currency: state.budget.currency,
  });
  setHandler(spendLedgerQuery, () => state);
  setHandler(reserveSpendUpdate, (r) => {
    state.budget = r.budget;
    if (r.token in state.holds) return answer('admit');
    const decision = books().decide(r.amount, r.currency);
    if (decision === 'admit') state.holds[r.token] = r.amount;
    return answer(decision);
  });
  setHandler(settleSpendSignal, ({ token, billed }) => {
    if (!(token in state.holds)) return;
    delete state.holds[token];
    const c = state.budget.currency;
    state.spent[c] = round((state.spent[c] ?? 0) + billed);
  });
  // Until the day is over and nobody holds a reservation; continue as new well before history limits.
  const done = () => Date.now() > state.endsAt && Object.keys(state.holds).length === 0;
  await condition(
    () => done() || workflowInfo().continueAsNewSuggested,
    Math.max(1, state.endsAt - Date.now() + 1),
  );
  await condition(() => done() || workflowInfo().continueAsNewSuggested);
  if (done()) return;
  await condition(allHandlersFinished);
  await continueAsNew<typeof wanSpendLedger>(state);
}
