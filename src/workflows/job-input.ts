// What a job workflow is started with, and the policy that times it. No secrets: keys are resolved by
// activities from the worker's configuration. The policy (poll schedule, give-up, submit backoff, the
// reconcile of lost answers) belongs to the route the worker calls, so the worker sets it (validateJob
// returns it into history); a start may carry explicit overrides, which the worker bounds.
import type { RouteId } from '../providers/provider';
import type { RegionId } from '../wan/regions';
import type { TaskTimingModel } from '../wan/timing';
import { DEFAULT_POLL_SCHEDULE, type PollSchedule } from './poll-schedule';

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

// Model Studio's gateway answers a create within 30 s or not at all (contract §6: 408/504), so a create
// still silent at 45 s is aborted; one accepted by the service just before may be processed a little
// later, so the list is read once 30 s more have passed, and again 15 s later for listing lag.
export const DEFAULT_SUBMIT_RETRY: SubmitRetry = {
  initialMs: 2_000,
  maxMs: 60_000,
  maxAttempts: 12,
  reconcileSettleMs: 5_000,
  reconcileMarginMs: 60_000,
  createDeadlineMs: 45_000,
  lateCreateMs: 30_000,
  listReads: 2,
  listLagMs: 15_000,
  maxRetryAfterMs: 120_000,
};

export const DEFAULT_JOB_OPTIONS: JobOptions = {
  poll: DEFAULT_POLL_SCHEDULE,
  submit: DEFAULT_SUBMIT_RETRY,
  ambiguousSubmit: 'reconcile',
};

/**
 * Against the simulator, tasks take seconds, not minutes: the same schedule shape, fitted to its timing
 * (`wanflow simulator` defaults: 1 s queue, 2 s + 0.2 s per output second).
 */
export const SIMULATOR_JOB_OPTIONS: JobOptions = {
  ...DEFAULT_JOB_OPTIONS,
  poll: { ...DEFAULT_POLL_SCHEDULE, minIntervalMs: 500, maxIntervalMs: 2_000, maxWaitMs: 10 * 60_000 },
  // The simulator answers in milliseconds and lists at once unless a fault says otherwise.
  submit: {
    ...DEFAULT_SUBMIT_RETRY,
    initialMs: 500,
    maxMs: 5_000,
    reconcileSettleMs: 500,
    reconcileMarginMs: 2_000,
    createDeadlineMs: 8_000,
    lateCreateMs: 1_500,
    listLagMs: 1_000,
    maxRetryAfterMs: 10_000,
  },
  timing: {
    baseSeconds: 3,
    perOutputSecond720: 0.2,
    factor1080: 1,
    imageBaseSeconds: 1,
    perImageSeconds: 0.2,
  },
};

export interface JobInput {
  jobId: string;
  route: RouteId;
  region: RegionId;
  /** The request as the user wrote it; validateJob fills defaults and refuses bad fields. */
  request: unknown;
  /**
   * Explicit overrides of the worker's policy (tests, programs that mean it). Histories before the
   * worker owned timing carry a whole policy here, and replay it.
   */
  options?: Partial<JobOptions>;
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

export function jobWorkflowId(jobId: string): string {
  return `wanflow-job-${jobId}`;
}
