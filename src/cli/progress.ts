// A live progress line per change of a job's state.
import type { JobRecord } from '../shared/records';

export function progressPrinter(write: (line: string) => void): (r: JobRecord) => void {
  const started = Date.now();
  let last = '';
  return (r) => {
    const parts: string[] = [r.status];
    if (r.taskId) parts.push(`task ${r.taskId}`);
    if (r.providerStatus) parts.push(`provider ${r.providerStatus}`);
    if (r.polls) parts.push(`${r.polls} polls`);
    if (r.expectedTaskSeconds && (r.status === 'submitted' || r.status === 'polling'))
      parts.push(`expected ~${Math.round(r.expectedTaskSeconds)} s`);
    const line = parts.join(' · ');
    if (line === last) return;
    last = line;
    write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  };
}

export function summary(r: JobRecord): string {
  const lines = [`job ${r.jobId}: ${r.status}`];
  for (const o of r.outputs ?? []) {
    const seconds = o.durationSeconds === undefined ? '' : `, ${o.durationSeconds.toFixed(2)} s`;
    lines.push(`  output   ${o.location}`);
    lines.push(`           ${o.width}x${o.height}${seconds}, ${o.sizeBytes} bytes, sha256 ${o.sha256}`);
  }
  if (r.manifestKey) lines.push(`  manifest ${r.manifestKey}`);
  if (r.cost.estimated)
    lines.push(
      `  cost     estimated ${r.cost.estimated.amount} ${r.cost.estimated.currency}${r.cost.billed ? `, billed ${r.cost.billed.amount} ${r.cost.billed.currency}` : ''}`,
    );
  if (r.failure)
    lines.push(
      `  cause    ${r.failure.cause}: ${r.failure.message}`,
      ...(r.failure.remedy ? [`  remedy   ${r.failure.remedy}`] : []),
    );
  return lines.join('\n');
}
