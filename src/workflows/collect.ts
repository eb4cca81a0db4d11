// From a submitted task to its outputs in the user's store: polling on durable timers (woken early by a
// verified webhook or the account's task watcher), persisting, and what a cancel does to a task that already exists.
import { condition, log } from '@temporalio/workflow';
import type { JobRecord } from '../shared/records';
import type { ValidatedJob } from '../activities/validate';
import type { TaskSnapshot } from '../wan/tasks';
import { billedAt } from '../wan/pricing';
import { JobStop } from './failures';
import type { JobInput } from './job-input';
import type { JobOptions } from '../shared/job-options';
import { budgetedPollTask, callActivity, cancelTask, persistOutput, pollTask } from './job-activities';
import { pollDelayMs, safetyDelayMs } from './poll-schedule';

/** Past the give-up time, a task still running is queried this often until the provider ends it. */
const OVERDUE_INTERVAL_MS = 5 * 60_000;

/** Set by the task-notice signal: the current wait ends early. */
export interface Wake {
  pending: boolean;
  /** The notice said the task has ended (the account's watcher read it so in the provider's list). */
  ended?: boolean;
}

async function pollUntilTerminal(
  input: JobInput,
  job: ValidatedJob,
  policy: JobOptions,
  rec: JobRecord,
  wake: Wake,
  onTaskEnded: () => Promise<void>,
): Promise<TaskSnapshot> {
  const schedule = policy.poll;
  const ref = { route: input.route, region: input.region, taskId: rec.taskId! };
  const learn = job.runTimeKey ? { runTimeKey: job.runTimeKey } : {};
  const poll = budgetedPollTask();
  const startedAt = Date.now();
  for (let n = 0; ; n++) {
    // A watched task's end is told by the account's watcher; the job's own queries are a safeguard only.
    const delay = rec.overdue
      ? OVERDUE_INTERVAL_MS
      : rec.taskWatched
        ? safetyDelayMs(schedule, job.plan.expectedTaskSeconds * 1000, n)
        : pollDelayMs(schedule, job.plan.expectedTaskSeconds * 1000, n, job.learnedTiming);
    await condition(() => wake.pending, delay);
    wake.pending = false;
    // Told the task has ended, the job frees its slot in the same workflow task that starts the poll.
    const early = wake.ended ? onTaskEnded() : undefined;
    const snap = await callActivity(() => poll({ ...ref, ...learn }));
    await early;
    rec.polls += 1;
    rec.providerStatus = snap.status;
    rec.timestamps.providerSubmit = snap.submitTime ?? rec.timestamps.providerSubmit;
    rec.timestamps.providerScheduled = snap.scheduledTime ?? rec.timestamps.providerScheduled;
    rec.timestamps.providerEnd = snap.endTime ?? rec.timestamps.providerEnd;
    switch (snap.status) {
      case 'SUCCEEDED':
        return snap;
      case 'FAILED':
        throw new JobStop({
          cause: snap.code === 'DataInspectionFailed' ? 'content_policy' : 'task_failed',
          code: snap.code,
          message: `task ${ref.taskId} failed: ${snap.code ?? 'no code'}: ${snap.message ?? 'no message'}`,
          remedy:
            snap.code === 'DataInspectionFailed'
              ? 'Change the prompt or media: the output was blocked by content inspection.'
              : 'Failed tasks are not billed; run the job again.',
        });
      case 'CANCELED':
        throw new JobStop({ cause: 'canceled', message: `task ${ref.taskId} was canceled at the provider` });
      case 'UNKNOWN':
        throw new JobStop(
          {
            cause: 'expired',
            message: `task ${ref.taskId} is unknown to the provider (older than 24 h, or never created)`,
          },
          'expired',
        );
      case 'UNRECOGNIZED':
        // A word the provider never documented ends nothing: it is logged and the task polled again.
        log.warn('provider reported an unrecognised task status; polling again', {
          taskId: ref.taskId,
          status: snap.rawStatus,
        });
        rec.status = 'polling';
        break;
      default:
        rec.status = 'polling';
    }
    if (!rec.overdue && Date.now() - startedAt > schedule.maxWaitMs) {
      const minutes = Math.round(schedule.maxWaitMs / 60000);
      // Still queued: not billed yet, so it is canceled and the job gives up — if the provider takes the
      // cancel. A refused cancel (the task turned RUNNING meanwhile: 400 UnsupportedOperation; or the
      // provider is away) means the task may run and be billed: it is collected like a running one.
      // Before `give-up-cancel-refused-collects`, a refused cancel was booked as not billed.
      if (snap.status === 'PENDING') {
        const canceled = await callActivity(() => cancelTask(ref)).then(
          () => true,
          () => false,
        );
        if (canceled) rec.providerStatus = 'CANCELED';
        if (canceled)
          throw new JobStop({
            cause: 'timeout',
            message: `task ${ref.taskId} was still PENDING after ${minutes} min and was canceled (not billed)`,
          });
        log.warn('the give-up cancel was refused; the task is kept and collected', { taskId: ref.taskId });
      }
      // Running (or unrecognised, or its cancel refused): it may be billed, so it is never dropped. The job
      // keeps collecting it, slowly, until the provider ends it (it fails tasks past 3 h) or forgets it
      // (24 h, then expired).
      rec.overdue = true;
      log.warn('task past its give-up time; kept and still collected', { taskId: ref.taskId, minutes });
    }
  }
}

