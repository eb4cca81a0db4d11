// Heartbeats while an activity works, so a worker that dies under it is noticed within the heartbeat
// timeout (seconds) instead of at the start-to-close limit (minutes): the workflow moves on sooner.
import { Context } from '@temporalio/activity';

export function heartbeating<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  everyMs = 2_000,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const context = Context.current();
    // A local activity has no heartbeat of its own: the workflow task it runs in is kept alive instead.
    if (context.info.isLocal) return fn(...args);
    const timer = setInterval(() => context.heartbeat(), everyMs);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}
