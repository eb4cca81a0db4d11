import { describe, expect, it } from 'vitest';
import { pollDelayMs } from '../../src/workflows/poll-schedule';
import { DEFAULT_POLL_SCHEDULE } from '../../src/config/policy';
import { expectedTaskSeconds } from '../../src/wan/timing';

describe('pollDelayMs', () => {
  const s = DEFAULT_POLL_SCHEDULE;

  it.each([
    // expected task time, query index, delay
    [105_000, 0, 63_000], // 720P 5 s: first query at 60 % of the expected 105 s
    [105_000, 1, 5_000],
    [105_000, 2, 7_500],
    [105_000, 3, 11_250],
    [105_000, 5, 25_313],
    [105_000, 6, 30_000], // capped
    [105_000, 40, 30_000],
    [2_000, 0, 5_000], // never below the floor, even for a tiny expectation
  ])('expected %i ms, query %i → %i ms', (expected, n, delay) => {
    expect(pollDelayMs(s, expected, n)).toBe(delay);
  });

  it('the total wait before the tenth query of a typical 1080P 10 s task stays under twice its expected time', () => {
    const expected = expectedTaskSeconds('1080P', 10) * 1000;
    const total = Array.from({ length: 10 }, (_, n) => pollDelayMs(s, expected, n)).reduce(
      (a, b) => a + b,
      0,
    );
    expect(expected).toBe(225_000);
    expect(total).toBeLessThan(2 * expected);
    expect(total).toBeGreaterThan(expected);
  });
});
