// inference.sh task statuses (contract §8): numbers in its current SDK — 1 received … 9 uploading are work
// in progress, 10 completed, 11 failed, 12 cancelled — and the same names as strings in a later API. Older
// docs numbered the ends 9/10/11, so the mapping is configuration (INFERENCE_STATUSES, read and checked by
// config/env.ts), and a status the
// mapping does not name is never taken for an end: the job logs it and polls again.
import type { ObservedStatus } from '../../wan/tasks';

export type InferenceStatusMap = Record<string, ObservedStatus>;

/** The current SDK's statuses (sdk-js utils.ts), by number and by name. */
export const DEFAULT_INFERENCE_STATUSES: InferenceStatusMap = {
  '1': 'PENDING', // received
  '2': 'PENDING', // queued
  '3': 'PENDING', // dispatched
  '4': 'RUNNING', // preparing
  '5': 'RUNNING', // serving
  '6': 'RUNNING', // setting_up
  '7': 'RUNNING', // running
  '8': 'RUNNING', // cancelling: not an end until it says cancelled
  '9': 'RUNNING', // uploading
  '10': 'SUCCEEDED',
  '11': 'FAILED',
  '12': 'CANCELED',
  received: 'PENDING',
  queued: 'PENDING',
  dispatched: 'PENDING',
  preparing: 'RUNNING',
  serving: 'RUNNING',
  setting_up: 'RUNNING',
  running: 'RUNNING',
  cancelling: 'RUNNING',
  uploading: 'RUNNING',
  completed: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELED',
};

/**
 * The statuses in force: the defaults, with the configured ones (INFERENCE_STATUSES, e.g.
 * `{"9":"SUCCEEDED","10":"FAILED","11":"CANCELED","12":"RUNNING"}` for the older numbering) laid over them.
 */
export function inferenceStatuses(overrides: InferenceStatusMap = {}): InferenceStatusMap {
  return { ...DEFAULT_INFERENCE_STATUSES, ...overrides };
}

export function statusOf(map: InferenceStatusMap, status: number | string): ObservedStatus {
  return map[String(status).toLowerCase()] ?? 'UNRECOGNIZED';
}
