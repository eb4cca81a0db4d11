// Turns domain errors into Temporal failures whose type is the error class name, so retry policies and
// the workflow decide by type. Details carry codes and remedies, never credentials.
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
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
  if (err instanceof TemporalFailure) return err;
  // Anything else (a library's error) reaches history with its message only, every URL's query
  // (a signature) redacted, and no stack: nothing signed or secret is recorded through it.
  const e = err instanceof Error ? err : new Error(String(err));
  return ApplicationFailure.create({ type: e.name, message: redactUrlsIn(e.message), nonRetryable: false });
}

/** Every URL in a text with its query (where signatures live) replaced. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"']+)\?[^\s"']*/gi, '$1?<redacted>');
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
