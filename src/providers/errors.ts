// The error taxonomy (contract §6), one class per decision it forces on the orchestrator.
// Thrown by provider adapters; activities turn them into Temporal failures of the same type name.
import { WanflowError } from '../shared/errors';
import { FAILURE_TYPE } from '../shared/failure-types';
import type { FailureCause } from '../shared/records';

export interface ProviderErrorOptions {
  code?: string;
  httpStatus?: number;
  requestId?: string;
  taskId?: string;
  cause?: unknown;
}

export abstract class ProviderError extends WanflowError {
  abstract readonly failureCause: FailureCause;
  readonly code?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  readonly taskId?: string;

  constructor(message: string, opts: ProviderErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.code = opts.code;
    this.httpStatus = opts.httpStatus;
    this.requestId = opts.requestId;
    this.taskId = opts.taskId;
  }

  /** What a failure carries into workflow history: no headers, no keys. */
  override details(): Record<string, unknown> {
    return {
      failureCause: this.failureCause,
      code: this.code,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
      taskId: this.taskId,
      remedy: this.remedy,
    };
  }
}

const REMEDIES: Record<
  Exclude<FailureCause, 'rate_limited' | 'transient' | 'ambiguous' | 'expired'>,
  string
> = {
  bad_input: 'Fix the request; the provider will refuse it again as it is.',
  content_policy: 'Change the prompt or media: the content inspection refused it.',
  auth_or_region:
    'Check the API key and that it belongs to the region whose host is used (keys are bound to one region).',
  model_not_in_region: 'Use a region that offers this model, with a key and host of that region.',
  quota_or_billing: "Check the account's balance, quota and purchases; retrying will not help.",
  media: 'Check the media: format, size, and that the provider can fetch the URL.',
};

/** A refusal no retry can fix: the job ends with its cause. */
export class RequestRejectedError extends ProviderError {
  override readonly name = FAILURE_TYPE.requestRejected;
  override readonly retryable = false;
  readonly remedy: string;
  constructor(
    readonly failureCause: keyof typeof REMEDIES,
    message: string,
    opts: ProviderErrorOptions = {},
  ) {
    super(message, opts);
    this.remedy = REMEDIES[failureCause];
  }
}

/** Throttled: wait (Retry-After when given) and try again; the request was not accepted. */
export class RateLimitedError extends ProviderError {
  override readonly name = FAILURE_TYPE.rateLimited;
  readonly failureCause = 'rate_limited' as const;
  override readonly retryable = true;
  readonly remedy = 'Wait and retry; lower the submit rate for this account and model.';
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    opts: ProviderErrorOptions = {},
  ) {
    super(message, opts);
  }

  override details(): Record<string, unknown> {
    return { ...super.details(), retryAfterMs: this.retryAfterMs };
  }
}

/** The service answered with a transient failure (5xx, 408): retry with backoff. */
export class TransientProviderError extends ProviderError {
  override readonly name = FAILURE_TYPE.transient;
  readonly failureCause = 'transient' as const;
  override readonly retryable = true;
  readonly remedy = 'Retry with backoff; the service reported a temporary failure.';
}

/** The request went out and no answer came back: a paid task may or may not exist. */
export class AmbiguousRequestError extends ProviderError {
  override readonly name = FAILURE_TYPE.ambiguous;
  readonly failureCause = 'ambiguous' as const;
  override readonly retryable = false;
  readonly remedy = 'Reconcile through the task list before sending again: a task may have been created.';
}

/** A network failure before any byte of the request was sent (connect refused, DNS): safe to retry. */
export class ConnectionFailedError extends ProviderError {
  override readonly name = FAILURE_TYPE.connectionFailed;
  readonly failureCause = 'transient' as const;
  override readonly retryable = true;
  readonly remedy = 'Check the network and the host; the request was never sent.';
}

/** The result can no longer be fetched (signed URL or task past its 24 h). */
export class ResultExpiredError extends ProviderError {
  override readonly name = FAILURE_TYPE.resultExpired;
  readonly failureCause = 'expired' as const;
  override readonly retryable = false;
  readonly remedy = 'Results must be collected within 24 h of the task; run the job again to regenerate.';
}

/** A task this job made was claimed by another job first: wanflow will not decide between them. */
export class TaskClaimedElsewhereError extends ProviderError {
  override readonly name = FAILURE_TYPE.taskClaimedElsewhere;
  readonly failureCause = 'ambiguous' as const;
  override readonly retryable = false;
  readonly remedy =
    "Compare both jobs' records: each names its task. Cancel or keep the task from the provider console.";
}
