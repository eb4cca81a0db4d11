// The daily budget of one account (route, region, key) for one billing day: the shell of the pure ledger
// in coordination/spend-ledger.ts. It keeps its books until the day has ended and every reservation is
// settled, continuing as new when the history grows.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  bookSpendSignal,
  reserveSpendUpdate,
  settleSpendSignal,
  spendLedgerQuery,
  type SpendLedgerState,
} from '../shared/spend';
import { bookSpend, ledgerClosed, reserveSpend, settleSpend } from '../coordination/spend-ledger';

export async function wanSpendLedger(start: SpendLedgerState): Promise<void> {
  let state: SpendLedgerState = { ...start, spent: { ...start.spent }, holds: { ...start.holds } };
  setHandler(spendLedgerQuery, () => state);
  setHandler(reserveSpendUpdate, (r) => {
    const step = reserveSpend(state, r);
    state = step.state;
    return step.answer;
  });
  setHandler(settleSpendSignal, ({ token, billed }) => {
    state = settleSpend(state, token, billed);
  });
  setHandler(bookSpendSignal, ({ amounts }) => {
    for (const [currency, amount] of Object.entries(amounts)) state = bookSpend(state, amount, currency);
  });
  // Until the day is over and nobody holds a reservation; continue as new well before history limits.
  const done = () => ledgerClosed(state, Date.now());
  await condition(
    () => done() || workflowInfo().continueAsNewSuggested,
    Math.max(1, state.endsAt - Date.now() + 1),
  );
  await condition(() => done() || workflowInfo().continueAsNewSuggested);
  if (done()) return;
  await condition(allHandlersFinished);
  await continueAsNew<typeof wanSpendLedger>(state);
}
