import { describe, expect, it } from 'vitest';
import { pollDelayMs, safetyDelayMs } from '../../src/workflows/poll-schedule';
import { DEFAULT_POLL_SCHEDULE } from '../../src/config/policy';
import { expectedTaskSeconds } from '../../src/wan/timing';
import { RunTimeModel } from '../../src/activities/run-times';
import { FinishedTasks } from '../../src/activities/finished-tasks';

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

describe('learned run times', () => {
  it('a learned expectation is trusted whole: the first query at the expected end, then the usual growth', () => {
    const schedule = { ...DEFAULT_POLL_SCHEDULE };
    expect(pollDelayMs(schedule, 120_000, 0, true)).toBe(120_000);
    expect(pollDelayMs(schedule, 120_000, 0)).toBe(72_000);
    expect(pollDelayMs(schedule, 120_000, 1, true)).toBe(schedule.minIntervalMs);
  });

  it('the model predicts the median of recent tasks under a key, after three, and ignores nonsense', () => {
    const model = new RunTimeModel();
    const key = RunTimeModel.key('modelstudio', 'wan2.7-t2v', '720P', 5);
    model.observe(key, 100);
    model.observe(key, -3);
    model.observe(key, 140);
    expect(model.predict(key)).toBeUndefined();
    model.observe(key, 120);
    expect(model.predict(key)).toBe(120);
    expect(model.predict(RunTimeModel.key('modelstudio', 'wan2.7-t2v', '1080P', 5))).toBeUndefined();
    for (let i = 0; i < 30; i++) model.observe(key, 60);
    expect(model.predict(key)).toBe(60);
  });

  it('a finished task is handed to its download once, and only while fresh', () => {
    const tasks = new FinishedTasks();
    tasks.set('t1', { task: { taskId: 't1', status: 'SUCCEEDED' }, at: 1000 });
    expect(tasks.take('t1', 2000)?.taskId).toBe('t1');
    expect(tasks.take('t1', 2000)).toBeUndefined();
    tasks.set('t2', { task: { taskId: 't2', status: 'SUCCEEDED' }, at: 1000 });
    expect(tasks.take('t2', 1000 + 61_000)).toBeUndefined();
  });
});

describe('safetyDelayMs (a job its task watcher wakes)', () => {
  it('waits twice the expected time, then doubles, up to 20 of the longest intervals (10 min live)', () => {
    const s = DEFAULT_POLL_SCHEDULE;
    const delays = Array.from({ length: 7 }, (_, n) => safetyDelayMs(s, 105_000, n));
    expect(delays).toEqual([210_000, 420_000, 600_000, 600_000, 600_000, 600_000, 600_000]);
    // Never below the shortest interval; a longer expectation than the cap is waited whole.
    expect(safetyDelayMs(s, 100, 0)).toBe(s.minIntervalMs);
    expect(safetyDelayMs(s, 3600_000, 3)).toBe(7200_000);
  });
});
