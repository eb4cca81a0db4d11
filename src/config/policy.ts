// The worker's timing policy for each kind of route: the paid API (minutes-long tasks, a 30 s gateway)
// and the simulator (seconds). Chosen by the worker from its configuration, never by a client.
import type { JobOptions, PollSchedule, SubmitRetry } from '../shared/job-options';

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
  firstPollFraction: 0.6,
  minIntervalMs: 5_000,
  maxIntervalMs: 30_000,
  growth: 1.5,
  // Tasks over 3 h fail with InternalError.Timeout; a little more covers the queue.
  maxWaitMs: 3.5 * 3600_000,
};

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
    factor480: 1,
    imageBaseSeconds: 1,
    perImageSeconds: 0.2,
  },
};
