// Reads activity failures by type, and the job-ending error the workflow throws itself.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { JobFailure } from '../activities/job-record';

/** Ends a job with a cause the record names. */
export class JobStop extends Error {
  override readonly name = 'JobStop';
  constructor(
    readonly failure: JobFailure,
    readonly status: 'failed' | 'expired' | 'canceled' = 'failed',
  ) {
    super(failure.message);
  }
}

export interface FailureView {
  type: string;
  message: string;
  details: Record<string, unknown>;
}

/** The typed view of an activity's failure: its error class name, or 'Timeout' when the attempt was lost. */
export function activityFailure(err: unknown): FailureView | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return {
      type: cause.type ?? 'Error',
      message: cause.message,
      details: (cause.details?.[0] as Record<string, unknown>) ?? {},
    };
  }
  if (cause instanceof TimeoutFailure)
    return {
      type: 'Timeout',
      message: `activity ${err.activityType} timed out (${cause.timeoutType})`,
      details: {},
    };
  return { type: cause?.name ?? 'Error', message: cause?.message ?? err.message, details: {} };
}

export function toJobFailure(view: FailureView): JobFailure {
  const d = view.details;
  const cause =
    view.type === 'InvalidRequestError'
      ? 'invalid_input'
      : view.type === 'Timeout'
        ? 'timeout'
        : ((d.failureCause as JobFailure['cause']) ?? 'transient');
  return {
    cause,
    message: view.message,
    code: d.code as string | undefined,
    remedy: d.remedy as string | undefined,
  };
}
