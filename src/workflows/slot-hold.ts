// A job's account slot (slots.ts): asked for just before the create, held until the provider says the task
// has ended (or the job settled after a cancel, or stopped), then given back. Waiting for a slot can be
// canceled — nothing is paid yet — and a canceled wait leaves the queue. The slot workflow may grant the
// job's create lock with the slot (slots.ts): the job then tells it when its create has settled.
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobSlot } from '../activities/validate';
import { callActivity, requestSlot } from './job-activities';
import { createSettledSignal, releaseSlotSignal, slotGrantedSignal, slotThrottledSignal } from './slots';

export interface HeldSlot {
  id: string;
  token: string;
  /** The create lock came with the slot: `settleCreateLock` hands it on. */
  lock?: boolean;
}

/**
 * Waits for a slot of the job's account and model; undefined where the worker set no limit. `lock`, the
 * job's create lock, is asked for with the slot.
 */
export async function acquireSlot(
  slot: JobSlot | undefined,
  priority: number,
  group: string,
  lock?: string,
): Promise<HeldSlot | undefined> {
  if (!slot) return undefined;
  const token = uuid4();
  const held: HeldSlot = { id: slot.id, token };
  let granted = false;
  setHandler(slotGrantedSignal, (grant) => {
    if (grant.token !== token) return;
    granted = true;
    if (grant.lock) held.lock = true;
  });
  const withLock = lock ? { lock } : {};
  try {
    // A cancel that comes while the request is on its way may leave it queued: it is withdrawn below.
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
          ...withLock,
        },
      }),
    );
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

/** The create has settled: the create lock that came with the slot goes to the next look-alike. */
export async function settleCreateLock(held: HeldSlot | undefined): Promise<void> {
  if (!held?.lock) return;
  held.lock = false;
  await CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(held.id)
      .signal(createSettledSignal, { token: held.token })
      .catch(() => undefined),
  );
}

/** Tells the slot workflow the provider throttled this holder's create, so it grants fewer for a while. */
export async function reportThrottled(held: HeldSlot | undefined): Promise<void> {
  if (!held) return;
  await CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(held.id)
      .signal(slotThrottledSignal, { token: held.token })
      .catch(() => undefined),
  );
}
