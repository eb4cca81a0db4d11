// The wait before resending a create the provider refused with "not now" (429, 5xx). Pure, so a table
// tests it; in a workflow Math.random is seeded by the run, so replays wait the same.
import type { SubmitRetry } from '../shared/job-options';

/**
 * Exponential backoff with jitter (between half and all of the ceiling, so jobs refused together do not
 * come back together); a Retry-After hint is honoured, up to `maxRetryAfterMs`.
 */
export function backoffMs(
  s: SubmitRetry,
  attempt: number,
  retryAfterMs: unknown,
  random = Math.random,
): number {
  const ceiling = Math.min(s.maxMs, s.initialMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  const hinted = typeof retryAfterMs === 'number' ? Math.min(retryAfterMs, s.maxRetryAfterMs ?? s.maxMs) : 0;
  return Math.round(Math.max(hinted, jittered));
}
