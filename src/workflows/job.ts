// The job workflow for one Wan task: validate → submit → poll on durable timers → persist → record.
// Deterministic orchestration only; every side effect is an activity (job-activities.ts), every wait a
// durable timer. Submitting is in submit.ts, polling and collecting in collect.ts.
import { jobFolder } from '../shared/ids';
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  patched,
  setHandler,
  setWorkflowOptions,
} from '@temporalio/workflow';
import type { JobRecord } from '../shared/records';
import type { ValidatedJob } from '../activities/validate';
import { billedAt } from '../wan/pricing';
import { isImageModel } from '../wan/models';
import { jobStateQuery, taskNoticeSignal } from './definitions';
import { updateTags, WanflowState } from './search-attributes';
import { JobStop } from './failures';
import type { JobInput } from './job-input';
import type { JobOptions } from '../shared/job-options';
import {
  callActivity,
  generateImagesNow,
  publishInputs,
  recordJob,
  validateJob,
  validateJobHere,
} from './job-activities';
import { LEAN_JOB } from './patches';
import { submitExactlyOnce } from './submit';
import { tellCampaign } from './row-notice';
import { collect, settleAfterCancel, type Wake } from './collect';
import { pinnedWhenVersioned } from './versioning';
import { acquireSlot, releaseSlot, reportThrottled, settleCreateLock, type HeldSlot } from './slot-hold';
import { reserveInBudget, settleSpend, type HeldSpend } from './spend-hold';

// Under Worker Versioning a job finishes on the build that started it (versioning.ts); the long-lived
// workflows it talks to follow the worker's default, AUTO_UPGRADE: docs/contributing.md.
setWorkflowOptions(pinnedWhenVersioned, wanJob);

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
  const wake: Wake = { pending: false };
  setHandler(taskNoticeSignal, (notice) => {
    // A watcher names the task, a webhook the create's request; a notice for another one is ignored.
    if (
      notice.taskId
        ? rec.taskId && notice.taskId !== rec.taskId
        : rec.requestId && notice.requestId !== rec.requestId
    )
      return;
    wake.pending = true;
    if (notice.ended && notice.taskId) wake.ended = true;
    rec.notices = (rec.notices ?? 0) + 1;
  });

  let job: ValidatedJob | undefined;
  let held: HeldSlot | undefined;
  let spend: HeldSpend | undefined;
  let starterSpend: HeldSpend | undefined;
  try {
    try {
      const validate = patched(LEAN_JOB) ? validateJobHere : validateJob;
      job = await callActivity(() =>
        validate({
          route: input.route,
          region: input.region,
          request: input.request,
          options: input.options,
        }),
      );
      // The worker's policy for the route; histories before it was the worker's carry it in the input.
      const policy = job.policy ?? (input.options as JobOptions);
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
      // Nothing stored to hand over (a prompt, public URLs): no activity, one workflow task less per row.
      const published =
        job.publishes === false
          ? { request: job.request }
          : await callActivity(() =>
              publishInputs({ route: input.route, region: input.region, request: job!.request }),
            );
      rec.inputPublishing = published.publishing;
      // The job's price in the account's daily budget (and its starter's, an agent's), then the account's
      // slot for this model, held until the task has ended (RUNNING tasks count).
      spend = await reserveInBudget(job);
      if (input.budget)
        starterSpend = await reserveInBudget(job, input.budget, input.budget.whose, input.budget.variable);
      const syncImage = rec.endpointFamily === 'image-generation' && policy.imageCall === 'sync';
      held = await acquireSlot(
        job.slot,
        input.slot?.priority ?? 0,
        input.slot?.group ?? input.jobId,
        syncImage ? undefined : job.createLock,
      );
      // A cancel that came while the reservation was being made (that wait is not cancelable) stops here,
      // before anything is paid: the create below is shielded and would otherwise be sent.
      if (CancellationScope.current().consideredCancelled)
        throw new CancelledFailure('canceled before the create');
      if (syncImage) {
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
        await settleSpend([spend, starterSpend], rec);
        return await finish(input, rec);
      }
      // A create runs to its answer even if the job is canceled meanwhile (submit.ts shields it): only then
      // is it known what exists.
      // The create lock, when it came with the slot, is held across attempts and handed on once settled.
      const created = await submitExactlyOnce(
        input,
        job,
        policy,
        published.request,
        () => reportThrottled(held),
        held?.lock === true,
      ).finally(() => settleCreateLock(held));
      rec.taskId = created.taskId;
      rec.requestId = created.requestId;
      rec.taskAdopted = created.adopted;
      if (created.watched) rec.taskWatched = true;
      rec.status = 'submitted';
      rec.timestamps.submitted = now();

      // The provider counts a task against the account's limit until it has ended, not until its outputs
      // are stored: the slot goes back then, so the next row's create overlaps this download.
      await collect(input, job, policy, rec, wake, async () => {
        if (!held) return;
        await releaseSlot(held);
        held = undefined;
      });
    } catch (err) {
      try {
        if (!isCancellation(err)) throw err;
        await CancellationScope.nonCancellable(() =>
          settleAfterCancel(input, job, job?.policy ?? (input.options as JobOptions), rec, wake),
        );
      } catch (e) {
        if (!(e instanceof JobStop)) throw e;
        rec.status = e.status;
        rec.failure = e.failure;
      }
    }
  } finally {
    await releaseSlot(held);
  }
  await settleSpend([spend, starterSpend], rec);
  return finish(input, rec);
}

async function finish(input: JobInput, rec: JobRecord): Promise<JobRecord> {
  rec.timestamps.finished = new Date(Date.now()).toISOString();
  rec.manifestKey = `${jobFolder(input.jobId)}/manifest.json`;
  // The record is written even for a canceled job: that is when the user most needs to know what exists.
  await CancellationScope.nonCancellable(() => recordJob(rec));
  updateTags([{ key: WanflowState, value: rec.status }]);
  await tellCampaign(input.notify, rec);
  if (rec.failure && rec.status !== 'canceled') {
    throw ApplicationFailure.nonRetryable(
      `job ${input.jobId} ${rec.status}: ${rec.failure.message}`,
      `Job${rec.status === 'expired' ? 'Expired' : 'Failed'}`,
      rec,
    );
  }
  return rec;
}
