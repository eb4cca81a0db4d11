// One campaign row: its run as a child workflow with a deterministic ID (`<campaign>/<row>`) — a job, or a
// pipeline — and the outcome the report lists, whatever way the run ended. A run that already exists is
// never started again (REJECT_DUPLICATE): the same row cannot pay twice, even across campaign runs.
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  getExternalWorkflowHandle,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { campaignRowId, campaignRowWorkflowId } from '../shared/ids';
import type { CampaignRowEntry, RowOutcome, RowStatus } from '../shared/campaigns';
import type { JobOptions } from '../shared/job-options';
import type { JobRecord, PipelineRecord } from '../shared/records';
import type { PipelinePlan } from '../pipelines/plan';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import type { JobInput } from './job-input';
import type { PipelineInput } from './pipeline-stage';
import { wanJob } from './job';
import { wanPipeline } from './pipeline';
import { startAttributes, WanflowCampaign } from './search-attributes';

export interface RowContext {
  campaignId: string;
  kind: 'job' | 'pipeline';
  route: RouteId;
  region: RegionId;
  options?: Partial<JobOptions>;
  priority: number;
  /** Set once the campaign is canceled: a row started meanwhile is canceled as soon as it exists. */
  canceled: () => boolean;
}

/** Runs one row to its end and says how it ended; never throws for the row's own failure. */
export async function runRow(ctx: RowContext, row: CampaignRowEntry): Promise<RowOutcome> {
  const runId = campaignRowId(ctx.campaignId, row.key);
  const workflowId = campaignRowWorkflowId(ctx.campaignId, row.key);
  const slot = { priority: ctx.priority, group: ctx.campaignId };
  const common = {
    workflowId,
    // A paid task outlives its campaign: if the campaign is terminated, the row still collects its result.
    parentClosePolicy: 'ABANDON' as const,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes:
      workflowInfo().typedSearchAttributes.get(WanflowCampaign) !== undefined
        ? startAttributes({ campaign: ctx.campaignId, models: row.models })
        : undefined,
  };
  const options = ctx.options ? { options: ctx.options } : {};
  try {
    // Started and awaited outside cancellation: the campaign cancels its rows itself, then waits for
    // their records (a canceled row still reports what it paid for and kept).
    const child = await CancellationScope.nonCancellable<{ result(): Promise<JobRecord | PipelineRecord> }>(
      () =>
        ctx.kind === 'job'
          ? startChild(wanJob, {
              ...common,
              args: [
                {
                  jobId: runId,
                  route: ctx.route,
                  region: ctx.region,
                  request: row.body,
                  slot,
                  ...options,
                } satisfies JobInput,
              ],
            })
          : startChild(wanPipeline, {
              ...common,
              args: [
                {
                  pipelineId: runId,
                  plan: row.body as PipelinePlan,
                  slot,
                  ...options,
                } satisfies PipelineInput,
              ],
            }),
    );
    if (ctx.canceled())
      await CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(workflowId)
          .cancel()
          .catch(() => undefined),
      );
    const record = await CancellationScope.nonCancellable(() => child.result());
    return outcomeOf(row, runId, record as JobRecord | PipelineRecord);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { ...base(row, runId), status: 'already_ran' };
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    const detail = err.cause instanceof ApplicationFailure ? err.cause.details?.[0] : undefined;
    if (detail) return outcomeOf(row, runId, detail as JobRecord | PipelineRecord);
    // Terminated or timed out: no record. What it may have paid for is in its history.
    return {
      ...base(row, runId),
      status: 'failed',
      failure: {
        cause: 'transient',
        message: `row ${row.key} ended without a record (${err.cause?.message ?? err.message})`,
        remedy: `Read the history of workflow ${workflowId} for its task IDs before running the row again.`,
      },
    };
  }
}

function base(row: CampaignRowEntry, runId: string): Omit<RowOutcome, 'status'> {
  return {
    key: row.key,
    line: row.line,
    runId,
    taskIds: [],
    outputs: [],
    ...(row.estimate !== undefined ? { estimate: row.estimate, currency: row.currency } : {}),
    finished: new Date(Date.now()).toISOString(),
  };
}

function outcomeOf(row: CampaignRowEntry, runId: string, rec: JobRecord | PipelineRecord): RowOutcome {
  const out = base(row, runId);
  if ('jobId' in rec) {
    return {
      ...out,
      status: rowStatus(rec.status),
      taskIds: rec.taskId ? [rec.taskId] : [],
      outputs: (rec.outputs ?? []).map((o) => o.key),
      ...(rec.cost.billed ? { billed: rec.cost.billed.amount, currency: rec.cost.billed.currency } : {}),
      ...(rec.failure ? { failure: rec.failure } : {}),
    };
  }
  const jobs = rec.order.flatMap((id) => rec.stages[id]!.jobs);
  const billed = Object.entries(rec.cost.billed)[0];
  const failed = rec.order.map((id) => rec.stages[id]!).find((s) => s.failure);
  return {
    ...out,
    status: rowStatus(rec.status),
    taskIds: jobs.flatMap((j) => (j.taskId ? [j.taskId] : [])),
    outputs: jobs.flatMap((j) => (j.outputs ?? []).map((o) => o.key)),
    ...(billed ? { billed: billed[1], currency: billed[0] } : {}),
    ...(failed?.failure ? { failure: failed.failure } : {}),
  };
}

function rowStatus(status: string): RowStatus {
  return status === 'stored' || status === 'expired' || status === 'canceled' ? status : 'failed';
}
