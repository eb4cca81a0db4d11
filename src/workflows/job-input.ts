// What a job workflow is started with. No secrets: keys are resolved by activities from the worker's
// configuration. Options are data so a test or an operator can shorten every wait.
import type { RouteId } from '../providers/provider';
import type { RegionId } from '../wan/regions';
import type { TaskTimingModel } from '../wan/timing';
import { DEFAULT_POLL_SCHEDULE, type PollSchedule } from './poll-schedule';

export interface SubmitRetry {
  /** Backoff for refusals that say "not now" (429, 5xx): the task was not created. */
  initialMs: number;
  maxMs: number;
  maxAttempts: number;
  /** Wait before listing tasks after an ambiguous submit, so the list has caught up. */
  reconcileSettleMs: number;
  /** How far around the submit the list is searched, for clock skew. */
  reconcileMarginMs: number;
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

export const DEFAULT_SUBMIT_RETRY: SubmitRetry = {
  initialMs: 2_000,
  maxMs: 60_000,
  maxAttempts: 12,
  reconcileSettleMs: 5_000,
  reconcileMarginMs: 60_000,
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
  submit: { ...DEFAULT_SUBMIT_RETRY, initialMs: 500, maxMs: 5_000, reconcileSettleMs: 500 },
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
  options: JobOptions;
}

export function jobWorkflowId(jobId: string): string {
  return `wanflow-job-${jobId}`;
}
