// A job's reservation in its account's daily budget (shared/spend.ts): taken before the slot and the
// create, for the job's exact estimate; settled once the job has ended with what it was billed. A job told
// to wait (the room is reserved by jobs still running, which may release it) asks again after a durable
// timer; one refused ends `budget_exhausted` before anything is paid.
import { CancellationScope, getExternalWorkflowHandle, sleep, uuid4 } from '@temporalio/workflow';
import type { ValidatedJob } from '../activities/validate';
import type { JobSpend } from '../activities/spend';
import type { JobRecord } from '../shared/records';
import { settleSpendSignal } from '../shared/spend';
import { JobStop } from './failures';
import { callActivity, reserveSpend } from './job-activities';
import { spentOf } from '../shared/money';

export interface HeldSpend {
  ledgerId: string;
  token: string;
  amount: number;
}

/**
 * Reserves the job's price in a daily budget — the account's (the worker sets it), or the one whoever
 * started the job is held to (an agent's, in its input); undefined where there is none.
 */
export async function reserveInBudget(
  job: ValidatedJob,
  spend: JobSpend | undefined = job.spend,
  whose = "the account's",
  remedyVariable = 'WANFLOW_DAILY_BUDGET',
): Promise<HeldSpend | undefined> {
  if (!spend) return undefined;
  const amount = job.estimate?.amount;
  if (amount === undefined || job.estimate?.currency !== spend.currency)
    throw new JobStop({
      cause: 'budget_exhausted',
      message: `${whose} daily budget is in ${spend.currency}; this job has no price in it (${job.estimate ? job.estimate.currency : 'no price'})`,
      remedy: `Add the route’s price in that currency to the price table (WANFLOW_PRICES), or unset ${remedyVariable}.`,
    });
  const token = uuid4();
  for (;;) {
    // Not cancelable once asked: a reservation the ledger admitted while the job was being canceled would
    // otherwise be held by nobody, and the day's books would never close. Admitted, it is the job's to
    // settle (a cancel then settles it at nothing spent).
    const r = await CancellationScope.nonCancellable(() =>
      callActivity(() => reserveSpend({ spend, token, amount, currency: spend.currency })),
    );
    if (r.decision === 'admit') return { ledgerId: r.ledgerId, token, amount };
    if (r.decision === 'exhausted')
      throw new JobStop({
        cause: 'budget_exhausted',
        message: `${whose} daily budget of ${r.cap} ${r.currency} has ${r.spent} spent: this job's ${amount} ${r.currency} would pass it (nothing was paid)`,
        remedy: `Wait for the next billing day (UTC+8), or raise ${remedyVariable}.`,
      });
    await sleep(spend.recheckMs);
  }
}

/**
 * Settles reservations with what the job spent (shared/money.ts): what it was billed, nothing when
 * the provider proved it free, all of it when the outcome is not known (a lost answer, an unseen end).
 */
export async function settleSpend(holds: (HeldSpend | undefined)[], rec: JobRecord): Promise<void> {
  await CancellationScope.nonCancellable(() =>
    Promise.all(
      holds.map((held) =>
        held
          ? getExternalWorkflowHandle(held.ledgerId)
              .signal(settleSpendSignal, { token: held.token, billed: spentOf(rec, held.amount) })
              .catch(() => undefined)
          : undefined,
      ),
    ),
  );
}
