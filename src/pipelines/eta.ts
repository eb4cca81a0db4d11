// When a running pipeline should be done: along its longest remaining chain of stages, each taking its
// expected task time (running stages from when they started). Retries and queues can make it later;
// a stage past its expectation counts as finishing now, and the watcher says it is overdue.
import type { PipelineRecord } from '../shared/records';

export interface PipelineEta {
  /** Seconds from `nowMs` until the last stage is expected to be stored. */
  seconds: number;
  /** Running stages already past their expected time. */
  overdue: string[];
}

export function pipelineEta(rec: PipelineRecord, nowMs: number): PipelineEta {
  const doneAt = new Map<string, number>();
  const overdue: string[] = [];
  for (const id of rec.order) {
    const s = rec.stages[id]!;
    const expectedMs = s.expectedSeconds * 1000;
    let at: number;
    if (s.status === 'running') {
      const due = Date.parse(s.started ?? new Date(nowMs).toISOString()) + expectedMs;
      if (due < nowMs) overdue.push(id);
      at = Math.max(due, nowMs);
    } else if (s.status === 'waiting') {
      at = Math.max(nowMs, ...s.after.map((d) => doneAt.get(d) ?? nowMs)) + expectedMs;
    } else {
      at = nowMs;
    }
    doneAt.set(id, at);
  }
  const last = Math.max(nowMs, ...doneAt.values());
  return { seconds: rec.status === 'running' ? Math.round((last - nowMs) / 1000) : 0, overdue };
}
