// A run as an agent reads it: where it stands, what it cost, when it should end, and — once canceled —
// which tasks were canceled free and which were kept because they were already being paid for.
import type { Run } from '../client/runs';
import { pipelineEta } from '../pipelines/eta';
import type { JobRecord, JobSummary, PipelineRecord } from '../shared/records';
import type { CampaignState } from '../shared/campaigns';

export interface RunView {
  id: string;
  kind: 'job' | 'pipeline' | 'campaign';
  running: boolean;
  status: string;
  models: string[];
  /** Stages of a pipeline, in order. */
  stages?: { id: string; status: string; model: string }[];
  taskIds: string[];
  /** Per currency. */
  estimated: Record<string, number>;
  billed: Record<string, number>;
  /** Seconds until the last output should be stored (running runs). */
  etaSeconds?: number;
  /** Tasks canceled before the provider ran them (free), and tasks kept because they were running (paid). */
  canceledFree?: string[];
  keptPaid?: string[];
  failure?: { cause: string; message: string; remedy?: string };
  /** Set when no worker answered for a running run. */
  unanswered?: string;
  /** A campaign's rows by state. */
  rows?: {
    total: number;
    queued: number;
    running: number;
    stored: number;
    failed: number;
    canceled: number;
    budgetExhausted: number;
  };
}

/**
 * A campaign as an agent reads it: its rows by state and its spend. Its ETA is the rows left at the rate
 * rows have ended so far (none yet: unknown); its task IDs are in its report (`result`), not here.
 */
export function campaignView(id: string, s: CampaignState, nowMs: number): RunView {
  const c = s.counters;
  const running = s.status !== 'completed' && s.status !== 'canceled';
  const ended = c.stored + c.failed + c.canceled + c.budgetExhausted + c.alreadyRan;
  const elapsed = (nowMs - Date.parse(s.timestamps.started)) / 1000;
  const eta = running && ended > 0 ? Math.round((elapsed / ended) * (c.total - ended)) : undefined;
  const currency = s.estimate.currency ?? s.budget?.currency ?? Object.keys(s.spent)[0];
  return {
    id,
    kind: 'campaign',
    running,
    status: s.status,
    models: [],
    taskIds: [],
    estimated: currency ? { [currency]: s.estimate.total } : {},
    billed: s.spent,
    ...(eta !== undefined ? { etaSeconds: eta } : {}),
    rows: {
      total: c.total,
      queued: c.total - c.admitted,
      running: c.running,
      stored: c.stored,
      failed: c.failed + c.alreadyRan,
      canceled: c.canceled,
      budgetExhausted: c.budgetExhausted,
    },
  };
}

export function runView(run: Run, nowMs: number): RunView {
  const base = { id: run.id, kind: run.kind, running: run.running };
  if (!run.record)
    return {
      ...base,
      status: run.running ? 'running' : 'unknown',
      models: [],
      taskIds: [],
      estimated: {},
      billed: {},
      ...(run.unanswered ? { unanswered: run.unanswered } : {}),
    };
  return run.kind === 'job' ? jobView(base, run.record, nowMs) : pipelineView(base, run.record, nowMs);
}

function jobView(base: Pick<RunView, 'id' | 'kind' | 'running'>, r: JobRecord, nowMs: number): RunView {
  const since = Date.parse(r.timestamps.submitted ?? r.timestamps.created);
  const eta = base.running
    ? Math.max(0, Math.round(since / 1000 + (r.expectedTaskSeconds ?? 0) - nowMs / 1000))
    : undefined;
  return {
    ...base,
    status: r.status,
    models: [r.model],
    taskIds: r.taskId ? [r.taskId] : [],
    estimated: figure(r.cost.estimated),
    billed: figure(r.cost.billed),
    ...(eta !== undefined ? { etaSeconds: eta } : {}),
    ...cancelOutcome([r]),
    ...(r.failure ? { failure: failureOf(r.failure) } : {}),
  };
}

function pipelineView(
  base: Pick<RunView, 'id' | 'kind' | 'running'>,
  p: PipelineRecord,
  nowMs: number,
): RunView {
  const jobs = p.order.flatMap((id) => p.stages[id]!.jobs);
  const failed = p.order.map((id) => p.stages[id]!.failure).find((f) => f);
  return {
    ...base,
    status: p.status,
    models: [...new Set(p.order.map((id) => p.stages[id]!.model))],
    stages: p.order.map((id) => ({ id, status: p.stages[id]!.status, model: p.stages[id]!.model })),
    taskIds: jobs.flatMap((j) => (j.taskId ? [j.taskId] : [])),
    estimated: p.cost.estimated,
    billed: p.cost.billed,
    ...(base.running ? { etaSeconds: pipelineEta(p, nowMs).seconds } : {}),
    ...cancelOutcome(jobs),
    ...(failed ? { failure: failureOf(failed) } : {}),
  };
}

function cancelOutcome(jobs: Pick<JobSummary, 'status' | 'taskId' | 'jobId' | 'keptAfterCancel'>[]) {
  const kept = jobs.filter((j) => j.keptAfterCancel).map((j) => j.taskId ?? j.jobId);
  const free = jobs
    .filter((j) => j.status === 'canceled' && !j.keptAfterCancel)
    .map((j) => j.taskId ?? j.jobId);
  return kept.length || free.length ? { canceledFree: free, keptPaid: kept } : {};
}

function figure(c: { amount: number; currency: string } | undefined): Record<string, number> {
  return c ? { [c.currency]: c.amount } : {};
}

function failureOf(f: { cause: string; message: string; remedy?: string }) {
  return { cause: f.cause, message: f.message, ...(f.remedy ? { remedy: f.remedy } : {}) };
}
