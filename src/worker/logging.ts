// The worker process's runtime: one line per log entry (level, message, the activity or workflow it
// concerns, the error's message) instead of the SDK's multi-line dumps — stack traces stay in Temporal's
// history — and, where asked, Prometheus metrics: the SDK's own and wanflow's (tasks created, slots held
// and waited for, campaign rows and spend).
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

const ACTIVITY_ONLY_NOTICE = 'No workflows registered, not polling for workflow tasks';

export function installCompactLogging(
  level: LogLevel,
  write: (line: string) => void,
  metricsAddress?: string,
): void {
  Runtime.install({
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }
      : {}),
    logger: new DefaultLogger(level, (entry) => {
      // The queries worker (worker.ts) runs activities only, by design: its start-up notice is noise.
      if (entry.message === ACTIVITY_ONLY_NOTICE) return;
      const m = (entry.meta ?? {}) as Record<string, unknown>;
      const err = m.error as Error | undefined;
      const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
      const subject = m.activityType ? ` ${String(m.activityType)} attempt ${String(m.attempt)}` : '';
      const owner = m.workflowId ? ` (${String(m.workflowId)})` : '';
      write(`${at} ${entry.level} ${entry.message}${subject}${owner}${err ? `: ${err.message}` : ''}`);
    }),
  });
}
