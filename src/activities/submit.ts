// submitTask: one create, aborted at its deadline, and the claim of the task it made. Stored inputs
// still referenced are presigned here, at the last moment, so no signed URL waits in history. The create
// lock of its look-alikes may travel with it: taken here, and handed on here once the task is claimed.
import { Context } from '@temporalio/activity';
import type { CreatedTask } from '../providers/provider';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { WanRequest } from '../wan/validation';
import { presignRefs } from '../assets/publish';
import { callbackUrl } from '../webhooks/callback';
import {
  claimCreated,
  releaseCreateLock,
  requestCreateLock,
  type CreateLockAsk,
  type TaskClaims,
} from './claims';
import type { ActivityDeps } from './deps';
import { ensureTaskWatcher } from './watch';

export interface SubmitInput {
  route: RouteId;
  region: RegionId;
  request: WanRequest;
  deadlineMs?: number;
  /** How long the job expects its task to run: the account's watcher paces itself on it until tasks end. */
  expectedMs?: number;
  /** The create lock of the request's look-alikes, asked for here (or already held: `held`). */
  lock?: CreateLockAsk & { held?: boolean };
}

export type CreatedAndClaimed = CreatedTask & {
  watched?: boolean;
  /** The create lock that came with the request was handed on after the claim. */
  lockReleased?: boolean;
};

/** What a submit answers: the task, or (the lock was not free) nothing sent — the grant comes as a signal. */
export type SubmitAnswer = CreatedAndClaimed | { lock: 'queued' | 'unasked' };

export interface LockOps {
  request: (ask: CreateLockAsk) => Promise<{ granted: boolean }>;
  release: (ask: CreateLockAsk) => Promise<void>;
}

const temporalLocks = (): LockOps => ({
  request: (ask) => requestCreateLock(ask),
  release: (ask) => releaseCreateLock(ask),
});

/**
 * A create under its look-alikes' lock in one activity, where the lock is free (most prompts are their
 * own): the job's workflow takes no task to ask for it nor to hand it on — two workflow tasks and five
 * history events less per job. Where it is held, nothing is sent and the workflow waits for its grant
 * (`queued`; `unasked`: the lock could not be asked for here, the workflow asks through its own activity,
 * retried through Temporal trouble). The lock is handed on once the task is claimed, whatever the
 * release's fate: a release that fails leaves it to the workflow (`lockReleased` absent), never fails the
 * paid create.
 */
export async function submitUnderLock(
  deps: ActivityDeps,
  claims: TaskClaims,
  input: SubmitInput,
  locks: LockOps = temporalLocks(),
): Promise<SubmitAnswer> {
  const { lock } = input;
  if (lock && !lock.held) {
    const asked = await locks.request(lock).catch((err: unknown) => {
      Context.current().log.warn('create lock not asked for; the workflow asks', { error: String(err) });
      return undefined;
    });
    if (!asked?.granted) return { lock: asked ? 'queued' : 'unasked' };
  }
  const created = await createAndClaim(deps, claims, input);
  if (!lock) return created;
  const released = await locks.release(lock).then(
    () => true,
    () => false,
  );
  return released ? { ...created, lockReleased: true } : created;
}

export async function createAndClaim(
  deps: ActivityDeps,
  claims: TaskClaims,
  input: SubmitInput,
): Promise<CreatedAndClaimed> {
  // The deadline runs from the activity's start, presigning included: a worker that goes silent
  // (dead, or cut off from Temporal) cannot send a create later than this, so the workflow knows
  // when a lost create can no longer land.
  const signal = input.deadlineMs ? AbortSignal.timeout(input.deadlineMs) : undefined;
  const request = await presignNow(deps, input.request);
  const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
  const webhookUrl =
    deps.webhookBaseUrl && deps.webhookSecret && workflowId
      ? callbackUrl(deps.webhookBaseUrl, deps.webhookSecret, input.route, workflowId)
      : undefined;
  const created = await deps.provider(input.route, input.region).createTask(request, {
    webhookUrl,
    signal,
  });
  await claimCreated(
    claims,
    { route: input.route, region: input.region, taskId: created.taskId },
    workflowId,
  );
  // Woken by the account's completion events, or by its watcher's sweeps (the fallback when events stop).
  const evented = input.route === 'modelstudio' && deps.taskEvents === true;
  return (await watchTask(deps, input)) || evented ? { ...created, watched: true } : created;
}

/**
 * Makes sure the account's task watcher runs, so the job can sleep until it is woken. Best effort: a
 * watcher that cannot be started leaves the job polling on its own, and never fails a paid create.
 */
async function watchTask(deps: ActivityDeps, input: SubmitInput): Promise<boolean> {
  const watcher = deps.watcher?.(input.route, input.region);
  if (!watcher || !deps.provider(input.route, input.region).listTasks) return false;
  const ctx = Context.current();
  try {
    await ensureTaskWatcher(ctx.client, ctx.info.taskQueue, watcher, {
      route: input.route,
      region: input.region,
      listLagMs: deps.policy(input.route).submit.listLagMs ?? 15_000,
      now: (deps.now ?? Date.now)(),
      ...(input.expectedMs ? { runMs: input.expectedMs } : {}),
    });
    return true;
  } catch (err) {
    ctx.log.warn('task watcher not started; the job polls on its own', { error: String(err) });
    return false;
  }
}

/** The request with its stored inputs presigned for the provider (24 h unless the worker says). */
export function presignNow<R extends WanRequest>(deps: ActivityDeps, request: R): Promise<R> {
  return presignRefs(request, deps.store, deps.presignTtlSeconds ?? 24 * 3600, deps.assetLinks);
}
