// The submit of runs started before the exactly-once submit (`patched('exactly-once-submit')` is false
// only while such a history replays). Kept unchanged so those histories replay; new runs never come here.
// Delete once no run older than the patch can be open (then deprecatePatch, then remove the patch).
import { sleep } from '@temporalio/workflow';
import type { WanRequest } from '../wan/validation';
import {
  activityFailure,
  AMBIGUOUS,
  JobStop,
  lostAnswerStop,
  noTaskListStop,
  RESENDABLE,
  toJobFailure,
} from './failures';
import type { JobInput } from './job-input';
import type { JobOptions } from '../shared/job-options';
import { callActivity, findSubmittedTask, submitTask, type Submitted } from './job-activities';

/** The answer of findSubmittedTask as those histories recorded it. */
interface LegacyFound {
  taskIds: string[];
  supported: boolean;
}

export async function legacySubmit(
  input: JobInput,
  policy: JobOptions,
  request: WanRequest,
): Promise<Submitted> {
  const s = policy.submit;
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
      if (policy.ambiguousSubmit === 'fail') {
        throw lostAnswerStop(sentAt, view);
      }
      await sleep(s.reconcileSettleMs);
      const found = (await callActivity(() =>
        findSubmittedTask({
          ...ref,
          request,
          fromMs: sentAt - s.reconcileMarginMs,
          toMs: Date.now() + s.reconcileMarginMs,
          reads: 1,
          lagMs: 0,
          owner: '',
        }),
      )) as unknown as LegacyFound;
      if (!found.supported) {
        throw noTaskListStop(input.route, view);
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
