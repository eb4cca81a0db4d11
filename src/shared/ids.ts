// The IDs users choose (job IDs, pipeline keys) and the storage folders they name, checked in one place
// before anything is started or paid: an ID that only failed when its output was stored would lose a
// paid output. Pure: workflows, activities, client and CLI import it alike.
import type { FieldProblem } from '../wan/validation';

/** Letters, digits, `.`, `_`, `-`; up to 128 characters; no path separators, so no traversal. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why `value` cannot name a job or pipeline, as a field problem; undefined when it can. */
export function runIdProblem(field: string, value: unknown): FieldProblem | undefined {
  if (typeof value === 'string' && RUN_ID.test(value) && !value.includes('..')) return undefined;
  return {
    field,
    value: typeof value === 'string' ? value.slice(0, 140) : value,
    message:
      'must be 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit (no "/", no "..")',
  };
}

/**
 * A campaign row's run ID: `<campaign>~<row>`. `~` is never in a chosen ID, so a row's folder cannot be a
 * standalone job's or pipeline's.
 */
export function campaignRowId(campaignId: string, rowKey: string): string {
  return `${campaignId}~${rowKey}`;
}

/** A campaign row's folder, when `runId` is a row's: `campaigns/<campaign>/rows/<row>`. */
function rowFolder(runId: string): string | undefined {
  const tilde = runId.indexOf('~');
  return tilde === -1 ? undefined : `${campaignFolder(runId.slice(0, tilde))}/rows/${runId.slice(tilde + 1)}`;
}

/** Where a campaign keeps its rows, its index, its report and its rows' outputs. */
export function campaignFolder(campaignId: string): string {
  return `campaigns/${campaignId}`;
}

/** Where a pipeline's manifest and jobs live: `pipelines/<id>/`, or its campaign row's folder. */
export function pipelineFolder(pipelineId: string): string {
  return rowFolder(pipelineId) ?? `pipelines/${pipelineId}`;
}

/**
 * Where a job's outputs and manifest live. Standalone jobs under `jobs/<id>/`; a pipeline's jobs (IDs
 * `<pipeline>/<stage>`) under `<pipeline folder>/jobs/<stage>/`, beside the pipeline's manifest, so a
 * standalone job can never write into a pipeline's folder; a campaign row's job in its row's folder.
 */
export function jobFolder(jobId: string): string {
  const slash = jobId.indexOf('/');
  if (slash === -1) return rowFolder(jobId) ?? `jobs/${jobId}`;
  return `${pipelineFolder(jobId.slice(0, slash))}/jobs/${jobId.slice(slash + 1)}`;
}

/** The workflow of a standalone job. */
export function jobWorkflowId(jobId: string): string {
  return `wanflow-job-${jobId}`;
}

/** The workflow of a pipeline. */
export function pipelineWorkflowId(pipelineId: string): string {
  return `wanflow-pipeline-${pipelineId}`;
}

/**
 * The child workflow of a pipeline's job (`<pipeline>/<stage>`): `<pipeline workflow>/<stage>`, so
 * `wanflow-pipeline-<pipeline>/<stage>` — which is also `pipelineWorkflowId` of the job's ID, the one
 * formula the CLI looks a `<pipeline>/<stage>` up by.
 */
export function childWorkflowId(pipelineWorkflow: string, jobId: string): string {
  return `${pipelineWorkflow}/${jobId.slice(jobId.indexOf('/') + 1)}`;
}

/** The workflow of a campaign. */
export function campaignWorkflowId(campaignId: string): string {
  return `wanflow-campaign-${campaignId}`;
}

/** The child workflow running a campaign's row: `wanflow-campaign-<campaign>/<row>`. */
export function campaignRowWorkflowId(campaignId: string, rowKey: string): string {
  return `${campaignWorkflowId(campaignId)}/${rowKey}`;
}

const SEGMENT = '[^/]+';
const JOB_WORKFLOW = new RegExp(
  `^(?:${[
    `wanflow-job-${SEGMENT}`, // jobWorkflowId
    `wanflow-pipeline-${SEGMENT}/${SEGMENT}`, // childWorkflowId of a pipeline
    `wanflow-campaign-${SEGMENT}/${SEGMENT}`, // campaignRowWorkflowId of a job row
    `wanflow-campaign-${SEGMENT}/${SEGMENT}/${SEGMENT}`, // childWorkflowId of a pipeline row
  ].join('|')})$`,
);

/**
 * Whether `workflowId` can be one that runs a single job — standalone, a pipeline's stage, a campaign's
 * row, a campaign pipeline row's stage — by the formulas above (held to them by test/unit/ids.test.ts).
 * What a task's webhook may wake: never a pipeline, a campaign, a slot, a lock or a ledger.
 */
export function isJobWorkflowId(workflowId: string): boolean {
  return JOB_WORKFLOW.test(workflowId);
}

/** The task queue of a job's polls, whose activity rate the server holds to the account's query budget. */
export function queriesTaskQueue(taskQueue: string): string {
  return `${taskQueue}-queries`;
}
