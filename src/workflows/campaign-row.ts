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
import { recordlessEnd, runEndOf, type RunEnd } from '../shared/row-ends';
import type { JobOptions } from '../shared/job-options';
import type { JobRecord, PipelineRecord } from '../shared/records';
import type { PipelinePlan } from '../pipelines/plan';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import type { JobInput, StarterBudget } from './job-input';
import type { RowRef } from '../coordination/campaign';
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
  /** The campaign's workflow, which the run tells when it ends (campaigns that hand rows over). */
  notifyWorkflowId?: string;
  starterBudget?: StarterBudget;
}

export type { RowRef } from '../coordination/campaign';

/**
 * Runs one row to its end and says how it ended; never throws for the row's own failure. `started` is
 * called once its run exists (or could not be started): only then may the campaign continue as new.
 */
export async function runRow(
  ctx: RowContext,
  row: CampaignRowEntry,
  started: () => void = () => undefined,
): Promise<RowOutcome> {
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
  const options = {
    ...(ctx.options ? { options: ctx.options } : {}),
    ...(ctx.notifyWorkflowId ? { notify: { workflowId: ctx.notifyWorkflowId, key: row.key } } : {}),
    ...(ctx.starterBudget ? { budget: ctx.starterBudget } : {}),
  };
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
    started();
    const record = await CancellationScope.nonCancellable(() => child.result());
    return rowOutcome(row, runId, runEndOf(record as JobRecord | PipelineRecord));
  } catch (err) {
    started();
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return rowOutcome(row, runId, { status: 'already_ran' });
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    const detail = err.cause instanceof ApplicationFailure ? err.cause.details?.[0] : undefined;
    if (detail) return rowOutcome(row, runId, runEndOf(detail as JobRecord | PipelineRecord));
    // Terminated or timed out: no record. What it may have paid for is in its history.
    return rowOutcome(row, runId, recordlessEnd(workflowId, err.cause?.message ?? err.message));
  }
}

/** A row's outcome for the report: the row's own facts and how its run ended. */
export function rowOutcome(row: RowRef, runId: string, end: RunEnd | { status: RowStatus }): RowOutcome {
  return {
    key: row.key,
    line: row.line,
    runId,
    taskIds: [],
    outputs: [],
    ...(row.estimate !== undefined ? { estimate: row.estimate, currency: row.currency } : {}),
    ...end,
    finished: new Date(Date.now()).toISOString(),
  };
}