/** From a submitted task to its outputs in the user's store. */
export async function collect(
  input: JobInput,
  job: ValidatedJob,
  policy: JobOptions,
  rec: JobRecord,
  wake: Wake,
  /** Called once the provider says the task has ended, before its outputs are downloaded. */
  onTaskEnded: () => Promise<void> = async () => undefined,
): Promise<void> {
  const final = await pollUntilTerminal(input, job, policy, rec, wake, onTaskEnded);
  await onTaskEnded();
  rec.usage = final.usage;
  rec.cost.billed = billedAt(
    job.estimate,
    job.plan.unit === 'image' ? final.usage?.imageCount : final.usage?.duration,
  );
  rec.status = 'succeeded';

  rec.outputs = await callActivity(() =>
    persistOutput({ route: input.route, region: input.region, taskId: rec.taskId!, jobId: input.jobId }),
  );
  const stored = rec.outputs[0]?.durationSeconds;
  if (!rec.cost.billed && job.plan.unit === 'second' && stored !== undefined) {
    // Wrapper routes report no usage: they bill the seconds generated, which the stored video shows.
    rec.cost.billed = billedAt(job.estimate, Math.round(stored));
  }
  rec.status = 'stored';
  rec.timestamps.stored = new Date(Date.now()).toISOString();
}

/**
 * A canceled job: before submit nothing exists; a task still PENDING is canceled at the provider (and not
 * billed); a task already RUNNING is paid for anyway, so its result is still collected and stored, and the
 * record says it was kept after cancel.
 */
export async function settleAfterCancel(
  input: JobInput,
  job: ValidatedJob | undefined,
  policy: JobOptions,
  rec: JobRecord,
  wake: Wake,
): Promise<void> {
  if (!rec.taskId || !job) {
    throw new JobStop(
      { cause: 'canceled', message: 'canceled before anything was submitted; nothing was paid' },
      'canceled',
    );
  }
  const ref = { route: input.route, region: input.region, taskId: rec.taskId };
  const snap = await callActivity(() => pollTask(ref));
  if (snap.status === 'PENDING') {
    const canceled = await callActivity(() => cancelTask(ref)).then(
      () => true,
      () => false,
    );
    if (canceled) {
      rec.providerStatus = 'CANCELED';
      throw new JobStop(
        { cause: 'canceled', message: `task ${rec.taskId} was canceled while PENDING; it is not billed` },
        'canceled',
      );
    }
  }
  rec.keptAfterCancel = true;
  await collect(input, job, policy, rec, wake);
}

/** Writes the record (even for a canceled job) and ends the workflow: failures fail it, with the record. */
