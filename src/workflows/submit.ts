// Submitting exactly once: Model Studio has no idempotency key, so the workflow owns every resend —
// backoff (with jitter, cancelable) for refusals that say "not now", and for a create whose answer was
// lost, a look in the task list (reconcile) once the create can no longer land, under the create lock of
// its look-alikes, before anything is sent again. Only the create itself is shielded from cancellation.
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { CreateLockAsk } from '../activities/claims';
import type { ValidatedJob } from '../activities/validate';
import type { WanRequest } from '../wan/validation';
import {
  activityFailure,
  AMBIGUOUS,
  JobStop,
  lostAnswerStop,
  noTaskListStop,
  RESENDABLE,
  toJobFailure,
  type FailureView,
} from './failures';
import type { JobInput } from './job-input';
import type { JobOptions } from '../shared/job-options';
import {
  callActivity,
  findSubmittedTask,
  requestCreateLock,
  submitTask,
  type Submitted,
} from './job-activities';
import { lockGrantedSignal, releaseLockSignal } from './claims';
import { backoffMs } from './backoff';
import { FAILURE_TYPE } from '../shared/failure-types';
import { LEAN_JOB } from './patches';

// A holder that neither creates nor reconciles within this long has died (terminated): the lock moves on.
// Well above the worst case of one create (45 s) + late processing (30 s) + two list reads.
const LOCK_LEASE_MS = 10 * 60_000;

export async function submitExactlyOnce(
  input: JobInput,
  job: ValidatedJob,
  policy: JobOptions,
  request: WanRequest,
  /** Told when the provider throttled a create (429): the account slot then grants fewer. */
  onThrottled: () => Promise<void> = async () => undefined,
  /** The create lock came with the account slot (slot-hold.ts), held until the job settles it. */
  lockWithSlot = false,
): Promise<Submitted> {
  const s = policy.submit;
  for (let attempt = 1; ; attempt++) {
    const lockId = lockWithSlot ? undefined : job.createLock;
    const outcome =
      lockId && patched(LEAN_JOB)
        ? await withCarriedLock(lockId, (lock, ensureHeld) =>
            createOnce(input, job, policy, request, lock, ensureHeld),
          )
        : await underCreateLock(lockId, () => createOnce(input, job, policy, request));
    if (outcome.kind === 'created') return outcome.task;
    if (outcome.kind === 'resend' || attempt >= s.maxAttempts) {
      if (attempt >= s.maxAttempts) throw new JobStop(toJobFailure(outcome.view));
      continue;
    }
    if (outcome.view.type === FAILURE_TYPE.rateLimited) await onThrottled();
    // The wait between refusals can be canceled: nothing exists yet.
    await sleep(backoffMs(s, attempt, outcome.view.details.retryAfterMs));
  }
}

type Settled =
  | { kind: 'created'; task: Submitted }
  | { kind: 'refused'; view: FailureView }
  /** The create made nothing (the list says so): send again at once. */
  | { kind: 'resend'; view: FailureView };

/** Nothing was sent: the create lock it carried is held by a look-alike (or could not be asked for). */
type Outcome = Settled | { kind: 'queued'; asked: boolean };

/** A create lock carried by the create, and how to make sure it is held before a reconcile. */
type CarriedLock = CreateLockAsk & { held?: boolean };

/**
 * One create and, if its answer was lost, the reconcile that settles what it did. Not cancelable. A
 * carried lock is asked for by the create; a lost answer may have taken it or not, so `ensureHeld` makes
 * sure of it before the list is read.
 */
