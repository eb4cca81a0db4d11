// The pipeline workflow: stages run as child job workflows with deterministic IDs (`<pipeline>/<stage>`),
// as soon as the stages they use are stored, side by side when independent. Outputs travel as storage
// keys and become `asset://` references in later requests (URLs are made only at submit). After a crash
// or restart, finished children are not re-run and running ones are not re-submitted: they are the same
// workflow executions, resumed.
import { childWorkflowId } from '../shared/ids';
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  startChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import type { JobRecord } from '../shared/records';
import { summarizeJob } from './job-summary';
import type { PipelineRecord, StageState } from '../shared/records';
import type { PipelinePlan } from '../pipelines/validate';
import { substituteRefs } from '../pipelines/spec';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import { pipelineStateQuery } from './definitions';
import { isTagged, startAttributes, updateTags, WanflowStage, WanflowState } from './search-attributes';
import type { JobInput } from './job-input';
import type { JobOptions } from '../shared/job-options';
import { wanJob } from './job';

// Writing the manifest must not be lost: retry for up to an hour of storage trouble.
const { recordPipeline } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '60s' },
});

export interface PipelineInput {
  pipelineId: string;
  plan: PipelinePlan;
  /** Explicit overrides of the workers' policy, passed to every job (histories before: a whole policy). */
  options?: Partial<JobOptions>;
}

export async function wanPipeline(input: PipelineInput): Promise<PipelineRecord> {
  const { plan, pipelineId } = input;
  const stage = (id: string): StageState => ({
    status: 'waiting',
    model: plan.stages[id]!.model,
    after: plan.stages[id]!.deps,
    expectedSeconds: plan.stages[id]!.expectedSeconds,
    jobIds: [],
    outputs: [],
    jobs: [],
  });
  const rec: PipelineRecord = {
    pipelineId,
    name: plan.spec.name,
    labels: plan.spec.labels,
    status: 'running',
    order: plan.order,
    stages: Object.fromEntries(plan.order.map((id) => [id, stage(id)])),
    cost: { estimated: {}, billed: {} },
    timestamps: { started: new Date(Date.now()).toISOString() },
  };
  setHandler(pipelineStateQuery, () => rec);

  const running = new Map<string, Promise<void>>();
  // Shared with the stages: once set, no retry, fallback or late-started job escapes the cancel.
  const run = { canceled: false };
  let shown: string[] = [];
  for (;;) {
    for (const id of plan.order) {
      const s = rec.stages[id]!;
      if (s.status !== 'waiting') continue;
      if (run.canceled) {
        s.status = 'canceled';
        continue;
      }
      const deps = plan.stages[id]!.deps.map((d) => rec.stages[d]!.status);
      // A stage whose input will never come (failed, skipped, or its job canceled alone) is skipped.
      if (deps.some((d) => d === 'failed' || d === 'skipped' || d === 'canceled')) s.status = 'skipped';
      else if (deps.every((d) => d === 'stored')) {
        s.status = 'running';
        s.started = new Date(Date.now()).toISOString();
        running.set(
          id,
          runStage(input, rec, id, run).finally(() => {
            s.finished = new Date(Date.now()).toISOString();
            running.delete(id);
          }),
        );
      }
    }
    const runningNow = [...running.keys()];
    if (runningNow.join() !== shown.join()) updateTags([{ key: WanflowStage, value: (shown = runningNow) }]);
    if (!running.size) break;
    try {
      await Promise.race([...running.values(), CancellationScope.current().cancelRequested]);
    } catch (err) {
      if (!isCancellation(err) || run.canceled) throw err;
      // Cancel the running jobs (each cancels a PENDING task, or keeps collecting a RUNNING one) and let
      // them finish; stages not yet started are canceled. Nothing below may be interrupted again.
      run.canceled = true;
      await CancellationScope.nonCancellable(async () => {
        for (const id of running.keys()) {
          for (const jobId of rec.stages[id]!.jobIds)
            await getExternalWorkflowHandle(childWorkflowId(workflowInfo().workflowId, jobId))
              .cancel()
              .catch(() => undefined);
        }
        await Promise.all(running.values());
      });
    }
  }

  rec.status = run.canceled
    ? 'canceled'
    : Object.values(rec.stages).every((s) => s.status === 'stored')
      ? 'stored'
      : 'failed';
  rec.timestamps.finished = new Date(Date.now()).toISOString();
  rec.manifestKey = `pipelines/${pipelineId}/manifest.json`;
  await CancellationScope.nonCancellable(() => recordPipeline(rec));
  updateTags([{ key: WanflowState, value: rec.status }]);
  if (rec.status === 'failed') {
    const failed = plan.order.filter((id) => rec.stages[id]!.status === 'failed');
    throw ApplicationFailure.nonRetryable(
      `pipeline ${pipelineId} failed at ${failed.join(', ')}`,
      'PipelineFailed',
      rec,
    );
  }
  return rec;
}

/** Runs one stage's candidates; a failed candidate follows the stage's failure policy once. */
async function runStage(
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
      // A second task is paid only when the first surely made nothing to keep: not after its task
      // succeeded (the output is paid; storing it failed), nor after a create that may have made one,
      // nor after a job that ended without a record (what it paid for is unknown).
      if (
        first.providerStatus === 'SUCCEEDED' ||
        first.failure?.cause === 'ambiguous_submit' ||
        first.recordless
      )
        return first;
      // A cancel is final: no retry or fallback job starts after it.
      if (run.canceled && patched('pipeline-cancel-final')) return first;
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
  const job: JobInput = { jobId, ...at, request, ...(input.options ? { options: input.options } : {}) };
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
    if (run.canceled && patched('pipeline-cancel-final'))
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
    endpointFamily: String(request.model).startsWith('wan2.7-image') ? 'image-generation' : 'video-synthesis',
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
