// How a campaign row's run ended, in the few fields the report keeps. The run itself (a job or a pipeline)
// tells its campaign by signal when it ends, so a campaign that continued as new while the row ran still
// hears of it (a child's result goes only to the run that started it); the campaign's own reading of a
// child's result, and the reconcile of a run that ended without telling, use the same mapping.
import { defineSignal } from '@temporalio/workflow';
import type { RowOutcome, RowStatus } from './campaigns';
import type { JobRecord, PipelineRecord } from './records';
import { atRisk } from './money';

export type RunEnd = Pick<
  RowOutcome,
  'status' | 'taskIds' | 'kept' | 'outputs' | 'billed' | 'currency' | 'failure' | 'atRisk' | 'recordless'
>;

/** Where a row's run reports its end: the campaign's workflow (whichever run of it is current) and the row. */
export interface RowNotify {
  workflowId: string;
  key: string;
}

export const rowEndedSignal = defineSignal<[{ key: string; end: RunEnd }]>('campaignRowEnded');

export function runEndOf(rec: JobRecord | PipelineRecord): RunEnd {
  if ('jobId' in rec) {
    return {
      status: rowStatus(rec.status),
      taskIds: rec.taskId ? [rec.taskId] : [],
      ...(rec.keptAfterCancel && rec.taskId ? { kept: [rec.taskId] } : {}),
      outputs: (rec.outputs ?? []).map((o) => o.key),
      ...(rec.cost.billed ? { billed: rec.cost.billed.amount, currency: rec.cost.billed.currency } : {}),
      ...unknown(atRisk(rec), rec.cost.estimated?.currency),
      ...(rec.failure ? { failure: rec.failure } : {}),
    };
  }
  const jobs = rec.order.flatMap((id) => rec.stages[id]!.jobs);
  const billed = Object.entries(rec.cost.billed)[0];
  const failed = rec.order.map((id) => rec.stages[id]!).find((s) => s.failure);
  const kept = jobs.flatMap((j) => (j.keptAfterCancel && j.taskId ? [j.taskId] : []));
  return {
    status: rowStatus(rec.status),
    taskIds: jobs.flatMap((j) => (j.taskId ? [j.taskId] : [])),
    ...(kept.length ? { kept } : {}),
    outputs: jobs.flatMap((j) => (j.outputs ?? []).map((o) => o.key)),
    ...(billed ? { billed: billed[1], currency: billed[0] } : {}),
    ...unknown(
      Math.round(jobs.reduce((sum, j) => sum + atRisk(j), 0) * 1e6) / 1e6,
      jobs.find((j) => j.cost.estimated)?.cost.estimated?.currency,
    ),
    ...(failed?.failure ? { failure: failed.failure } : {}),
  };
}

/** What may have been billed without its being known (shared/money.ts): counted as spent. */
function unknown(amount: number, currency: string | undefined): Pick<RunEnd, 'atRisk' | 'currency'> {
  return amount > 0 ? { atRisk: amount, ...(currency ? { currency } : {}) } : {};
}

/** A run that closed without a record (terminated, timed out): failed, and where to look. */
export function recordlessEnd(workflowId: string, why: string): RunEnd {
  return {
    status: 'failed',
    taskIds: [],
    outputs: [],
    recordless: true,
    failure: {
      cause: 'transient',
      message: `the row's run ${workflowId} ended without a record (${why})`,
      remedy: `Read the history of workflow ${workflowId} for its task IDs before running the row again.`,
    },
  };
}

function rowStatus(status: string): RowStatus {
  return status === 'stored' || status === 'expired' || status === 'canceled' ? status : 'failed';
}
