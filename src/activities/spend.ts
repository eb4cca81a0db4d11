// Reserving a job's price against its account's daily budget: one update to the day's ledger workflow,
// starting it if it is not running. The day is the provider's billing day now; a ledger whose day is over
// never takes a reservation (its books are closed: a fresh run would start the day again at zero), so a
// reserve that meets a closed ledger reserves in the next day's.
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type Client,
} from '@temporalio/client';
import {
  billingDay,
  reserveSpendUpdate,
  type SpendAnswer,
  type SpendLedgerState,
  type SpendReservation,
} from '../shared/spend';

/** An account's daily budget as the worker configures it: its ledgers are `<ledger>/<day>`. */
export interface JobSpend {
  ledger: string;
  cap: number;
  currency: string;
  /** How long a job told to wait (the budget is reserved by jobs still running) waits before asking again. */
  recheckMs: number;
}

export interface ReserveSpendInput {
  spend: JobSpend;
  token: string;
  amount: number;
  currency: string;
}

export interface ReservedSpend extends SpendAnswer {
  /** The day's ledger the reservation is in (settled there). */
  ledgerId: string;
}

export async function reserveSpend(
  input: ReserveSpendInput,
  client: Client,
  taskQueue: string,
  now: () => number,
): Promise<ReservedSpend> {
  const budget = { cap: input.spend.cap, currency: input.spend.currency };
  const reservation: SpendReservation = {
    token: input.token,
    amount: input.amount,
    currency: input.currency,
    budget,
  };
  for (let attempt = 0; ; attempt++) {
    const { day, endsAt } = billingDay(now() + attempt * 60_000);
    const ledgerId = `${input.spend.ledger}/${day}`;
    const initial: SpendLedgerState = { budget, endsAt, spent: {}, holds: {} };
    try {
      const answer = await client.workflow.executeUpdateWithStart(reserveSpendUpdate, {
        args: [reservation],
        startWorkflowOperation: new WithStartWorkflowOperation('wanSpendLedger', {
          workflowId: ledgerId,
          taskQueue,
          args: [initial],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      });
      return { ...answer, ledgerId };
    } catch (err) {
      // The day closed between reading the clock and reaching its ledger: the next day's.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 2) throw err;
    }
  }
}
