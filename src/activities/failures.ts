// Turns wanflow's errors into Temporal failures whose type is the error's name and whose retryability is
// the error's own, so retry policies and the workflow decide by type. Details carry codes and remedies,
// never credentials.
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { RateLimitedError } from '../providers/errors';
import { WanflowError } from '../shared/errors';
import { redactUrlsIn } from '../shared/redact';

export function toFailure(err: unknown): unknown {
  if (err instanceof WanflowError) {
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: !err.retryable,
      details: [err.details()],
      nextRetryDelay:
        err instanceof RateLimitedError && err.retryAfterMs !== undefined ? err.retryAfterMs : undefined,
    });
  }
  if (err instanceof TemporalFailure) return err;
  // Anything else (a library's error) reaches history with its message only, every URL's query
  // (a signature) redacted, and no stack: nothing signed or secret is recorded through it.
  const e = err instanceof Error ? err : new Error(String(err));
  return ApplicationFailure.create({ type: e.name, message: redactUrlsIn(e.message), nonRetryable: false });
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
