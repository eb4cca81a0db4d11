// What an agent sees of an error. Refusals of its own request or runs (an error `forCaller`) in full; any
// other error — a store that failed, Temporal away, a bug — by its type, whether to retry, and a
// correlation ID, never its message: those name the operator's paths, buckets and addresses. The whole
// error goes to the server's log (standard error) under the same ID, for the operator the agent tells.
import { randomUUID } from 'node:crypto';
import { EXIT, errorView, WanflowError, type ErrorView } from '../shared/errors';

export type AgentErrorView = ErrorView & { correlationId: string };

export function agentErrorView(
  err: unknown,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): AgentErrorView {
  const correlationId = randomUUID();
  if (err instanceof WanflowError && err.forCaller) return { ...errorView(err), correlationId };
  const known = err instanceof WanflowError;
  const type = known ? err.name : 'InternalError';
  const retryable = known && err.retryable;
  const e = err instanceof Error ? err : new Error(String(err));
  log(
    JSON.stringify({
      level: 'error',
      msg: 'a call failed unexpectedly',
      correlationId,
      type: e.name,
      error: e.message,
      cause: e.cause instanceof Error ? e.cause.message : undefined,
      stack: e.stack,
    }),
  );
  return {
    type,
    message: `wanflow could not complete this call (${type}); the server's log has the details under ${correlationId}`,
    remedy: retryable
      ? 'Call again in a minute (under the same idempotency key nothing starts twice); if it keeps failing, give the operator the correlation ID.'
      : "Give the operator the correlation ID: the details are in the server's log.",
    retryable,
    exitCode: known ? err.exitCode : EXIT.failed,
    correlationId,
  };
}
