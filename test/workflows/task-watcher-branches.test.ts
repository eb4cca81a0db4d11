// The task watcher's schedule on the time-skipping test server: it sweeps again after the pause the last
// sweep asked for (the configured one when a sweep failed), carries the run time it learned into every
// later sweep, and ends after ten sweeps in a row found nothing in progress.
import { describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { SweepInput, SweepResult, TaskWatcherInput } from '../../src/activities/watch';
import { useTimeSkipping } from '../harness/time-skipping';

const ts = useTimeSkipping();

describe('wanTaskWatcher', () => {
  it('sleeps what each sweep asks, learns across sweeps, ends after ten idle ones', async () => {
    const calls: Array<{ at: number; input: SweepInput }> = [];
    const answers: Array<SweepResult | Error> = [
      { fromMs: 1_000, inProgress: 40, woken: 0, nextInMs: 500 },
      { fromMs: 2_000, inProgress: 40, woken: 3, nextInMs: 6_000, runMs: 600_000 },
      ApplicationFailure.nonRetryable('the list answered 500'),
      { fromMs: 2_000, inProgress: 2, woken: 38, nextInMs: 6_000 },
      ...Array.from({ length: 10 }, () => ({ fromMs: 3_000, inProgress: 0, woken: 0, nextInMs: 500 })),
    ];
    const sweepEndedTasks = async (input: SweepInput): Promise<SweepResult> => {
      const info = Context.current().info;
      calls.push({ at: info.currentAttemptScheduledTimestampMs, input });
      const a = answers[calls.length - 1];
      if (!a) throw new Error('swept after it should have ended');
      if (a instanceof Error) throw a;
      return a;
    };
    const input: TaskWatcherInput = { route: 'modelstudio', region: 'cn-beijing', fromMs: 0, everyMs: 500 };
    await ts.withWorker('watch-branches', { sweepEndedTasks }, () =>
      ts.env.client.workflow.execute('wanTaskWatcher', {
        workflowId: 'wanflow-watch/watch-branches/modelstudio/cn-beijing/acct',
        taskQueue: 'watch-branches',
        args: [input],
      }),
    );
    expect(calls).toHaveLength(14);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    // After each sweep the pause it asked for; after the failed one, the configured pause (plus the
    // real time the activity and workflow tasks took: time skips only while nothing runs).
    [500, 6_000, 500, 6_000].forEach((asked, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(asked);
      expect(gaps[i]).toBeLessThan(asked + 1_000);
    });
    expect(calls.map((c) => c.input.fromMs).slice(0, 5)).toEqual([0, 1_000, 2_000, 2_000, 2_000]);
    // The run time learned is handed to every later sweep, the failed one's successor included.
    expect(calls[1]!.input.runMs).toBeUndefined();
    expect(calls.slice(2).every((c) => c.input.runMs === 600_000 && c.input.everyMs === 500)).toBe(true);
  });
});
