// The job workflow for one Wan task: validate → submit → poll on durable timers → persist → record.
// Deterministic orchestration only; every side effect is an activity, every wait a durable timer.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import type { JobRecord } from '../activities/job-record';
import type { ValidatedJob } from '../activities/validate';
import type { TaskSnapshot } from '../wan/tasks';
import type { WanRequest } from '../wan/validation';
import { billedAt } from '../wan/pricing';
import { isImageModel } from '../wan/models';
import { jobStateQuery, taskNoticeSignal } from './definitions';
import { updateTags, WanflowState } from './search-attributes';
import { activityFailure, JobStop, toJobFailure } from './failures';
import type { JobInput } from './job-input';
import { pollDelayMs } from './poll-schedule';

// The first three activities heartbeat every 2 s: a worker that dies under one is noticed after 10 s
// (heartbeat timeout) rather than at its start-to-close limit.

// Parsing plus media preflight (each remote probe is capped at 20 s, probes run in parallel); retried
// only if a worker dies under it — a refusal is final.
const { validateJob } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '90s',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

// Temporary uploads of stored inputs: up to 100 MB each, so a generous limit; retried with backoff, as
// an upload repeated is harmless (a new oss:// object, no task).
const { publishInputs } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 5 },
});

// One attempt per call: a create whose answer is lost may have made a paid task, so resending is the
// workflow's decision (backoff for clear refusals, reconcile for silence), never an automatic retry.
// 90 s covers the 30 s header timeout plus connect and body; a dead worker's create is a lost answer
// after 10 s without heartbeat, and is reconciled like any other.
const { submitTask } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '90s',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

// Reads are safe to repeat: retry with backoff through throttling and outages for up to 2 h; errors the
// taxonomy calls final (auth, bad input) are non-retryable failures and stop at once.
const { pollTask, findSubmittedTask, cancelTask } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '2h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '60s' },
});

// The synchronous image call and the storing of its images in one activity: one attempt, because a
// repeated call pays again and a lost answer cannot be looked up (there is no task).
const { generateImagesNow } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '10m',
  retry: { maximumAttempts: 1 },
});

// Downloads can be large: a long overall limit, kept honest by heartbeats on every chunk.
const { persistOutput } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '60s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 5 },
});

// Writing the manifest must not be lost: retry for up to an hour of storage trouble.
const { recordJob } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '60s' },
});

const RESENDABLE = new Set(['RateLimitedError', 'TransientProviderError', 'ConnectionFailedError']);
const AMBIGUOUS = new Set(['AmbiguousRequestError', 'Timeout']);

export async function wanJob(input: JobInput): Promise<JobRecord> {
  const now = () => new Date(Date.now()).toISOString();
  const rec: JobRecord = {
    jobId: input.jobId,
    route: input.route,
    model: String((input.request as { model?: unknown }).model),
    region: input.region,
    endpointFamily: isImageModel(String((input.request as { model?: unknown }).model))
      ? 'image-generation'
      : 'video-synthesis',
    mediaRoles: [],
    sourceAssets: [],
    polls: 0,
    status: 'validating',
    timestamps: { created: now() },
    cost: {},
  };
  setHandler(jobStateQuery, () => rec);
  // A verified push from the route ends the current wait early; the poll that follows reads the truth.
  const wake = { pending: false };
  setHandler(taskNoticeSignal, (notice) => {
    if (rec.requestId && notice.requestId !== rec.requestId) return;
    wake.pending = true;
    rec.notices = (rec.notices ?? 0) + 1;
  });

  let job: ValidatedJob | undefined;
  try {
    job = await callActivity(() =>
      validateJob({
        route: input.route,
        region: input.region,
        request: input.request,
        timing: input.options.timing,
      }),
    );
    Object.assign(rec, {
      request: job.recordedRequest,
      mediaRoles: job.mediaRoles,
      sourceAssets: job.sourceAssets,
      resolution: job.plan.resolution,
      durationSeconds: job.plan.outputSeconds,
      expectedTaskSeconds: job.plan.expectedTaskSeconds,
    });
    rec.cost.estimated = job.estimate;

    rec.status = 'submitting';
    const published = await callActivity(() =>
      publishInputs({ route: input.route, region: input.region, request: job!.request }),
    );
    rec.inputPublishing = published.publishing;
    if (rec.endpointFamily === 'image-generation' && input.options.imageCall === 'sync') {
      // One paid call with the images in its answer; nothing to poll, nothing to reconcile.
      const made = await CancellationScope.nonCancellable(() =>
        callActivity(() =>
          generateImagesNow({
            route: input.route,
            region: input.region,
            jobId: input.jobId,
            request: published.request,
          }),
        ),
      );
      Object.assign(rec, {
        requestId: made.requestId,
        outputs: made.outputs,
        usage: { imageCount: made.imageCount },
      });
      rec.cost.billed = billedAt(job.estimate, made.imageCount);
      rec.status = 'stored';
      rec.timestamps.stored = now();
      return await finish(input, rec);
    }
    // A create runs to its answer even if the job is canceled meanwhile: only then is it known what exists.
    const created = await CancellationScope.nonCancellable(() => submitExactlyOnce(input, published.request));
    rec.taskId = created.taskId;
    rec.requestId = created.requestId;
    rec.taskAdopted = created.adopted;
    rec.status = 'submitted';
    rec.timestamps.submitted = now();

    await collect(input, job, rec, wake);
  } catch (err) {
    try {
      if (!isCancellation(err)) throw err;
      await CancellationScope.nonCancellable(() => settleAfterCancel(input, job, rec, wake));
    } catch (e) {
      if (!(e instanceof JobStop)) throw e;
      rec.status = e.status;
      rec.failure = e.failure;
    }
  }

  return finish(input, rec);
}

