// The job workflow's activities, each with its timeouts and retry policy explained, and callActivity,
// which turns a failure of a known kind into a JobStop naming its cause.
import { isCancellation, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import { activityFailure, JobStop, toJobFailure } from './failures';
import { queriesTaskQueue } from '../shared/ids';
import { FAILURE_TYPE } from '../shared/failure-types';

/** The task a submit made (or, after a lost answer, found and adopted). */
export interface Submitted {
  taskId: string;
  requestId?: string;
  adopted?: boolean;
  /** The account's task watcher runs and will wake the job when the task ends. */
  watched?: boolean;
  /** The create lock that travelled with the create was handed on by the submit itself. */
  lockReleased?: boolean;
}

// The first three activities heartbeat every 2 s: a worker that dies under one is noticed after 10 s
// (heartbeat timeout) rather than at its start-to-close limit.

// Parsing plus media preflight (each remote probe is capped at 20 s, probes run in parallel); retried
// only if a worker dies under it — a refusal is final.
export const { validateJob } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '90s',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

// The same, run by the worker that runs the job's first workflow task, inside it (LEAN_JOB): no
// activity task to schedule, dispatch and answer, and no second workflow task to take its answer. A
// worker that dies under it fails that workflow task, and the next worker validates again (it is safe
// to repeat); a slow preflight keeps the task alive (the SDK heartbeats it).
export const { validateJob: validateJobHere } = proxyLocalActivities<WanflowActivities>({
  startToCloseTimeout: '90s',
  retry: { maximumAttempts: 3 },
});

// Temporary uploads of stored inputs: up to 100 MB each, so a generous limit; retried with backoff, as
// an upload repeated is harmless (a new oss:// object, no task).
export const { publishInputs } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 5 },
});

// One attempt per call: a create whose answer is lost may have made a paid task, so resending is the
// workflow's decision (backoff for clear refusals, reconcile for silence), never an automatic retry.
// 90 s covers the 30 s header timeout plus connect and body; a dead worker's create is a lost answer
// after 10 s without heartbeat, and is reconciled like any other.
export const { submitTask } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '90s',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

// Joining a create lock's queue is one signal-with-start, safe to repeat (the lock ignores a token it
// holds); retried through an hour of Temporal trouble, as the create waits on it anyway. So is a daily
// budget's reservation: one update-with-start, answered as before when its token is repeated.
export const { requestCreateLock, requestSlot, reserveSpend } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// The reconcile after a lost answer reads the list more than once, a lag apart (15 s live), and each
// candidate: minutes at most, heartbeating. Safe to repeat: a task it adopted is claimed in this job's
// name, and a repeat finds that claim.
export const { findSubmittedTask } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '10s',
  scheduleToCloseTimeout: '2h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '60s' },
});

// Reads are safe to repeat: retry with backoff through throttling and outages for up to 2 h; errors the
// taxonomy calls final (auth, bad input) are non-retryable failures and stop at once.
const READS = {
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '2h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '60s' },
} as const;
export const { pollTask, cancelTask } = proxyActivities<WanflowActivities>(READS);

/**
 * A job's polls, on the queries task queue: the Temporal server dispatches at most the worker's
 * WANFLOW_QUERIES_PER_SECOND of them a second across every worker, so however many jobs poll, the
 * account's 20 task queries a second are never passed.
 */
export function budgetedPollTask(): typeof pollTask {
  return proxyActivities<WanflowActivities>({
    ...READS,
    taskQueue: queriesTaskQueue(workflowInfo().taskQueue),
  }).pollTask;
}

// The synchronous image call and the storing of its images in one activity: one attempt, because a
// repeated call pays again and a lost answer cannot be looked up (there is no task).
export const { generateImagesNow } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '10m',
  retry: { maximumAttempts: 1 },
});

// Downloads can be large: a long limit per attempt, kept honest by heartbeats on every chunk. The task is
// paid and its result URL lives 24 h, so transient failures (5xx, 429, resets) are retried for as long
// as it lives, at most every 5 min; an expired URL (ResultExpiredError) stops at once.
export const { persistOutput } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '60s',
  scheduleToCloseTimeout: '23h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

// Writing the manifest must not be lost: retry for up to an hour of storage trouble.
export const { recordJob } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '60s' },
});

/** Runs an activity; a failure of a known kind becomes a JobStop that names its cause. */
export async function callActivity<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isCancellation(err)) throw err;
    const view = activityFailure(err);
    if (!view) throw err;
    throw new JobStop(toJobFailure(view), view.type === FAILURE_TYPE.resultExpired ? 'expired' : 'failed');
  }
}
