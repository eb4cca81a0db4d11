// Pipelines for programs and the CLI: validate the whole spec (local files staged first), start it under
// an idempotency key so a retried start returns the same pipeline and never pays twice, follow it.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { finalRecord } from './records';
import { requestHash, startOnce } from './start-once';
import type { WanflowConfig } from '../config/config';
import { planPipeline } from '../pipelines/validate';
import { preflightPipeline } from '../pipelines/preflight';
import { stageLocalInputs } from '../assets/stage';
import { createStore, type AssetStore } from '../storage';
import { InvalidRequestError, type FieldProblem } from '../wan/validation';
import { pipelineWorkflowId, runIdProblem } from '../shared/ids';
import { sizeProblems } from '../shared/sizes';
import { DEFAULT_JOB_OPTIONS, SIMULATOR_JOB_OPTIONS } from '../config/policy';
import { type JobOptions } from '../shared/job-options';
import type { PipelineInput } from '../workflows/pipeline-stage';
import type { StarterBudget } from '../workflows/job-input';
import { pipelineStateQuery } from '../workflows/definitions';
import { startAttributes } from '../workflows/search-attributes';
import type { PipelineRecord } from '../shared/records';

export interface StartPipelineRequest {
  spec: unknown;
  /** Caller-chosen key: the same key returns the same pipeline. */
  key?: string;
  options?: Partial<JobOptions>;
  /** Where relative file paths in the spec are resolved: the CLI passes the spec file's folder. */
  baseDir?: string;
  /** Let the spec name files outside `baseDir` (a spec from elsewhere may not read your files). */
  allowFilesOutside?: boolean;
  /** A daily budget the starter (an agent) is held to besides the account's. */
  budget?: StarterBudget;
  /** The agent starting it: its files are stored in its folder, and it names only its own assets. */
  agent?: string;
}

export async function startPipeline(
  client: Client,
  config: WanflowConfig,
  req: StartPipelineRequest,
): Promise<{ pipelineId: string; workflowId: string }> {
  const keyProblem = req.key === undefined ? undefined : runIdProblem('key', req.key);
  const tooLarge = sizeProblems(req.spec);
  if (keyProblem || tooLarge.length)
    throw new InvalidRequestError([...(keyProblem ? [keyProblem] : []), ...tooLarge]);
  const store = createStore(config.storage);
  const spec = await stageSpecFiles(req.spec, store, req.baseDir, req.allowFilesOutside, req.agent);
  // Stage times for the ETA only; the jobs themselves are timed by the worker.
  const etaTiming = (config.live ? DEFAULT_JOB_OPTIONS : SIMULATOR_JOB_OPTIONS).timing;
  const plan = planPipeline(spec, req.options?.timing ?? etaTiming);
  await preflightPipeline(plan, store, { allowHosts: config.preflightAllowHosts });
  const pipelineId = req.key ?? randomUUID().replaceAll('-', '').slice(0, 12);
  const workflowId = pipelineWorkflowId(pipelineId);
  const input: PipelineInput = {
    pipelineId,
    plan,
    ...(req.options ? { options: req.options } : {}),
    ...(req.budget ? { budget: req.budget } : {}),
  };
  await startOnce(
    client,
    'wanPipeline',
    {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
      memo: { name: plan.spec.name },
      typedSearchAttributes: config.searchAttributes
        ? startAttributes({
            pipeline: pipelineId,
            models: Object.values(plan.stages).map((s) => s.model),
            labels: plan.spec.labels,
          })
        : undefined,
    },
    requestHash(plan.spec),
    'pipeline spec',
  );
  return { pipelineId, workflowId };
}

/** Stores every stage's local files (relative to `baseDir`) as `asset://` refs; problems name their stage. */
export async function stageSpecFiles(
  raw: unknown,
  store: AssetStore,
  baseDir = process.cwd(),
  allowFilesOutside = false,
  agent?: string,
): Promise<unknown> {
  const spec = structuredClone(raw) as { stages?: { request?: unknown }[] };
  const problems: FieldProblem[] = [];
  const stages = Array.isArray(spec?.stages) ? spec.stages : [];
  for (const [i, s] of stages.entries()) {
    if (!s?.request) continue;
    try {
      s.request = await stageLocalInputs(s.request, store, baseDir, {
        root: allowFilesOutside ? undefined : resolve(baseDir),
        agent,
      });
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      problems.push(...err.problems.map((p) => ({ ...p, field: `stages.${i}.request.${p.field}` })));
    }
  }
  if (problems.length) throw new InvalidRequestError(problems);
  return spec;
}

/** A key names one spec: reusing it for another is refused rather than silently returning the old one. */
export async function getPipelineState(client: Client, pipelineId: string): Promise<PipelineRecord> {
  return client.workflow.getHandle(pipelineWorkflowId(pipelineId)).query(pipelineStateQuery);
}

/** The final record, stored or failed. */
export async function waitForPipeline(client: Client, pipelineId: string): Promise<PipelineRecord> {
  return finalRecord(client.workflow.getHandle(pipelineWorkflowId(pipelineId)).result());
}

/** Cancels a pipeline: PENDING tasks are canceled at the provider, RUNNING ones collected and kept. */
export async function cancelPipeline(client: Client, pipelineId: string): Promise<void> {
  await client.workflow.getHandle(pipelineWorkflowId(pipelineId)).cancel();
}
