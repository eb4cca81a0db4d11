// sweepEndedTasks: one read of an account's task list finds every task that has ended since the last
// sweep, and wakes the job that owns each (the owner its claim names) with the same notice a webhook
// sends. Jobs then sleep on a long safety timer instead of polling, so the queries an account spends no
// longer grow with the number of tasks it runs: a page of the list covers 100 tasks.
// The window starts at the oldest task still in progress: every task created since is in it, ended or not.
// Each sweep reads every task in progress, so the list pages a task costs are (its run time) / (100 ×
// the sweep period) once a hundred or more run: the period follows the run time the list shows (a
// hundredth of it: outputs found within about 1 % of a task's time, about one list page per task), never
// shorter than the configured one nor than the read itself took (sweeps spend at most half the budget).
import type { Client } from '@temporalio/client';
import type { TaskListItem, VideoProvider } from '../providers/provider';
import { parseUtc8 } from '../wan/time';
import type { TaskClaims, TaskKey } from './claims';
import { readWholeList } from './task-list';

export interface SweepInput {
  route: TaskKey['route'];
  region: TaskKey['region'];
  /** The window's start: the oldest task in progress at the last sweep (provider time, ms). */
  fromMs: number;
  /** The shortest pause between sweeps (configuration). */
  everyMs?: number;
  /** The account's typical run time so far, learned from the tasks that ended. */
  runMs?: number;
}

export interface SweepResult {
  /** Where the next sweep's window starts. */
  fromMs: number;
  /** Tasks of the account still PENDING or RUNNING (or in a status nobody knows). */
  inProgress: number;
  /** Ended tasks whose owners were woken by this sweep. */
  woken: number;
  /** Why the list could not be read whole; the tasks it did show were still acted on. */
  problem?: string;
  /** The pause before the next sweep. */
  nextInMs?: number;
  /** The typical run time with this sweep's ended tasks learned. */
  runMs?: number;
}

export interface SweepDeps {
  provider: VideoProvider;
  claims: TaskClaims;
  /** Sends the task notice to its owner; false when the owner has closed. */
  wake(owner: string, taskId: string): Promise<boolean>;
  /** Ended tasks already acted on by this worker (so a long window does not wake them every sweep). */
  seen: SeenTasks;
  now(): number;
  /** How late a new task may show in the list: the window never starts later than this before now. */
  listLagMs: number;
  /** Between two pages of one sweep: the account's query budget holds however long the list is. */
  pageGapMs: number;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);
// 500 pages of 100: an account's tasks in progress plus those ended since the oldest of them.
const SWEEP_PAGES = 500;
const WAKE_AT_ONCE = 16;
// Provider and worker clocks differ by seconds; the window errs wide.
const SKEW_MS = 60_000;
// Detection lag as a share of the run time, and the longest pause whatever the run time.
const PERIOD_OF_RUN = 1 / 100;
const MAX_PERIOD_MS = 30_000;
// How much a sweep's median run time moves the account's typical one.
const LEARN_RATE = 0.3;

