// The task watcher of one account (route, region, key) on one task queue: it sweeps the provider's task
// list every few seconds and wakes the jobs whose tasks have ended (activities/watch.ts), so jobs sleep on
// a long safety timer instead of polling. Where account limits are configured, it tells each model's slot
// workflow how many tasks in progress nobody here claimed, so tasks made outside this deployment count. A submit starts it if it is not running; it ends once nothing
// of the account has been in progress for a while, and continues as new well before its history grows.
import {
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import type { TaskWatcherInput } from '../activities/watch';
import { queriesTaskQueue } from '../shared/ids';
import { foreignTasksSignal } from './slots';

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
  const told = new Map<string, { foreign: number; at: number }>();
  for (let n = 0; n < SWEEPS_PER_RUN && !workflowInfo().continueAsNewSuggested; n++) {
    try {
      const r = await sweep({
        route: input.route,
        region: input.region,
        fromMs,
        everyMs: input.everyMs,
        runMs,
        ...(input.slotsPrefix ? { countForeign: true } : {}),
        ...(input.fallback ? { fallback: true } : {}),
      });
      fromMs = r.fromMs;
      runMs = r.runMs ?? runMs;
      pause = r.nextInMs ?? input.everyMs;
      if (input.slotsPrefix && r.foreignByModel) await tellSlots(input.slotsPrefix, r.foreignByModel, told);
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

// A slot workflow learns how many of its model's tasks are someone else's when that changes, and at least every
// minute (its trust in a count lapses after two).
const RETELL_MS = 60_000;

async function tellSlots(
  prefix: string,
  counts: Record<string, number>,
  told: Map<string, { foreign: number; at: number }>,
): Promise<void> {
  const now = Date.now();
  const models = new Set([...Object.keys(counts), ...told.keys()]);
  await Promise.all(
    [...models].map(async (model) => {
      const foreign = counts[model] ?? 0;
      const last = told.get(model);
      if (last?.foreign === foreign && now - last.at < RETELL_MS) return;
      told.set(model, { foreign, at: now });
      // Not running yet (or any more): told again at the next sweep, so a slot workflow that starts
      // learns the count within a sweep.
      await getExternalWorkflowHandle(`${prefix}/${model}`)
        .signal(foreignTasksSignal, { foreign })
        .catch(() => told.delete(model));
    }),
  );
}
