// The backoff between refused creates: jittered within its ceiling, Retry-After honoured up to a cap.
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/workflows/backoff';
import { DEFAULT_SUBMIT_RETRY } from '../../src/config/policy';

const s = { ...DEFAULT_SUBMIT_RETRY, initialMs: 1000, maxMs: 8000, maxRetryAfterMs: 20_000 };

describe('backoffMs', () => {
  it.each([
    [1, 0, 500],
    [1, 0.999, 1000],
    [3, 0, 2000],
    [3, 0.5, 3000],
    [10, 0.999, 7996],
  ])('attempt %i with random %f waits %i ms', (attempt, r, ms) =>
    expect(backoffMs(s, attempt, undefined, () => r)).toBe(ms),
  );

  it('spreads jobs refused together', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(s, 4, undefined)));
    expect(waits.size).toBeGreaterThan(10);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(4000);
  });

  it('honours Retry-After, capped', () => {
    expect(backoffMs(s, 1, 15_000, () => 0)).toBe(15_000);
    expect(backoffMs(s, 1, 3_600_000, () => 0)).toBe(20_000);
    expect(backoffMs(s, 1, 'soon', () => 0)).toBe(500);
  });
});
