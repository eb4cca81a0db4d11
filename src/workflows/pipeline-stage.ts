// One pipeline stage: its candidates as child job workflows (`<pipeline>/<stage>[-cN][-retry]`), the
// stage's failure policy (a retry with a new seed or a fallback route, only when nothing paid is at
// stake), and what each job adds to the pipeline's record (its summary and its cost).
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { childWorkflowId } from '../shared/ids';
import { mayPayAgain } from '../shared/money';
import type { JobOptions } from '../shared/job-options';
import type { JobRecord, PipelineRecord } from '../shared/records';
import type { PipelinePlan } from '../pipelines/plan';
import { substituteRefs } from '../pipelines/refs';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { JobInput, StarterBudget } from './job-input';
import { isImageModel } from '../wan/models';
import type { RowNotify } from '../shared/row-ends';
import { wanJob } from './job';
import { summarizeJob } from './job-summary';
import { isTagged, startAttributes } from './search-attributes';

export interface PipelineInput {
  pipelineId: string;
  plan: PipelinePlan;
  /** Explicit overrides of the workers' policy, passed to every job (histories before: a whole policy). */
  options?: Partial<JobOptions>;
  /** A campaign row's pipeline: its jobs queue for account slots with the campaign's group and priority. */
  slot?: { priority?: number; group?: string };
  /** A daily budget whoever started the pipeline is held to (an agent's): every job reserves in it too. */
  budget?: StarterBudget;
  /** A campaign row's pipeline: the campaign it tells when it ends (its stage jobs do not). */
  notify?: RowNotify;
}

/** Runs one stage's candidates; a failed candidate follows the stage's failure policy once. */
export async function runStage(
  input: PipelineInput,
  rec: PipelineRecord,
  id: string,
  run: { canceled: boolean },
): Promise<void> {
  const planned = input.plan.stages[id]!;
  const state = rec.stages[id]!;
  const request = substituteRefs(
    planned.spec.request,
    (r) => `asset://${rec.stages[r.stage]!.outputs[r.output - 1]}`,
  );
  const candidates = Array.from({ length: planned.spec.candidates }, (_, c) => c + 1);
  const results = await Promise.all(
    candidates.map(async (c) => {
      const suffix = planned.spec.candidates > 1 ? `-c${c}` : '';
      const first = await runJob(input, rec, id, `${id}${suffix}`, planned, withSeed(request, c, 0), run);
      if (first.status === 'stored' || first.status === 'canceled' || planned.spec.onFailure === 'fail')
        return first;
      // A second task is paid only when the first is proven free (shared/money.ts): not after its
      // task succeeded (the output is paid; storing it failed), nor after any outcome not known (a lost
      // create or sync answer, a give-up whose cancel was refused, a job without a record).
      if (!mayPayAgain(first)) return first;
      // A cancel is final: no retry or fallback job starts after it.
      if (run.canceled) return first;
      const route: RouteId =
        planned.spec.onFailure === 'fallback-route'
          ? (planned.spec.fallbackRoute ?? planned.route)
          : planned.route;
      return runJob(
        input,
        rec,
        id,
        `${id}${suffix}-retry`,
        { route, region: planned.region },
        withSeed(request, c, 1),
        run,
      );
    }),
  );
  const lead = results[0]!;
  if (results.every((r) => r.status === 'stored')) {
    state.outputs = (lead.outputs ?? []).map((o) => o.key);
    state.status = 'stored';
  } else if (results.some((r) => r.status === 'canceled')) {
    state.status = 'canceled';
  } else {
    state.status = 'failed';
    state.failure = results.find((r) => r.failure)?.failure;
  }
}

async function runJob(
  input: PipelineInput,
  rec: PipelineRecord,
  stageId: string,
  name: string,
  at: { route: RouteId; region: RegionId },
  request: Record<string, unknown>,
  run: { canceled: boolean },
): Promise<JobRecord> {
  const jobId = `${input.pipelineId}/${name}`;
  const job: JobInput = {
    jobId,
    ...at,
    request,
    ...(input.options ? { options: input.options } : {}),
    // A pipeline's jobs share account slots fairly with other pipelines and campaigns.
    slot: { group: input.pipelineId, ...input.slot },
    ...(input.budget ? { budget: input.budget } : {}),
  };
  const state = rec.stages[stageId]!;
  state.jobIds.push(jobId);
  let record: JobRecord;
  try {
    // Started and awaited outside cancellation: the pipeline cancels its jobs itself, then waits for their
    // records (a canceled job still reports what it paid for and kept).
    const child = await CancellationScope.nonCancellable(() =>
      startChild(wanJob, {
        workflowId: childWorkflowId(workflowInfo().workflowId, jobId),
        args: [job],
        typedSearchAttributes: isTagged()
          ? startAttributes({
              pipeline: input.pipelineId,
              stages: [stageId],
              models: [String(request.model)],
              labels: input.plan.spec.labels,
            })
          : undefined,
        // A paid task outlives its pipeline: if the pipeline is terminated, the job still collects its result.
        parentClosePolicy: 'ABANDON',
      }),
    );
    // A cancel that came while this job was being started found nothing to cancel: cancel it now.
    if (run.canceled)
      await CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(child.workflowId)
          .cancel()
          .catch(() => undefined),
      );
    record = await CancellationScope.nonCancellable(() => child.result());
  } catch (err) {
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    const detail = err.cause instanceof ApplicationFailure ? err.cause.details?.[0] : undefined;
    // A job that ended without its record (terminated, timed out) is a failed stage, and the pipeline
    // still writes its manifest.
    record = (detail as JobRecord | undefined) ?? recordlessJob(jobId, at, request, err);
  }
  state.jobs.push(summarizeJob(record));
  addCost(rec, record);
  return record;
}

/** The record of a job whose workflow ended without one: what is known, and where to look. */
function recordlessJob(
  jobId: string,
  at: { route: RouteId; region: RegionId },
  request: Record<string, unknown>,
  err: ChildWorkflowFailure,
): JobRecord {
  const now = new Date(Date.now()).toISOString();
  return {
    jobId,
    ...at,
    model: String(request.model),
    endpointFamily: isImageModel(String(request.model)) ? 'image-generation' : 'video-synthesis',
    mediaRoles: [],
    sourceAssets: [],
    polls: 0,
    status: 'failed',
    recordless: true,
    timestamps: { created: now, finished: now },
    cost: {},
    failure: {
      cause: 'transient',
      message: `job ${jobId} ended without a record (${err.cause?.message ?? err.message}); a task it made, if any, is named in its workflow history`,
      remedy: `Read the history of workflow ${err.execution.workflowId} for its task ID before running the stage again.`,
    },
  };
}

/** Candidates differ by seed; a retry moves the seed on. Deterministic, so replays agree. */
function withSeed(
  request: Record<string, unknown>,
  candidate: number,
  retry: number,
): Record<string, unknown> {
  if (candidate === 1 && retry === 0) return request;
  const parameters = { ...((request.parameters as Record<string, unknown> | undefined) ?? {}) };
  const base = typeof parameters.seed === 'number' ? parameters.seed : 1;
  parameters.seed = (base + (candidate - 1) * 1000 + retry * 100_000) % 2147483647;
  return { ...request, parameters };
}

function addCost(rec: PipelineRecord, job: JobRecord): void {
  for (const [kind, figure] of [
    ['estimated', job.cost.estimated],
    ['billed', job.cost.billed],
  ] as const) {
    if (!figure) continue;
    const totals = rec.cost[kind];
    totals[figure.currency] = Math.round(((totals[figure.currency] ?? 0) + figure.amount) * 1e6) / 1e6;
  }
}
