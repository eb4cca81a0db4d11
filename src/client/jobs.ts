// The typed API used by the CLI and by other programs: start a job (validated here first, so bad input
// fails before any workflow or HTTP request), read its state, wait for its record.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { shortModelName } from '../wan/models';
import { familyOf } from '../wan/registry';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { finalRecord } from './records';
import { requestHash, startOnce } from './start-once';
import type { WanflowConfig } from '../config/config';
import { InvalidRequestError, parseWanRequest } from '../wan/validation';
import { runIdProblem } from '../shared/ids';
import { sizeProblems } from '../shared/sizes';
import { assertRouteServes, ROUTE_CAPABILITIES } from '../providers/routes';
import type { RegionId } from '../wan/regions';
import type { VideoRequestInput } from '../wan/requests';
import type { RouteId } from '../wan/routes';
import type { JobRecord } from '../shared/records';
import { type JobInput, type StarterBudget } from '../workflows/job-input';
import { type JobOptions } from '../shared/job-options';
import { jobWorkflowId } from '../shared/ids';
import { jobStateQuery } from '../workflows/definitions';
import { startAttributes } from '../workflows/search-attributes';
import { stageLocalInputs } from '../assets/stage';
import { createStore } from '../storage';
import { EXIT, WanflowError } from '../shared/errors';

export class TemporalUnreachableError extends WanflowError {
  override readonly name = 'TemporalUnreachableError';
  override readonly exitCode = EXIT.unreachable;
  override readonly retryable = true;
  readonly remedy =
    'Start one (`wanflow up` runs a local dev server), or point TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings at yours (README, Deploying).';
}

export async function connectClient(config: WanflowConfig): Promise<Client> {
  const connection = await Connection.connect({
    address: config.temporal.address,
    tls: config.temporal.tls,
    apiKey: config.temporal.apiKey,
    metadata: config.temporal.metadata,
  }).catch((err: unknown) => {
    throw new TemporalUnreachableError(
      `cannot reach Temporal at ${config.temporal.address}: ${(err as Error).message}`,
      { cause: err },
    );
  });
  return new Client({ connection, namespace: config.temporal.namespace });
}

export interface StartJobRequest {
  request: VideoRequestInput | unknown;
  jobId?: string;
  region?: RegionId;
  route?: RouteId;
  /** Explicit overrides of the worker's policy (the worker bounds them); normally left out. */
  options?: Partial<JobOptions>;
  /** A request read from a file: its local files are found in, and only in, this folder. */
  baseDir?: string;
  /** A daily budget the starter (an agent) is held to besides the account's. */
  budget?: StarterBudget;
  /** The agent starting it: its files are stored in its folder, and it names only its own assets. */
  agent?: string;
}

export async function startJob(
  client: Client,
  config: WanflowConfig,
  req: StartJobRequest,
): Promise<{ jobId: string; workflowId: string }> {
  // A route that runs on one region's account (inference.sh: Singapore) is in that region unless told.
  const region = req.region ?? ROUTE_CAPABILITIES[req.route ?? 'modelstudio'].region ?? config.region;
  // The ID names the output's folder: refused now, not after its task was paid.
  const idProblem = req.jobId === undefined ? undefined : runIdProblem('jobId', req.jobId);
  const tooLarge = sizeProblems(req.request);
  if (idProblem || tooLarge.length)
    throw new InvalidRequestError([...(idProblem ? [idProblem] : []), ...tooLarge]);
  // Local files are stored here, where they are, and travel as asset:// references.
  const request = await stageLocalInputs(req.request, createStore(config.storage), req.baseDir, {
    ...(req.baseDir ? { root: resolve(req.baseDir) } : {}),
    agent: req.agent,
  });
  const parsed = parseWanRequest(request);
  assertRouteServes(req.route ?? 'modelstudio', parsed, region);
  // Named by its model: Wan 2.7's by kind of work (t2v-…), a one-model family's by the whole model ID.
  const named =
    familyOf(parsed.model)?.request === 'typed media' ? parsed.model : shortModelName(parsed.model);
  const jobId = req.jobId ?? `${named}-${randomUUID().slice(0, 8)}`;
  const input: JobInput = {
    jobId,
    route: req.route ?? 'modelstudio',
    region,
    request,
    // Timing is the worker's (it knows the route it calls); only explicit overrides travel.
    ...(req.options ? { options: req.options } : {}),
    ...(req.budget ? { budget: req.budget } : {}),
  };
  const workflowId = jobWorkflowId(jobId);
  // A job ID names one paid task: starting it again while it runs or after it ended gives that job back
  // (never a second task); another request under the same ID is refused.
  await startOnce(
    client,
    'wanJob',
    {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: config.searchAttributes
        ? startAttributes({ models: [parsed.model] })
        : undefined,
    },
    requestHash({ route: input.route, region: input.region, request: input.request, options: input.options }),
    'job request',
  );
  return { jobId, workflowId };
}

export async function getJobState(client: Client, jobId: string): Promise<JobRecord> {
  return client.workflow.getHandle(jobWorkflowId(jobId)).query(jobStateQuery);
}

/** Resolves with the final record, stored or not; progress is reported by querying at `everyMs`. */
export async function waitForJob(
  client: Client,
  jobId: string,
  onProgress?: (r: JobRecord) => void,
  everyMs = 1000,
): Promise<JobRecord> {
  return followJob(client.workflow.getHandle(jobWorkflowId(jobId)), onProgress, everyMs);
}

/** waitForJob on a handle: standalone jobs and a pipeline's jobs alike. */
export async function followJob(
  handle: WorkflowHandle,
  onProgress?: (r: JobRecord) => void,
  everyMs = 1000,
): Promise<JobRecord> {
  const result = finalRecord<JobRecord>(handle.result());
  if (!onProgress) return result;
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    await Promise.race([result, new Promise((r) => setTimeout(r, everyMs))]).catch(() => undefined);
    if (done) break;
    await handle.query(jobStateQuery).then(onProgress, () => undefined);
  }
  const final = await result;
  onProgress(final);
  return final;
}
