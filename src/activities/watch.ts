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
  /** Count the tasks in progress that nobody here claimed, per model (for the account's slots). */
  countForeign?: boolean;
  /** Completion events wake the jobs: sweeps only catch what they miss, so they come far less often. */
  fallback?: boolean;
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
  /**
   * With `countForeign`: tasks in progress per model that no claim here names, so another client's (or
   * ours in the moment between create and claim: the count errs high). Only when the list was read whole.
   */
  foreignByModel?: Record<string, number>;
}

export interface SweepDeps {
  provider: VideoProvider;
  claims: TaskClaims;
  /** Tells the owner its task has ended (the task notice); false when the owner has closed. */
  wake(owner: string, taskId: string): Promise<boolean>;
  /** Ended tasks already acted on by this worker (so a long window does not wake them every sweep). */
  seen: TaskMemory<true>;
  /** Owners of tasks in progress already looked up (a claim never changes hands). */
  owners: TaskMemory<string>;
  now(): number;
  /** How late a new task may show in the list: the window never starts later than this before now. */
  listLagMs: number;
  /** Before each page: the account's query budget holds however long the list is. */
  pace(): Promise<void>;
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
// Where completion events wake the jobs, a sweep finds what they missed within a tenth of a run (the
// jobs' own safety timers, at twice the run, are the last line), so a task costs a tenth of the pages.
const FALLBACK_PERIOD_OF_RUN = 1 / 10;
const FALLBACK_MAX_PERIOD_MS = 5 * 60_000;
// ... and leaves a task that ended this recently to its event: woken by it, its job has stored and closed
// by the time a later sweep looks, and that sweep's wake is refused (the job is gone) instead of costing
// it a signal and a workflow task for nothing — the duplicate wake half the jobs had in the burst bench.
export const EVENT_GRACE_MS = 60_000;

/** The pause before the next sweep: a share of the account's run time, within the configured and
 * the read's own time, and a cap. */
export function sweepPauseMs(o: {
  everyMs: number;
  readMs: number;
  runMs?: number;
  fallback?: boolean;
}): number {
  const share = (o.runMs ?? 0) * (o.fallback ? FALLBACK_PERIOD_OF_RUN : PERIOD_OF_RUN);
  return Math.round(
    Math.max(o.everyMs, o.readMs, Math.min(o.fallback ? FALLBACK_MAX_PERIOD_MS : MAX_PERIOD_MS, share)),
  );
}
// How much a sweep's median run time moves the account's typical one.
const LEARN_RATE = 0.3;

export async function sweepEndedTasks(deps: SweepDeps, input: SweepInput): Promise<SweepResult> {
  const listTasks = deps.provider.listTasks?.bind(deps.provider);
  if (!listTasks)
    return { fromMs: input.fromMs, inProgress: 0, woken: 0, problem: 'the route keeps no task list' };
  const now = deps.now();
  const everyMs = input.everyMs ?? 0;
  const listed = new Map<string, TaskListItem>();
  const list: typeof listTasks = async (filter) => {
    await deps.pace();
    return listTasks(filter);
  };
  const problem = await readWholeList(list, { startMs: input.fromMs, endMs: now + SKEW_MS }, listed, {
    maxPages: SWEEP_PAGES,
  });
  let oldest = now - deps.listLagMs - SKEW_MS;
  let inProgress = 0;
  const running: TaskListItem[] = [];
  const ended: string[] = [];
  const runs: number[] = [];
  for (const item of listed.values()) {
    if (!item.status || !ENDED.has(item.status)) {
      inProgress += 1;
      running.push(item);
      const submitted = item.submitTime ? parseUtc8(item.submitTime) : undefined;
      // A task in progress without a readable time holds the window where it is.
      oldest = Math.min(oldest, submitted ?? input.fromMs);
    } else if (!deps.seen.has(item.taskId)) {
      const endedAt = item.endTime ? parseUtc8(item.endTime) : undefined;
      if (input.fallback && endedAt !== undefined && now - endedAt < EVENT_GRACE_MS) {
        // Looked at again by a later sweep: the window holds it until then.
        const submitted = item.submitTime ? parseUtc8(item.submitTime) : undefined;
        oldest = Math.min(oldest, submitted ?? input.fromMs);
        continue;
      }
      ended.push(item.taskId);
      const run = runTimeOf(item);
      if (run !== undefined) runs.push(run);
    }
  }
  const ownerOf = async (taskId: string) =>
    deps.owners.get(taskId) ?? deps.claims.ownerOf({ route: input.route, region: input.region, taskId });
  // Owners are looked up and woken a few at a time: thousands of tasks may end between two sweeps.
  const woken = await inBatches(ended, async (taskId) => {
    const owner = await ownerOf(taskId);
    deps.seen.add(taskId, true, now);
    // A task nobody here claimed is another client's (or its claim is not written yet: the job's
    // safety timer covers that moment).
    return owner !== undefined && (await deps.wake(owner, taskId));
  });
  const foreignByModel: Record<string, number> = {};
  if (input.countForeign && !problem) {
    // Each task of ours is looked up once while it runs; another client's, every sweep (they are few,
    // and ours not claimed yet must not stay counted as theirs).
    await inBatches(running, async (item) => {
      if (!item.model) return false;
      const owner = await ownerOf(item.taskId);
      if (owner !== undefined) deps.owners.add(item.taskId, owner, now);
      else foreignByModel[item.model] = (foreignByModel[item.model] ?? 0) + 1;
      return false;
    });
  }
  const runMs = learnRun(input.runMs, runs);
  const readMs = deps.now() - now;
  return {
    // A list not read whole may hide older tasks in progress: the window stays where it was.
    fromMs: problem ? input.fromMs : Math.max(input.fromMs, oldest - SKEW_MS),
    inProgress,
    woken,
    ...(problem ? { problem } : {}),
    ...(input.countForeign && !problem ? { foreignByModel } : {}),
    nextInMs: sweepPauseMs({ everyMs, readMs, runMs, fallback: input.fallback }),
    ...(runMs !== undefined ? { runMs } : {}),
  };
}

/** Runs `fn` over `items` a few at a time; how many returned true. */
async function inBatches<T>(items: T[], fn: (item: T) => Promise<boolean>): Promise<number> {
  let yes = 0;
  for (let i = 0; i < items.length; i += WAKE_AT_ONCE)
    yes += (await Promise.all(items.slice(i, i + WAKE_AT_ONCE).map(fn))).filter(Boolean).length;
  return yes;
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

const REMEMBER_FOR_MS = 3 * 3600_000;
const MAX_REMEMBERED = 200_000;

/** What this worker knows of tasks, forgotten after the provider's longest task life (3 h). Bounded. */
export class TaskMemory<V> {
  private readonly at = new Map<string, { value: V; at: number }>();

  get(taskId: string): V | undefined {
    return this.at.get(taskId)?.value;
  }

  has(taskId: string): boolean {
    return this.at.has(taskId);
  }

  add(taskId: string, value: V, now: number): void {
    this.at.delete(taskId);
    this.at.set(taskId, { value, at: now });
    // Maps keep insertion order: the first entries are the oldest.
    for (const [id, e] of this.at) {
      if (this.at.size <= MAX_REMEMBERED && now - e.at < REMEMBER_FOR_MS) break;
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
  /**
   * The account's typical run time, learned from the list (carried across continue-as-new); until a task
   * has ended, what the job that started the watcher expected of its own.
   */
  runMs?: number;
  /** Completion events wake the jobs; the sweeps are their fallback (slower: `sweepPauseMs`). */
  fallback?: boolean;
  /**
   * The account's slot workflows, `<prefix>/<model>`, when account limits are configured: each is told
   * how many of its model's tasks the provider has in progress, so tasks this deployment did not create
   * (another client on the same key) count against the limit.
   */
  slotsPrefix?: string;
}

/** The task watcher of an account, as the worker configures it. */
export interface TaskWatcherRef {
  /** `wanflow-watch/<queue>/<route>/<region>/<account>`: one per account on each task queue. */
  id: string;
  everyMs: number;
  /** `wanflow-slots/<route>/<region>/<account>` when account limits are configured. */
  slotsPrefix?: string;
  /** Completion events wake the account's jobs (`WANFLOW_TASK_EVENTS`). */
  fallback?: boolean;
}

/**
 * Starts the account's watcher unless it runs already (one call, nothing written to the job's history).
 * Its first window starts a listing lag and a clock skew before now, so the task just made is in it.
 */
export async function ensureTaskWatcher(
  client: Client,
  taskQueue: string,
  watcher: TaskWatcherRef,
  input: {
    route: TaskKey['route'];
    region: TaskKey['region'];
    listLagMs: number;
    now: number;
    /** The starting job's expected run time: without it, sweeps run at `everyMs` until a task ends. */
    runMs?: number;
  },
): Promise<void> {
  const args: [TaskWatcherInput] = [
    {
      route: input.route,
      region: input.region,
      fromMs: input.now - input.listLagMs - SKEW_MS,
      everyMs: watcher.everyMs,
      ...(input.runMs ? { runMs: input.runMs } : {}),
      ...(watcher.slotsPrefix ? { slotsPrefix: watcher.slotsPrefix } : {}),
      ...(watcher.fallback ? { fallback: true } : {}),
    },
  ];
  await client.workflow.start('wanTaskWatcher', {
    workflowId: watcher.id,
    taskQueue,
    args,
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
