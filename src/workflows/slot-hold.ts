// A job's account slot (slots.ts): asked for just before the create, held until the provider says the task
// has ended (or the job settled after a cancel, or stopped), then given back. Waiting for a slot can be
// canceled — nothing is paid yet — and a canceled wait leaves the queue.
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobSlot } from '../activities/validate';
import { callActivity, requestSlot } from './job-activities';
import { releaseSlotSignal, slotGrantedSignal, slotPingSignal, slotThrottledSignal } from './slots';

export interface HeldSlot {
  id: string;
  token: string;
}

/** Waits for a slot of the job's account and model; undefined where the worker set no limit. */
export async function acquireSlot(
  slot: JobSlot | undefined,
  priority: number,
  group: string,
): Promise<HeldSlot | undefined> {
  if (!slot || !patched('account-slots')) return undefined;
  const token = uuid4();
  let granted = false;
  setHandler(slotGrantedSignal, (grant) => {
    if (grant.token === token) granted = true;
  });
  // The slot workflow pings holders to find the closed ones; a running job has nothing to answer.
  setHandler(slotPingSignal, () => undefined);
  const held = { id: slot.id, token };
  await callActivity(() =>
    requestSlot({
      slotId: slot.id,
      checkEveryMs: slot.checkEveryMs,
      request: {
        requester: workflowInfo().workflowId,
        token,
        capacity: slot.capacity,
        grantsPerSecond: slot.grantsPerSecond,
        priority,
        group,
      },
    }),
  );
  try {
    await condition(() => granted);
  } catch (err) {
    await releaseSlot(held);
    throw err;
  }
  return held;
}

/** Gives the slot back (or leaves the queue); a slot workflow that is gone has nothing to take back. */
export async function releaseSlot(held: HeldSlot | undefined): Promise<void> {
  if (!held) return;
  await CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(held.id)
      .signal(releaseSlotSignal, { token: held.token })
      .catch(() => undefined),
  );
}

/** Tells the slot workflow the provider throttled this holder's create, so it grants fewer for a while. */
export async function reportThrottled(held: HeldSlot | undefined): Promise<void> {
  if (!held || !patched('slot-throttle-aimd')) return;
  await CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(held.id)
      .signal(slotThrottledSignal, { token: held.token })
      .catch(() => undefined),
  );
}
