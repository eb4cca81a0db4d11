// Who owns a provider task, and who may create one now. Both rest on the one thing Temporal makes atomic:
// a workflow ID can be started once.
// - A claim is a workflow named after the task (`wanflow-task/<route>/<region>/<task id>`), started with
//   REJECT_DUPLICATE by the job that owns the task and finished at once; its memo names the owner. A task
//   whose claim exists belongs to that job and is never adopted by another.
// - The create lock (`wanflow-create-lock/<route>/<region>/<echo>`) serialises the creates of requests
//   whose tasks would look alike (same model and prompt: all a task echoes). While a job holds it, any
//   unclaimed look-alike task in its window can only be its own, so a lost answer can be reconciled
//   without guessing between siblings (pipeline candidates, campaign rows, retries with a new seed).
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applyLockEvent,
  decideLock,
  lockIdle,
  type LockEvent,
  type LockRequest,
  type LockState,
} from '../coordination/create-lock';

export type { LockRequest, LockState } from '../coordination/create-lock';

/** A claim's whole work is to exist: its ID is the task, its memo the owner. */
export async function wanTaskClaim(): Promise<void> {}

export const acquireLockSignal = defineSignal<[LockRequest]>('acquireCreateLock');
export const releaseLockSignal = defineSignal<[{ token: string }]>('releaseCreateLock');
export const lockGrantedSignal = defineSignal<[{ token: string }]>('createLockGranted');
/** Who holds the lock and who waits. */
export const createLockQuery = defineQuery<LockState>('createLock');

// History stays small: a lock that granted this many times starts afresh with its queue.
const GRANTS_PER_RUN = 200;

/**
 * A FIFO lock: grants to one requester at a time; ends when nobody waits. The shell of the pure machine in
 * coordination/create-lock.ts: signals become events, a grant a signal to the requester, the lease a timer.
 */
export async function wanCreateLock(start: LockRequest[] | LockState = []): Promise<void> {
  let state: LockState = Array.isArray(start) ? { waiting: [...start] } : start;
  let changed = false;
  const on = (event: LockEvent): void => {
    state = applyLockEvent(state, event);
    changed = true;
  };
  setHandler(createLockQuery, () => state);
  setHandler(acquireLockSignal, (request) => on({ kind: 'acquire', request }));
  setHandler(releaseLockSignal, ({ token }) => on({ kind: 'release', token }));
  const inFlight = new Set<Promise<void>>();
  for (let grants = 0; ;) {
    const decision = decideLock(state, Date.now());
    state = decision.state;
    const grant = decision.grant;
    if (grant) {
      grants += 1;
      const sent: Promise<void> = getExternalWorkflowHandle(grant.requester)
        .signal(lockGrantedSignal, { token: grant.token })
        .then(
          () => undefined,
          () => on({ kind: 'grantFailed', token: grant.token }), // the requester is gone
        )
        .finally(() => {
          inFlight.delete(sent);
          changed = true;
        });
      inFlight.add(sent);
    }
    if (lockIdle(state) && !inFlight.size) return;
    if (grants >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      while (inFlight.size) await Promise.all(inFlight);
      await condition(allHandlersFinished);
      return continueAsNew<typeof wanCreateLock>(state);
    }
    changed = false;
    const wait = decision.wakeAt === undefined ? undefined : Math.max(1, decision.wakeAt - Date.now());
    await (wait === undefined ? condition(() => changed) : condition(() => changed, wait));
  }
}
