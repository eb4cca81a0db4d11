// When to query a task: wait most of the expected time first, then query at a growing interval within
// bounds. Not every second (the account shares 20 queries/s), never longer than needed. Pure.

export interface PollSchedule {
  /** Fraction of the expected task time to wait before the first query. */
  firstPollFraction: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Each interval is the previous one times this, up to maxIntervalMs. */
  growth: number;
  /** Give up (and cancel if still PENDING) after this long without a terminal status. */
  maxWaitMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
  firstPollFraction: 0.6,
  minIntervalMs: 5_000,
  maxIntervalMs: 30_000,
  growth: 1.5,
  // Tasks over 3 h fail with InternalError.Timeout; a little more covers the queue.
  maxWaitMs: 3.5 * 3600_000,
};

/** The delay before query number `n` (0-based). */
export function pollDelayMs(schedule: PollSchedule, expectedTaskMs: number, n: number): number {
  if (n === 0)
    return clamp(
      expectedTaskMs * schedule.firstPollFraction,
      schedule.minIntervalMs,
      Math.max(schedule.minIntervalMs, expectedTaskMs),
    );
  return clamp(
    schedule.minIntervalMs * schedule.growth ** (n - 1),
    schedule.minIntervalMs,
    schedule.maxIntervalMs,
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, v)));
}
