// The account slot workflow's messages (slots.ts), apart so the jobs that hold slots (slot-hold.ts) import
// them without the slot workflow itself.
import { defineQuery, defineSignal, metricMeter, workflowInfo } from '@temporalio/workflow';
import type { SlotRequest, SlotState } from '../coordination/slots';

export const acquireSlotSignal = defineSignal<[SlotRequest & { checkEveryMs: number }]>('acquireSlot');
export const releaseSlotSignal = defineSignal<[{ token: string }]>('releaseSlot');
/** `lock`: the request's create lock is held too. */
export const slotGrantedSignal = defineSignal<[{ token: string; lock?: boolean }]>('slotGranted');
/** The holder's create has settled (made, adopted, or given up): its create lock goes to the next. */
export const createSettledSignal = defineSignal<[{ token: string }]>('createSettled');
/** A holder's create was throttled (429) by the provider: fewer slots are granted for a while. */
export const slotThrottledSignal = defineSignal<[{ token: string }]>('slotThrottled');
/** This model's tasks in progress that nobody here claimed, from the account's task watcher. */
export const foreignTasksSignal = defineSignal<[{ foreign: number }]>('foreignTasks');
export const slotsQuery = defineQuery<SlotState>('slots');

/** Slots held and waited for, as gauges of this key's model (workflow metrics are not emitted on replay). */
export function reportSlots(state: SlotState): void {
  const [, route, region, , model] = workflowInfo().workflowId.split('/');
  const tags = { route: route ?? '', region: region ?? '', model: model ?? '' };
  metricMeter
    .createGauge('wanflow_slots_in_use', 'int', 'slots', 'account slots held')
    .set(state.holders.length, tags);
  metricMeter
    .createGauge('wanflow_slots_waiting', 'int', 'jobs', 'jobs waiting for an account slot')
    .set(state.waiting.length, tags);
}
