// The Temporal side of task claims and create locks (see workflows/claims.ts for the design): started
// from activities through the worker's own client, so workflows stay free of client code.
import type { SlotRequest, SlotState } from '../coordination/slots';
import type { LockState } from '../coordination/create-lock';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RouteId } from '../wan/routes';
import { AmbiguousRequestError, TaskClaimedElsewhereError } from '../providers/errors';
import type { RegionId } from '../wan/regions';

export interface TaskKey {
  route: RouteId;
  region: RegionId;
  taskId: string;
}

/** Who owns which task: atomic, strongly consistent (read by workflow ID, not through visibility). */
export interface TaskClaims {
  /** Claims the task for `owner`; returns the owner the claim names (another one if it was taken). */
  claim(task: TaskKey, owner: string): Promise<string>;
  ownerOf(task: TaskKey): Promise<string | undefined>;
}

export function claimWorkflowId(t: TaskKey): string {
  return `wanflow-task/${t.route}/${t.region}/${t.taskId}`;
}

export function createLockWorkflowId(route: RouteId, region: RegionId, echoKey: string): string {
  return `wanflow-create-lock/${route}/${region}/${echoKey}`;
}

/** Claims kept as workflows on the Temporal namespace the worker serves. */
export function temporalClaims(
  client: () => Client = () => Context.current().client,
  taskQueue: () => string = () => Context.current().info.taskQueue,
): TaskClaims {
  const ownerOf = async (task: TaskKey): Promise<string | undefined> => {
    try {
      const d = await client().workflow.getHandle(claimWorkflowId(task)).describe();
      return String(d.memo?.owner ?? '(unknown owner)');
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };
  return {
    ownerOf,
    async claim(task, owner) {
      try {
        const claim = await client().workflow.start('wanTaskClaim', {
          workflowId: claimWorkflowId(task),
          taskQueue: taskQueue(),
          memo: { owner },
          // A task is claimed once for as long as the namespace keeps closed runs (longer than the
          // provider keeps the task: 24 h).
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // A claim's whole work is to exist: started delayed and closed at once, it never takes a
          // workflow task (a worker's and the server's work per job, one task less). Should the close
          // fail, the claim runs its empty body when the delay is up.
          startDelay: '1h',
        });
        await claim.terminate('a claim only has to exist').catch(() => undefined);
        return owner;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        return (await ownerOf(task)) ?? owner;
      }
    },
  };
}

/**
 * Claims a task the create just made. A claim that cannot be written (Temporal unreachable) turns the
 * answer into a lost one: the workflow reconciles, finds the task unclaimed and adopts it; resending
 * blind would pay twice. A task already claimed by another job is a conflict no retry can settle.
 */
export async function claimCreated(
  claims: TaskClaims,
  task: TaskKey,
  owner: string,
  retryDelaysMs: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000],
): Promise<void> {
  let claimedBy: string | undefined;
  // Temporal may be restarting: a few tries (15 s in all) spare the job a reconcile.
  for (let attempt = 0; claimedBy === undefined; attempt++) {
    try {
      claimedBy = await claims.claim(task, owner);
    } catch (err) {
      if (attempt >= retryDelaysMs.length)
        throw new AmbiguousRequestError(
          `task ${task.taskId} was created but its claim could not be recorded`,
          {
            cause: err,
            taskId: task.taskId,
          },
        );
      await new Promise((r) => setTimeout(r, retryDelaysMs[attempt]));
    }
  }
  if (claimedBy !== owner)
    throw new TaskClaimedElsewhereError(
      `task ${task.taskId} was created for this job but ${claimedBy} claimed it first`,
      { taskId: task.taskId },
    );
}

/** Joins the queue of an account slot, starting the slot workflow if it is not running. */
export async function requestSlot(
  input: { slotId: string; checkEveryMs: number; request: SlotRequest },
  client: Client = Context.current().client,
  taskQueue: string = Context.current().info.taskQueue,
): Promise<void> {
  const initial: SlotState = {
    capacity: input.request.capacity,
    grantsPerSecond: input.request.grantsPerSecond,
    waiting: [],
    holders: [],
    reclaimed: 0,
    checkEveryMs: input.checkEveryMs,
  };
  await client.workflow.signalWithStart('wanAccountSlots', {
    workflowId: input.slotId,
    taskQueue,
    args: [initial],
    signal: 'acquireSlot',
    signalArgs: [{ ...input.request, checkEveryMs: input.checkEveryMs }],
  });
}

/** A create lock asked for: its workflow, who asks (the workflow told of a grant), and the request's token. */
export interface CreateLockAsk {
  lockId: string;
  requester: string;
  token: string;
  leaseMs: number;
  /** This token may have been asked for before (by a create whose answer was lost): the lock is read first. */
  askedBefore?: boolean;
}

/**
 * Takes a create lock. Where no look-alike create is in flight (the usual case: most prompts are their
 * own), the lock workflow is started already held by this request and the answer says so: no grant
 * signal, no workflow task to receive it. Otherwise the request joins the running lock's queue and its
 * grant comes as a signal.
 */
export async function requestCreateLock(
  input: CreateLockAsk,
  client: Client = Context.current().client,
  taskQueue: string = Context.current().info.taskQueue,
  attempt: number = Context.current().info.attempt,
): Promise<{ granted: boolean; spent?: boolean }> {
  const { lockId, askedBefore, ...request } = input;
  const held: LockState = { waiting: [], holder: { ...request, grantedAt: Date.now() } };
  try {
    await client.workflow.start('wanCreateLock', { workflowId: lockId, taskQueue, args: [held] });
    return { granted: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  // An earlier attempt (of this activity, or the create that carried the request) may have started the
  // lock held by this very request and lost the answer: the lock would take the acquire below as known
  // and never grant it again.
  if (attempt > 1 || askedBefore) {
    const state = await client.workflow
      .getHandle(lockId)
      .query<LockState>('createLock')
      .catch(() => undefined);
    if (state?.holder?.token === request.token) return { granted: true };
    // A create that took the lock, made its task and handed the lock on, its answer then lost: the lock
    // ignores an acquire after its own release, so this token would wait forever. Ask with a new one.
    if (state?.released?.includes(request.token)) return { granted: false, spent: true };
  }
  await client.workflow.signalWithStart('wanCreateLock', {
    workflowId: lockId,
    taskQueue,
    args: [[]],
    signal: 'acquireCreateLock',
    signalArgs: [request],
  });
  return { granted: false };
}

/** Hands a create lock on (a token it does not know is ignored). */
export async function releaseCreateLock(
  lock: Pick<CreateLockAsk, 'lockId' | 'token'>,
  client: Client = Context.current().client,
): Promise<void> {
  await client.workflow.getHandle(lock.lockId).signal('releaseCreateLock', { token: lock.token });
}

/**
 * Which of these workflows have closed (or never ran): the slot workflow's check for holders that ended
 * without giving their slot back. Reads by ID — no workflow task on the holders, as a ping signal had.
 */
export async function closedWorkflows(
  input: { workflowIds: string[] },
  client: Client = Context.current().client,
): Promise<string[]> {
  const status = await Promise.all(
    input.workflowIds.map((id) =>
      client.workflow
        .getHandle(id)
        .describe()
        .then(
          (d) => d.status.name,
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
            throw err;
          },
        ),
    ),
  );
  return input.workflowIds.filter((_, i) => status[i] !== 'RUNNING');
}
