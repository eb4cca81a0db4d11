// Turns domain errors into Temporal failures whose type is the error class name, so retry policies and
// the workflow decide by type. Details carry codes and remedies, never credentials.
import { ApplicationFailure } from '@temporalio/common';
import { ProviderError, RateLimitedError } from '../providers/errors';
import { InvalidRequestError } from '../wan/validation';
import { ConfigError } from '../config/config';

export function toFailure(err: unknown): unknown {
  if (err instanceof ProviderError) {
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: !err.retryable,
      details: [err.details()],
      nextRetryDelay:
        err instanceof RateLimitedError && err.retryAfterMs !== undefined ? err.retryAfterMs : undefined,
    });
  }
  if (err instanceof InvalidRequestError) {
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: true,
      details: [{ problems: err.problems, remedy: err.remedy }],
    });
  }
  if (err instanceof ConfigError) {
    return ApplicationFailure.create({ type: err.name, message: err.message, nonRetryable: true });
  }
  return err;
}

/** Wraps an activity so every thrown domain error reaches Temporal as a typed failure. */
export function typed<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toFailure(err);
    }
  };
}
