// Reads activity failures by type, and the job-ending error the workflow throws itself.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { JobFailure } from '../shared/records';
import { WanflowError } from '../shared/errors';
import { FAILURE_TYPE } from '../shared/failure-types';

/** Refusals that say the task was not created: a create is resent after a backoff. */
export const RESENDABLE = new Set<string>([
  FAILURE_TYPE.rateLimited,
  FAILURE_TYPE.transient,
  FAILURE_TYPE.connectionFailed,
]);
/** Failures after which a paid task may exist: reconciled, never resent blind. */
export const AMBIGUOUS = new Set<string>([FAILURE_TYPE.ambiguous, FAILURE_TYPE.timeout]);

/** Ends a job with a cause the record names. */
export class JobStop extends WanflowError {
  override readonly name = 'JobStop';
  readonly remedy: string;
  constructor(
    readonly failure: JobFailure,
    readonly status: 'failed' | 'expired' | 'canceled' = 'failed',
  ) {
    super(failure.message);
    this.remedy = failure.remedy ?? 'See the record: it names the cause.';
  }
}

export interface FailureView {
  type: string;
  message: string;
  details: Record<string, unknown>;
}

/** The typed view of an activity's failure: its error class name, or 'Timeout' when the attempt was lost. */
export function activityFailure(err: unknown): FailureView | undefined {
  if (err instanceof ActivityFailure) return causeView(err.cause, err.activityType, err.message);
  // A local activity's failure (a job's validation) reaches the workflow as its cause alone, unwrapped.
  if (err instanceof ApplicationFailure || err instanceof TimeoutFailure)
    return causeView(err, 'local activity', err.message);
  return undefined;
}

function causeView(cause: Error | undefined, activityType: string, message: string): FailureView {
  if (cause instanceof ApplicationFailure) {
    return {
      type: cause.type ?? 'Error',
      message: cause.message,
      details: (cause.details?.[0] as Record<string, unknown>) ?? {},
    };
  }
  if (cause instanceof TimeoutFailure)
    return {
      type: FAILURE_TYPE.timeout,
      message: `activity ${activityType} timed out (${cause.timeoutType})`,
      details: {},
    };
  return { type: cause?.name ?? 'Error', message: cause?.message ?? message, details: {} };
}

export function toJobFailure(view: FailureView): JobFailure {
  const d = view.details;
  const cause =
    view.type === FAILURE_TYPE.invalidRequest
      ? 'invalid_input'
      : view.type === FAILURE_TYPE.timeout
        ? 'timeout'
        : ((d.failureCause as JobFailure['cause']) ?? 'transient');
  return {
    cause,
    message: view.message,
    code: d.code as string | undefined,
    remedy: d.remedy as string | undefined,
  };
}

/** The stop of the `fail` policy: an answer was lost and the job does not look the task up. */
export function lostAnswerStop(sentAt: number, view: FailureView): JobStop {
  return new JobStop({
    cause: 'ambiguous_submit',
    message: `the create request was sent at ${new Date(sentAt).toISOString()} and no answer came (${view.message}); a paid task may exist`,
    remedy: 'Look for the task in the provider console or task list before running the job again.',
  });
}

/** A lost answer on a route without a task list: nothing can settle it. */
export function noTaskListStop(route: string, view: FailureView): JobStop {
  return new JobStop({
    cause: 'ambiguous_submit',
    message: `the create request was sent and no answer came (${view.message}); route ${route} keeps no task list to look it up`,
    remedy: "Check the route's dashboard for the request before running the job again.",
  });
}
