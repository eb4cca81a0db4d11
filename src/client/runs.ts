// Runs by the IDs people type: a pipeline ID (or key) or a job ID, resolved to its workflow, its record
// (live from the query while it runs, from the result once it closed), cancelled, or listed.
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { finalRecord } from './records';
import { followJob } from './jobs';
import type { JobRecord } from '../shared/records';
import type { PipelineRecord } from '../shared/records';
import { jobWorkflowId } from '../shared/ids';
import { jobStateQuery, pipelineStateQuery } from '../workflows/definitions';
import { pipelineWorkflowId } from '../shared/ids';
import { EXIT, WanflowError } from '../shared/errors';

export class RunNotFoundError extends WanflowError {
  override readonly name = 'RunNotFoundError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.notFound;
  readonly remedy =
    'Check the ID (`wanflow list` shows your runs) and TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE.';
}

export class ListFilterError extends WanflowError {
  override readonly name = 'ListFilterError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.usage;
  readonly remedy =
    'Register the attributes (`wanflow setup`) and leave WANFLOW_SEARCH_ATTRIBUTES on, or list without filters.';
}

interface RunBase {
  id: string;
  workflowId: string;
  running: boolean;
  started: string;
  /** Set when a running run's state could not be read: no worker answered the query in time. */
  unanswered?: string;
}

/** Without a record: a running run no worker answered for, or one terminated by hand. */
export type Run =
  (RunBase & { kind: 'pipeline'; record?: PipelineRecord }) | (RunBase & { kind: 'job'; record?: JobRecord });

const QUERY_DEADLINE_MS = 10_000;

/**
 * The pipeline or job with this ID — a pipeline's ID, a job's ID, or one of a pipeline's jobs
 * (`<pipeline>/<stage>`) — with its record (undefined only for a run terminated by hand).
 */
export async function findRun(client: Client, id: string): Promise<Run> {
  for (const workflowId of [pipelineWorkflowId(id), jobWorkflowId(id)]) {
    const handle = client.workflow.getHandle(workflowId);
    let described: WorkflowExecutionDescription;
    try {
      described = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue;
      throw err;
    }
    const kind = described.type === 'wanPipeline' ? 'pipeline' : 'job';
    const running = described.status.name === 'RUNNING';
    const base = { kind, id, workflowId, running, started: described.startTime.toISOString() };
    if (!running) return { ...base, record: await closedRecord(handle.result()) } as Run;
    // A running run's state lives in its worker: without one, the query would wait ~30 s and fail.
    try {
      const record = await client.connection.withDeadline<PipelineRecord | JobRecord>(
        Date.now() + QUERY_DEADLINE_MS,
        () => (kind === 'pipeline' ? handle.query(pipelineStateQuery) : handle.query(jobStateQuery)),
      );
      return { ...base, record } as Run;
    } catch (err) {
      return { ...base, unanswered: (err as Error).message } as Run;
    }
  }
  throw new RunNotFoundError(`no pipeline or job with ID ${JSON.stringify(id)}`);
}

/** Waits for a run's final record; a job's progress is reported by query as it goes. */
export function waitForRun(
  client: Client,
  run: Pick<Run, 'kind' | 'workflowId'>,
  onJobProgress?: (r: JobRecord) => void,
): Promise<PipelineRecord | JobRecord> {
  const handle = client.workflow.getHandle(run.workflowId);
  return run.kind === 'pipeline'
    ? finalRecord<PipelineRecord>(handle.result())
    : followJob(handle, onJobProgress);
}

/** A closed run's record; none for a run terminated or timed out without writing one. */
async function closedRecord<T>(result: Promise<T>): Promise<T | undefined> {
  return finalRecord(result).catch((err: unknown) => {
    if (err instanceof WorkflowFailedError) return undefined;
    throw err;
  });
}

/** Cancels a pipeline or job: PENDING tasks are canceled at the provider, RUNNING ones collected and kept. */
export async function cancelRun(client: Client, id: string): Promise<Run> {
  const run = await findRun(client, id);
  if (run.running) await client.workflow.getHandle(run.workflowId).cancel();
  return run;
}

/** A value as a visibility query's string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Where one stored output is, for `wanflow result` and programs. */
export interface RunOutput {
  stage?: string;
  jobId: string;
  key: string;
  location: string;
  url?: string;
  sha256: string;
  sizeBytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

/** Every stored output: a pipeline's per stage (candidates and retries included), a job's own. */
export function runOutputs(kind: Run['kind'], record: PipelineRecord | JobRecord): RunOutput[] {
  const entry = (job: Pick<JobRecord, 'jobId' | 'outputs'>, stage?: string): RunOutput[] =>
    (job.outputs ?? []).map((o) => ({
      stage,
      jobId: job.jobId,
      key: o.key,
      location: o.location,
      sha256: o.sha256,
      sizeBytes: o.sizeBytes,
      width: o.width,
      height: o.height,
      durationSeconds: o.durationSeconds,
    }));
  if (kind === 'job') return entry(record as JobRecord);
  const p = record as PipelineRecord;
  return p.order.flatMap((id) => p.stages[id]!.jobs.flatMap((job) => entry(job, id)));
}
