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
  bookSpendSignal,
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

/**
 * Books what a job spent in its account's books for the day, where no daily budget held it: one
 * signal-with-start to the day's ledger (a closed day's goes to the next day's, as a reserve does). A
 * retried booking after a lost answer may count twice: over, never under.
 */
export async function bookSpend(
  input: { ledger: string; jobId: string; amount: number; currency: string },
  client: Client,
  taskQueue: string,
  now: () => number,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { day, endsAt } = billingDay(now() + attempt * 60_000);
    const initial: SpendLedgerState = { endsAt, spent: {}, holds: {} };
    try {
      await client.workflow.signalWithStart('wanSpendLedger', {
        workflowId: `${input.ledger}/${day}`,
        taskQueue,
        args: [initial],
        signal: bookSpendSignal,
        signalArgs: [{ amount: input.amount, currency: input.currency, jobId: input.jobId }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 2) throw err;
    }
  }
}
