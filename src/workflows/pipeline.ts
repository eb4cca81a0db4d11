// The pipeline workflow: stages run as child job workflows with deterministic IDs (`<pipeline>/<stage>`),
// as soon as the stages they use are stored, side by side when independent. Outputs travel as storage
// keys and become `asset://` references in later requests (URLs are made only at submit). After a crash
// or restart, finished children are not re-run and running ones are not re-submitted: they are the same
// workflow executions, resumed.
import { childWorkflowId, pipelineFolder } from '../shared/ids';
import {
  ApplicationFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { WanflowActivities } from '../activities';
import type { PipelineRecord, StageState } from '../shared/records';
import { pipelineStateQuery } from './definitions';
import { updateTags, WanflowStage, WanflowState } from './search-attributes';
import { runStage, type PipelineInput } from './pipeline-stage';
import { pinnedWhenVersioned } from './versioning';
import { tellCampaign } from './row-notice';
import { takesStoredInputs } from '../pipelines/refs';
import { activityFailure } from './failures';
import { FAILURE_TYPE } from '../shared/failure-types';

// Writing the manifest must not be lost: retry for up to an hour of storage trouble.
const { recordPipeline } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '60s' },
});
// A check of the worker's configuration, nothing paid: a few tries, then the refusal stands.
const { checkStoredInputRoutes } = proxyActivities<WanflowActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [FAILURE_TYPE.invalidRequest] },
});

// A pipeline, like its jobs, stays on the build that started it (see job.ts).
setWorkflowOptions(pinnedWhenVersioned, wanPipeline);

export async function wanPipeline(input: PipelineInput): Promise<PipelineRecord> {
  const { plan, pipelineId } = input;
  const stage = (id: string): StageState => ({
    status: 'waiting',
    model: plan.stages[id]!.model,
    ...(plan.stages[id]!.mode ? { mode: plan.stages[id]!.mode } : {}),
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
  const refused = await routesRefuseStoredInputs(input, rec);

  const running = new Map<string, Promise<void>>();
  // Shared with the stages: once set, no retry, fallback or late-started job escapes the cancel.
  const run = { canceled: false };
  let shown: string[] = [];
  for (; !refused;) {
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

  rec.status = refused
    ? 'failed'
    : run.canceled
      ? 'canceled'
      : Object.values(rec.stages).every((s) => s.status === 'stored')
        ? 'stored'
        : 'failed';
  rec.timestamps.finished = new Date(Date.now()).toISOString();
  rec.manifestKey = `${pipelineFolder(pipelineId)}/manifest.json`;
  await CancellationScope.nonCancellable(() => recordPipeline(rec));
  updateTags([{ key: WanflowState, value: rec.status }]);
  await tellCampaign(input.notify, rec);
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

/**
 * Every stage that takes stored media (and its fallback route) is checked against what this worker can
 * hand its route, before the first stage is paid; a refusal fails those stages by field and skips the
 * rest. Pipelines before `pipeline-routes-checked-first` found it at the stage, after paying for earlier ones.
 */
async function routesRefuseStoredInputs(input: PipelineInput, rec: PipelineRecord): Promise<boolean> {
  const { plan } = input;
  const stages = plan.order.flatMap((id) => {
    const s = plan.stages[id]!;
    if (!takesStoredInputs(s.spec.request)) return [];
    const fallback = s.spec.onFailure === 'fallback-route' ? s.spec.fallbackRoute : undefined;
    return [
      { field: `stages.${s.index}.route`, route: s.route, region: s.region },
      ...(fallback ? [{ field: `stages.${s.index}.fallbackRoute`, route: fallback, region: s.region }] : []),
    ];
  });
  if (!stages.length) return false;
  try {
    await checkStoredInputRoutes(stages);
    return false;
  } catch (err) {
    const view = activityFailure(err);
    if (view?.type !== FAILURE_TYPE.invalidRequest) throw err;
    const problems = (view.details.problems as { field: string; message: string }[] | undefined) ?? [];
    for (const id of plan.order) {
      const index = plan.stages[id]!.index;
      const mine = problems.filter((p) => p.field.startsWith(`stages.${index}.`));
      rec.stages[id]!.status = mine.length ? 'failed' : 'skipped';
      if (mine.length)
        rec.stages[id]!.failure = {
          cause: 'invalid_input',
          message: mine.map((p) => `${p.field}: ${p.message}`).join('; '),
          remedy: 'Run the stage on a route with a temporary upload, or configure a store that signs URLs.',
        };
    }
    return true;
  }
}