export async function sweepEndedTasks(deps: SweepDeps, input: SweepInput): Promise<SweepResult> {
  const list = deps.provider.listTasks?.bind(deps.provider);
  if (!list)
    return { fromMs: input.fromMs, inProgress: 0, woken: 0, problem: 'the route keeps no task list' };
  const now = deps.now();
  const everyMs = input.everyMs ?? 0;
  const listed = new Map<string, TaskListItem>();
  const problem = await readWholeList(list, { startMs: input.fromMs, endMs: now + SKEW_MS }, listed, {
    maxPages: SWEEP_PAGES,
    pause: () => new Promise((r) => setTimeout(r, deps.pageGapMs)),
  });
  let oldest = now - deps.listLagMs - SKEW_MS;
  let inProgress = 0;
  const ended: string[] = [];
  const runs: number[] = [];
  for (const item of listed.values()) {
    if (!item.status || !ENDED.has(item.status)) {
      inProgress += 1;
      const submitted = item.submitTime ? parseUtc8(item.submitTime) : undefined;
      // A task in progress without a readable time holds the window where it is.
      oldest = Math.min(oldest, submitted ?? input.fromMs);
    } else if (!deps.seen.has(item.taskId)) {
      ended.push(item.taskId);
      const run = runTimeOf(item);
      if (run !== undefined) runs.push(run);
    }
  }
  let woken = 0;
  // Owners are looked up and woken a few at a time: thousands of tasks may end between two sweeps.
  for (let i = 0; i < ended.length; i += WAKE_AT_ONCE) {
    const done = await Promise.all(
      ended.slice(i, i + WAKE_AT_ONCE).map(async (taskId) => {
        const owner = await deps.claims.ownerOf({ route: input.route, region: input.region, taskId });
        deps.seen.add(taskId, now);
        // A task nobody here claimed is another client's (or its claim is not written yet: the job's
        // safety timer covers that moment).
        return owner !== undefined && (await deps.wake(owner, taskId));
      }),
    );
    woken += done.filter(Boolean).length;
  }
  const runMs = learnRun(input.runMs, runs);
  const readMs = deps.now() - now;
  return {
    // A list not read whole may hide older tasks in progress: the window stays where it was.
    fromMs: problem ? input.fromMs : Math.max(input.fromMs, oldest - SKEW_MS),
    inProgress,
    woken,
    ...(problem ? { problem } : {}),
    nextInMs: Math.round(Math.max(everyMs, readMs, Math.min(MAX_PERIOD_MS, (runMs ?? 0) * PERIOD_OF_RUN))),
    ...(runMs !== undefined ? { runMs } : {}),
  };
}

/** From its start of running (or its submit) to its end, when the list says both. */
function runTimeOf(item: TaskListItem): number | undefined {
  const end = item.endTime ? parseUtc8(item.endTime) : undefined;
  const start = parseUtc8(item.scheduledTime ?? item.submitTime ?? '');
  return end !== undefined && start !== undefined && end >= start ? end - start : undefined;
}

function learnRun(known: number | undefined, runs: number[]): number | undefined {
  const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  if (median === undefined) return known;
  return known === undefined ? median : Math.round(known + LEARN_RATE * (median - known));
}

const SEEN_FOR_MS = 3 * 3600_000;
const MAX_SEEN = 200_000;

/** Task IDs acted on, forgotten after the provider's longest task life (3 h). Bounded. */
export class SeenTasks {
  private readonly at = new Map<string, number>();

  has(taskId: string): boolean {
    return this.at.has(taskId);
  }

  add(taskId: string, now: number): void {
    this.at.set(taskId, now);
    // Maps keep insertion order: the first entries are the oldest.
    for (const [id, t] of this.at) {
      if (this.at.size <= MAX_SEEN && now - t < SEEN_FOR_MS) break;
      this.at.delete(id);
    }
  }
}

/** What the watcher workflow (workflows/task-watcher.ts) runs on. */
export interface TaskWatcherInput {
  route: TaskKey['route'];
  region: TaskKey['region'];
  /** The list window's start (provider time, ms): the oldest task in progress at the last sweep. */
  fromMs: number;
  /** The shortest pause between sweeps (longer as the account's tasks run longer or its list grows). */
  everyMs: number;
  /** The account's typical run time, learned from the list (carried across continue-as-new). */
  runMs?: number;
}

/** The task watcher of an account, as the worker configures it. */
export interface TaskWatcherRef {
  /** `wanflow-watch/<queue>/<route>/<region>/<account>`: one per account on each task queue. */
  id: string;
  everyMs: number;
}

/**
 * Starts the account's watcher unless it runs already (one call, nothing written to the job's history).
 * Its first window starts a listing lag and a clock skew before now, so the task just made is in it.
 */
export async function ensureTaskWatcher(
  client: Client,
  taskQueue: string,
  watcher: TaskWatcherRef,
  input: { route: TaskKey['route']; region: TaskKey['region']; listLagMs: number; now: number },
): Promise<void> {
  const args: [TaskWatcherInput] = [
    {
      route: input.route,
      region: input.region,
      fromMs: input.now - input.listLagMs - SKEW_MS,
      everyMs: watcher.everyMs,
    },
  ];
  await client.workflow.start('wanTaskWatcher', {
    workflowId: watcher.id,
    taskQueue,
    args,
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
