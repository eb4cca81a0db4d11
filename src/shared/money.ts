// The money rules, stated once. Every ledger (a day's, an agent's, a campaign's) and every decision to pay
// again (a pipeline's retry or fallback) reads a job's outcome through these functions:
// - an outcome that is not known is spent until the provider proves it free: a create whose answer was
//   lost, a sync call whose answer was lost, a task whose end was never seen, a run without a record;
// - the provider proves a task free by saying FAILED or CANCELED; a create it refused outright made none;
// - a cancel it refused means the task goes on and is collected (workflows/collect.ts), never "not billed";
// - no second paid attempt follows an outcome that is not proven free.
import type { JobRecord } from '../shared/records';

/** What a job's outcome means for money: billed (the amount is known), free (proven), or unknown. */
export type SpendOutcome = { kind: 'billed'; amount: number } | { kind: 'free' } | { kind: 'unknown' };

export type JobOutcome = Pick<
  JobRecord,
  'cost' | 'providerStatus' | 'failure' | 'taskId' | 'outputs' | 'recordless'
>;

/**
 * Failures whose create the provider (or wanflow, before sending) clearly refused: no task exists. A
 * cancel before submit is among them (a create in flight is shielded and settles first); a lost answer
 * (`ambiguous_submit`, `ambiguous`, `timeout`) is not.
 */
const REFUSED_BEFORE_ANY_TASK = new Set<string>([
  'invalid_input',
  'bad_input',
  'content_policy',
  'auth_or_region',
  'model_not_in_region',
  'quota_or_billing',
  'media',
  'rate_limited',
  'transient',
  'budget_exhausted',
  'canceled',
]);

export function spendOutcome(job: JobOutcome): SpendOutcome {
  if (job.cost.billed) return { kind: 'billed', amount: job.cost.billed.amount };
  if (job.providerStatus === 'FAILED' || job.providerStatus === 'CANCELED') return { kind: 'free' };
  if (job.failure?.cause === 'task_failed') return { kind: 'free' };
  if (
    !job.taskId &&
    !job.outputs?.length &&
    !job.recordless &&
    job.failure &&
    REFUSED_BEFORE_ANY_TASK.has(job.failure.cause)
  )
    return { kind: 'free' };
  return { kind: 'unknown' };
}

/** What a ledger books as spent for a job that reserved `reserved`: an unknown outcome books all of it. */
export function spentOf(job: JobOutcome, reserved: number): number {
  const o = spendOutcome(job);
  return o.kind === 'billed' ? o.amount : o.kind === 'free' ? 0 : reserved;
}

/** A second paid attempt (a retry, a fallback route) only after an outcome proven free. */
export function mayPayAgain(job: JobOutcome): boolean {
  return spendOutcome(job).kind === 'free';
}

/** Not known to be free: the estimate of a job whose outcome is unknown, else nothing. */
export function atRisk(job: JobOutcome): number {
  return spendOutcome(job).kind === 'unknown' ? (job.cost.estimated?.amount ?? 0) : 0;
}
