// The policy that times a job: its poll schedule, its give-up, its submit backoff and the reconcile of
// lost answers. The worker sets it for the route it calls (config/policy.ts), validateJob records it in
// history, and a start may carry explicit overrides, bounded here. Pure: workflows import it.
import type { TaskTimingModel } from '../wan/timing';

export interface PollSchedule {
  /** Fraction of the expected task time to wait before the first query. */
  firstPollFraction: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Each interval is the previous one times this, up to maxIntervalMs. */
  growth: number;
  /** Give up (and cancel if still PENDING) after this long without a terminal status. */
  maxWaitMs: number;
}

export interface SubmitRetry {
  /** Backoff for refusals that say "not now" (429, 5xx): the task was not created. */
  initialMs: number;
  maxMs: number;
  maxAttempts: number;
  /** Histories before the exactly-once submit: the wait before listing tasks after a lost answer. */
  reconcileSettleMs: number;
  /** How far around the create the list is searched, for clock skew between worker and provider. */
  reconcileMarginMs: number;
  /** One create's hard deadline: aborted then (below the submit activity's 90 s start-to-close). */
  createDeadlineMs?: number;
  /** How long after its deadline a create may still be processed by the service behind a gateway. */
  lateCreateMs?: number;
  /** Reads of the task list after a lost answer, `listLagMs` apart (a new task shows up late). */
  listReads?: number;
  listLagMs?: number;
  /** A Retry-After hint longer than this is capped: the backoff stays cancelable and bounded. */
  maxRetryAfterMs?: number;
}

export interface JobOptions {
  poll: PollSchedule;
  submit: SubmitRetry;
  /** After a create whose answer was lost: look the task up ('reconcile') or stop ('fail'). */
  ambiguousSubmit: 'reconcile' | 'fail';
  timing?: TaskTimingModel;
  /** Image models: 'async' (a task, durable like video; the default) or 'sync' (one call, no task). */
  imageCall?: 'async' | 'sync';
}

/** A worker's policy with a start's overrides: polling never faster than the worker's own floor. */
export function withOverrides(policy: JobOptions, overrides: Partial<JobOptions> = {}): JobOptions {
  const merged = { ...policy, ...overrides };
  const minIntervalMs = Math.max(policy.poll.minIntervalMs, merged.poll.minIntervalMs);
  return {
    ...merged,
    poll: {
      ...merged.poll,
      minIntervalMs,
      maxIntervalMs: Math.max(minIntervalMs, merged.poll.maxIntervalMs),
    },
  };
}
