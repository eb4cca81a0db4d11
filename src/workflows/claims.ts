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
  defineSignal,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

/** A claim's whole work is to exist: its ID is the task, its memo the owner. */
export async function wanTaskClaim(): Promise<void> {}

export interface LockRequest {
  /** The workflow ID to signal when the lock is granted. */
  requester: string;
  /** Unique per request, so a grant or release is never mistaken for another's. */
  token: string;
  /** Granted longer than this without a release, the lock moves on (the holder was terminated). */
  leaseMs: number;
}

export const acquireLockSignal = defineSignal<[LockRequest]>('acquireCreateLock');
export const releaseLockSignal = defineSignal<[{ token: string }]>('releaseCreateLock');
export const lockGrantedSignal = defineSignal<[{ token: string }]>('createLockGranted');

// History stays small: a lock that granted this many times starts afresh with its queue.
const GRANTS_PER_RUN = 200;

/** A FIFO lock: grants to one requester at a time; ends when nobody waits. */
export async function wanCreateLock(waiting: LockRequest[] = []): Promise<void> {
  const queue = [...waiting];
  const released = new Set<string>();
  setHandler(acquireLockSignal, (r) => {
    if (!released.has(r.token) && !queue.some((q) => q.token === r.token)) queue.push(r);
  });
  setHandler(releaseLockSignal, ({ token }) => {
    released.add(token);
    const i = queue.findIndex((q) => q.token === token);
    // The holder (index 0) leaves the queue when its turn ends below; a waiter leaves at once.
    if (i > 0) queue.splice(i, 1);
  });
  for (let grants = 0; queue.length; grants++) {
    const holder = queue[0]!;
    if (!released.has(holder.token)) {
      const granted = await getExternalWorkflowHandle(holder.requester)
        .signal(lockGrantedSignal, { token: holder.token })
        .then(
          () => true,
          () => false, // the requester is gone: nothing to wait for
        );
      if (granted) await condition(() => released.has(holder.token), holder.leaseMs);
    }
    queue.shift();
    if (grants + 1 >= GRANTS_PER_RUN || (queue.length && workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof wanCreateLock>(queue.filter((q) => !released.has(q.token)));
    }
  }
}
