// One line per worker log entry (level, message, the activity or workflow it concerns, the error's
// message) instead of the SDK's multi-line dumps; stack traces stay in Temporal's history.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

export function installCompactLogging(level: LogLevel, write: (line: string) => void): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const m = (entry.meta ?? {}) as Record<string, unknown>;
      const err = m.error as Error | undefined;
      const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
      const subject = m.activityType ? ` ${String(m.activityType)} attempt ${String(m.attempt)}` : '';
      const owner = m.workflowId ? ` (${String(m.workflowId)})` : '';
      write(`${at} ${entry.level} ${entry.message}${subject}${owner}${err ? `: ${err.message}` : ''}`);
    }),
  });
}