function createOnce(
  input: JobInput,
  job: ValidatedJob,
  policy: JobOptions,
  request: WanRequest,
  lock?: CarriedLock,
  ensureHeld?: () => Promise<void>,
): Promise<Outcome> {
  return CancellationScope.nonCancellable(async () => {
    const s = policy.submit;
    const ref = { route: input.route, region: input.region };
    const deadlineMs = s.createDeadlineMs ?? 45_000;
    const sentAt = Date.now();
    try {
      const expectedMs = job.plan.expectedTaskSeconds * 1000;
      const answer = await submitTask({ ...ref, request, deadlineMs, expectedMs, ...(lock ? { lock } : {}) });
      if ('lock' in answer) return { kind: 'queued', asked: answer.lock === 'queued' };
      return { kind: 'created', task: answer };
    } catch (err) {
      const view = activityFailure(err);
      if (!view) throw err;
      if (RESENDABLE.has(view.type)) return { kind: 'refused', view };
      if (!AMBIGUOUS.has(view.type)) throw new JobStop(toJobFailure(view));
      if (policy.ambiguousSubmit === 'fail') {
        throw lostAnswerStop(sentAt, view);
      }
      await ensureHeld?.();
      // Reconcile only once the create can no longer land. The failure is seen at `failedAt`: an
      // activity that reported it had its call end then; one that went silent (Timeout: a dead or cut-off
      // worker) may have a call in flight until its own deadline. Then the service may still take a
      // while to process a request it accepted. The window is anchored on what the workflow observed,
      // not on when it asked: an activity may start long after it was scheduled (a server restart).
      // Never sooner than the create's own deadline after it was scheduled: that wait is also what lets a
      // task the list shows late (listing lag) be found by the reads that follow.
      const failedAt = Date.now();
      const lastSend = Math.max(
        sentAt + deadlineMs,
        failedAt + (view.type === FAILURE_TYPE.timeout ? deadlineMs : 0),
      );
      const settledAt = lastSend + (s.lateCreateMs ?? 30_000);
      await sleep(settledAt - failedAt);
      const found = await callActivity(() =>
        findSubmittedTask({
          ...ref,
          request,
          fromMs: sentAt - s.reconcileMarginMs,
          toMs: settledAt + s.reconcileMarginMs,
          reads: s.listReads ?? 2,
          lagMs: s.listLagMs ?? 15_000,
          owner: workflowInfo().workflowId,
        }),
      );
      switch (found.kind) {
        case 'adopted':
          return { kind: 'created', task: { taskId: found.taskId, adopted: true } };
        case 'none':
          return { kind: 'resend', view };
        case 'unsupported':
          throw noTaskListStop(input.route, view);
        case 'ambiguous':
          throw new JobStop({
            cause: 'ambiguous_submit',
            message: `the create answer was lost and the task list cannot settle it: ${found.reason}${found.candidates.length ? ` (candidates: ${found.candidates.join(', ')})` : ''}; none was adopted and nothing was resent`,
            remedy:
              'Open each candidate (GET /tasks/<id> or the console): keep the one with this job’s prompt, seed and media, cancel the others while PENDING. wanflow will not guess.',
          });
      }
    }
  });
}

/**
 * Runs a create carrying the create lock of the request's look-alikes: where the lock is free the create's
 * activity takes it and hands it on; where it is held, nothing is sent, the grant is waited for (this wait
 * can be canceled) and the create runs again holding it. The lock is released here in every case the
 * create did not release it.
 */
async function withCarriedLock(
  lockId: string,
  create: (lock: CarriedLock, ensureHeld: () => Promise<void>) => Promise<Outcome>,
): Promise<Settled> {
  const lock: CarriedLock = {
    lockId,
    requester: workflowInfo().workflowId,
    token: uuid4(),
    leaseMs: LOCK_LEASE_MS,
  };
  let granted = false;
  setHandler(lockGrantedSignal, (grant) => {
    if (grant.token === lock.token) granted = true;
  });
  const ensureHeld = async (asked = false): Promise<void> => {
    if (!granted && !asked) {
      let answer = await callActivity(() => requestCreateLock({ ...lock, askedBefore: true }));
      if (answer?.spent) {
        // The lost create had handed this token's lock on: wait in line under a new token.
        lock.token = uuid4();
        answer = await callActivity(() => requestCreateLock({ ...lock }));
      }
      if (answer?.granted) granted = true;
    }
    await condition(() => granted);
  };
  let released = false;
  try {
    let outcome = await create(lock, ensureHeld);
    if (outcome.kind === 'queued') {
      await ensureHeld(outcome.asked);
      outcome = await create({ ...lock, held: true }, ensureHeld);
    }
    if (outcome.kind === 'queued') throw new Error('a create holding its lock answered that it waits for it');
    released = outcome.kind === 'created' && outcome.task.lockReleased === true;
    return outcome;
  } finally {
    if (!released) await releaseCreateLock(lockId, lock.token);
  }
}

/** Hands the lock on; a lock workflow that is gone has nothing to hand on. */
function releaseCreateLock(lockId: string, token: string): Promise<void> {
  return CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(lockId)
      .signal(releaseLockSignal, { token })
      .catch(() => undefined),
  );
}

/**
 * Runs `fn` holding the create lock of the request's look-alikes (routes with a task list only), asked for
 * by an activity of its own: how runs before LEAN_JOB did it. Waiting for the lock can be
 * canceled; the lock is released in every case.
 */
async function underCreateLock(lockId: string | undefined, fn: () => Promise<Outcome>): Promise<Settled> {
  if (!lockId) return settled(await fn());
  const token = uuid4();
  let granted = false;
  setHandler(lockGrantedSignal, (grant) => {
    if (grant.token === token) granted = true;
  });
  // Taken at once where no look-alike is in flight (older workers answered nothing: a grant signal follows).
  const answer = await callActivity(() =>
    requestCreateLock({ lockId, requester: workflowInfo().workflowId, token, leaseMs: LOCK_LEASE_MS }),
  );
  if (answer?.granted) granted = true;
  try {
    await condition(() => granted);
    return settled(await fn());
  } finally {
    await releaseCreateLock(lockId, token);
  }
}

/** A create that carried no lock always settles. */
function settled(outcome: Outcome): Settled {
  if (outcome.kind === 'queued') throw new Error('a create without a lock answered that it waits for one');
  return outcome;
}
