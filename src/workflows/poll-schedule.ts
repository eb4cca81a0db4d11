// When to query a task: wait most of the expected time first (all of it when finished tasks taught it), then query at a growing interval within
// bounds. Not every second (the account shares 20 queries/s), never longer than needed. Pure.
import type { PollSchedule } from '../shared/job-options';

/**
 * The delay before query number `n` (0-based). A `learned` expectation (what finished tasks like this one
 * took) is trusted whole: the first query comes at the expected end, not at a fraction of it.
 */
export function pollDelayMs(
  schedule: PollSchedule,
  expectedTaskMs: number,
  n: number,
  learned = false,
): number {
  if (n === 0)
    return clamp(
      expectedTaskMs * (learned ? 1 : schedule.firstPollFraction),
      schedule.minIntervalMs,
      Math.max(schedule.minIntervalMs, expectedTaskMs),
    );
  return clamp(
    schedule.minIntervalMs * schedule.growth ** (n - 1),
    schedule.minIntervalMs,
    schedule.maxIntervalMs,
  );
}

// A watched job's safeguard queries grow to at most this many of the schedule's longest interval
// (10 min live): a watcher that stopped costs a late detection, never a lost task.
const SAFETY_CAP_INTERVALS = 20;

/**
 * The delay before safeguard query `n` of a job the account's task watcher wakes: twice the expected
 * time, then doubling. It is what finds the end if a sweep missed it (a list not read whole, a watcher
 * that ended a moment too early).
 */
export function safetyDelayMs(schedule: PollSchedule, expectedTaskMs: number, n: number): number {
  const first = Math.max(schedule.minIntervalMs, 2 * expectedTaskMs);
  return Math.round(Math.min(first * 2 ** n, Math.max(first, schedule.maxIntervalMs * SAFETY_CAP_INTERVALS)));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, v)));
}
