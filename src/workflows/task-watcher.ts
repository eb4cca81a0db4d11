// The task watcher of one account (route, region, key) on one task queue: it sweeps the provider's task
// list every few seconds and wakes the jobs whose tasks have ended (activities/watch.ts), so jobs sleep on
// a long safety timer instead of polling. A submit starts it if it is not running; it ends once nothing
// of the account has been in progress for a while, and continues as new well before its history grows.
import { continueAsNew, log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import type { TaskWatcherInput } from '../activities/watch';
import { queriesTaskQueue } from '../shared/ids';

// Each sweep is a timer, an activity and two workflow tasks: 200 keep a run's history near 2,000 events.
const SWEEPS_PER_RUN = 200;
// Nothing in progress for this many sweeps in a row (longer than a new task's listing lag): the watcher
// ends; the next submit starts it again.
const IDLE_SWEEPS = 10;

// A sweep reads the list on the queries queue, so it shares the account's query budget with the polls it
// replaces. It is safe to repeat; a failed one is retried for a few minutes, then the next sweep tries.
function sweeper() {
  return proxyActivities<WanflowActivities>({
    taskQueue: queriesTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '2m',
    scheduleToCloseTimeout: '5m',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s' },
  }).sweepEndedTasks;
}

export async function wanTaskWatcher(input: TaskWatcherInput): Promise<void> {
  const sweep = sweeper();
  let fromMs = input.fromMs;
  let runMs = input.runMs;
  let idle = 0;
  let pause = input.everyMs;
  for (let n = 0; n < SWEEPS_PER_RUN && !workflowInfo().continueAsNewSuggested; n++) {
    try {
      const r = await sweep({
        route: input.route,
        region: input.region,
        fromMs,
        everyMs: input.everyMs,
        runMs,
      });
      fromMs = r.fromMs;
      runMs = r.runMs ?? runMs;
      pause = r.nextInMs ?? input.everyMs;
      if (r.problem)
        log.warn('task list not read whole; jobs fall back on their safety timers', { problem: r.problem });
      idle = r.inProgress === 0 ? idle + 1 : 0;
      if (idle >= IDLE_SWEEPS) return;
    } catch (err) {
      // The provider or the queries worker is down: jobs poll on their safety timers meanwhile.
      log.warn('task sweep failed; trying again at the next sweep', { error: String(err) });
      idle = 0;
      pause = input.everyMs;
    }
    await sleep(pause);
  }
  await continueAsNew<typeof wanTaskWatcher>({ ...input, fromMs, ...(runMs !== undefined ? { runMs } : {}) });
}
