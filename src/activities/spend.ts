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

/** What jobs that ended spent, summed per currency, for one day's books. */
export interface Booking {
  amounts: Record<string, number>;
  jobs: number;
}

/**
 * Books what jobs spent in their account's books for the day, where no daily budget held them: one
 * signal-with-start to the day's ledger (a closed day's goes to the next day's, as a reserve does). A
 * retried booking after a lost answer may count twice: over, never under.
 */
export async function bookSpend(
  input: { ledger: string; booking: Booking },
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
        signalArgs: [input.booking],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 2) throw err;
    }
  }
}

/**
 * Bookings of one worker gathered for a moment and sent as one signal per ledger: a signal (and a ledger
 * workflow task) per job cost a campaign of thousands of rows as many workflow tasks again. A job's
 * record is complete only once its booking is sent: `book` resolves when the batch holding it is.
 */
export class SpendBookkeeper {
  private readonly batches = new Map<string, { booking: Booking; sent: Promise<void> }>();

  // A quarter second: short beside a job's end (its record waits for it), long beside a burst of ends.
  constructor(private readonly gatherMs = 250) {}

  /** `send` is the first booker's way to the ledger (its worker's client and queue). */
  book(
    ledger: string,
    amount: number,
    currency: string,
    send: (ledger: string, booking: Booking) => Promise<void>,
  ): Promise<void> {
    let batch = this.batches.get(ledger);
    if (!batch) {
      const booking: Booking = { amounts: {}, jobs: 0 };
      const sent = new Promise<void>((resolve) => setTimeout(resolve, this.gatherMs)).then(() => {
        this.batches.delete(ledger);
        return send(ledger, booking);
      });
      batch = { booking, sent };
      this.batches.set(ledger, batch);
    }
    const b = batch.booking;
    b.amounts[currency] = Math.round(((b.amounts[currency] ?? 0) + amount) * 1e6) / 1e6;
    b.jobs += 1;
    return batch.sent;
  }
}
