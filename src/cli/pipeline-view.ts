// How pipelines read on a terminal: the per-stage table (status, watch) and the closing summary.
import type { JobRecord } from '../shared/records';
import type { PipelineRecord, StageState } from '../shared/records';
import { pipelineEta } from '../pipelines/eta';

/** Live details of a running stage's current job, when the watcher could read them. */
export type LiveJobs = Record<string, JobRecord | undefined>;

const seconds = (ms: number) => `${Math.max(0, ms / 1000).toFixed(0)} s`;

export function stageLine(id: string, s: StageState, nowMs: number, live?: JobRecord): string {
  const parts = [id.padEnd(12), s.status.padEnd(8)];
  const started = s.started ? Date.parse(s.started) : undefined;
  const finished = s.finished ? Date.parse(s.finished) : undefined;
  if (s.status === 'running' && started !== undefined) {
    const job = live ? ` ${live.status}${live.providerStatus ? ` (${live.providerStatus})` : ''}` : '';
    parts.push(`${seconds(nowMs - started)} of ~${seconds(s.expectedSeconds * 1000)}${job}`);
  } else if (started !== undefined && finished !== undefined) {
    parts.push(`${seconds(finished - started)}`);
    if (s.outputs.length) parts.push(s.outputs.join(', '));
  } else if (s.status === 'waiting') {
    parts.push(`~${seconds(s.expectedSeconds * 1000)} after ${s.after.join(', ') || 'start'}`);
  }
  if (s.failure) parts.push(`(${s.failure.cause}: ${s.failure.message})`);
  return parts.join(' ').trimEnd();
}

/** The header line: state, elapsed and, while running, the ETA. */
export function headline(r: PipelineRecord, nowMs: number): string {
  const end = r.timestamps.finished ? Date.parse(r.timestamps.finished) : nowMs;
  const parts = [`pipeline ${r.pipelineId}${r.name ? ` (${r.name})` : ''}: ${r.status}`];
  parts.push(`elapsed ${seconds(end - Date.parse(r.timestamps.started))}`);
  if (r.status === 'running') {
    const eta = pipelineEta(r, nowMs);
    parts.push(`ETA ~${eta.seconds} s${eta.overdue.length ? ` (${eta.overdue.join(', ')} overdue)` : ''}`);
  }
  return parts.join(' · ');
}

/** One line per change while following: elapsed, each stage's state (its job's, while running), the ETA. */
export function progressLine(r: PipelineRecord, nowMs: number, live: LiveJobs = {}): string {
  const stages = r.order.map((id) => {
    const s = r.stages[id]!;
    const job = live[id];
    if (s.status !== 'running') return `${id} ${s.status}`;
    const detail = job ? ` ${job.status}${job.providerStatus ? ` (${job.providerStatus})` : ''}` : '';
    const since = s.started ? Date.parse(s.started) : nowMs;
    return `${id}${detail} ${seconds(nowMs - since)}/~${seconds(s.expectedSeconds * 1000)}`;
  });
  const eta = pipelineEta(r, nowMs);
  const elapsed = seconds(nowMs - Date.parse(r.timestamps.started)).padStart(5);
  return `[${elapsed}] ${stages.join(' · ')} | ETA ~${eta.seconds} s${eta.overdue.length ? ` (${eta.overdue.join(', ')} overdue)` : ''}`;
}

export function pipelineTable(r: PipelineRecord, nowMs: number, live: LiveJobs = {}): string {
  const lines = [headline(r, nowMs)];
  for (const id of r.order) lines.push(`  ${stageLine(id, r.stages[id]!, nowMs, live[id])}`);
  const money = (t: Record<string, number>) =>
    Object.entries(t)
      .map(([c, a]) => `${a} ${c}`)
      .join(' + ') || '—';
  // A stage with no known price is not in the figures: say which, never guess.
  const unpriced = r.order.filter((id) => r.stages[id]!.jobs.some((j) => !j.cost.estimated));
  lines.push(
    `  ${'cost'.padEnd(12)} estimated ${money(r.cost.estimated)}, billed ${money(r.cost.billed)}${unpriced.length ? ` (no known price: ${unpriced.join(', ')})` : ''}`,
  );
  if (r.manifestKey) lines.push(`  ${'manifest'.padEnd(12)} ${r.manifestKey}`);
  return lines.join('\n');
}