/** Runs an activity; a failure of a known kind becomes a JobStop that names its cause. */
async function callActivity<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isCancellation(err)) throw err;
    const view = activityFailure(err);
    if (!view) throw err;
    throw new JobStop(toJobFailure(view), view.type === 'ResultExpiredError' ? 'expired' : 'failed');
  }
}

async function submitExactlyOnce(
  input: JobInput,
  request: WanRequest,
): Promise<{ taskId: string; requestId?: string; adopted?: boolean }> {
  const s = input.options.submit;
  const ref = { route: input.route, region: input.region };
  for (let attempt = 1; ; attempt++) {
    const sentAt = Date.now();
    try {
      return await submitTask({ ...ref, request });
    } catch (err) {
      const view = activityFailure(err);
      if (!view) throw err;
      if (RESENDABLE.has(view.type) && attempt < s.maxAttempts) {
        const hinted = typeof view.details.retryAfterMs === 'number' ? view.details.retryAfterMs : 0;
        await sleep(Math.max(hinted, Math.min(s.maxMs, s.initialMs * 2 ** (attempt - 1))));
        continue;
      }
      if (!AMBIGUOUS.has(view.type)) throw new JobStop(toJobFailure(view));
      if (input.options.ambiguousSubmit === 'fail') {
        throw new JobStop({
          cause: 'ambiguous_submit',
          message: `the create request was sent at ${new Date(sentAt).toISOString()} and no answer came (${view.message}); a paid task may exist`,
          remedy: 'Look for the task in the provider console or task list before running the job again.',
        });
      }
      await sleep(s.reconcileSettleMs);
      const found = await callActivity(() =>
        findSubmittedTask({
          ...ref,
          request,
          fromMs: sentAt - s.reconcileMarginMs,
          toMs: Date.now() + s.reconcileMarginMs,
        }),
      );
      if (!found.supported) {
        throw new JobStop({
          cause: 'ambiguous_submit',
          message: `the create request was sent and no answer came (${view.message}); route ${input.route} keeps no task list to look it up`,
          remedy: "Check the route's dashboard for the request before running the job again.",
        });
      }
      if (found.taskIds.length === 1) return { taskId: found.taskIds[0]!, adopted: true };
      if (found.taskIds.length > 1) {
        throw new JobStop({
          cause: 'ambiguous_submit',
          message: `the create answer was lost and ${found.taskIds.length} tasks match it (${found.taskIds.join(', ')}); none was adopted`,
          remedy:
            'Pick the task to keep from the provider console; wanflow will not guess which one is this job’s.',
        });
      }
      // No task was made: sending again cannot pay twice.
    }
  }
}

async function pollUntilTerminal(
  input: JobInput,
  job: ValidatedJob,
  rec: JobRecord,
  wake: { pending: boolean },
): Promise<TaskSnapshot> {
  const schedule = input.options.poll;
  const ref = { route: input.route, region: input.region, taskId: rec.taskId! };
  const startedAt = Date.now();
  for (let n = 0; ; n++) {
    await condition(() => wake.pending, pollDelayMs(schedule, job.plan.expectedTaskSeconds * 1000, n));
    wake.pending = false;
    const snap = await callActivity(() => pollTask(ref));
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
      default:
        rec.status = 'polling';
    }
    if (Date.now() - startedAt > schedule.maxWaitMs) {
      if (snap.status === 'PENDING') await callActivity(() => cancelTask(ref)).catch(() => undefined);
      throw new JobStop({
        cause: 'timeout',
        message: `task ${ref.taskId} was still ${snap.status} after ${Math.round(schedule.maxWaitMs / 60000)} min`,
      });
    }
  }
}

/** From a submitted task to its outputs in the user's store. */
async function collect(
  input: JobInput,
  job: ValidatedJob,
  rec: JobRecord,
  wake: { pending: boolean },
): Promise<void> {
  const final = await pollUntilTerminal(input, job, rec, wake);
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
async function settleAfterCancel(
  input: JobInput,
  job: ValidatedJob | undefined,
  rec: JobRecord,
  wake: { pending: boolean },
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
  await collect(input, job, rec, wake);
}

/** Writes the record (even for a canceled job) and ends the workflow: failures fail it, with the record. */
async function finish(input: JobInput, rec: JobRecord): Promise<JobRecord> {
  rec.timestamps.finished = new Date(Date.now()).toISOString();
  rec.manifestKey = `jobs/${input.jobId}/manifest.json`;
  // The record is written even for a canceled job: that is when the user most needs to know what exists.
  await CancellationScope.nonCancellable(() => recordJob(rec));
  updateTags([{ key: WanflowState, value: rec.status }]);
  if (rec.failure && rec.status !== 'canceled') {
    throw ApplicationFailure.nonRetryable(
      `job ${input.jobId} ${rec.status}: ${rec.failure.message}`,
      `Job${rec.status === 'expired' ? 'Expired' : 'Failed'}`,
      rec,
    );
  }
  return rec;
}
