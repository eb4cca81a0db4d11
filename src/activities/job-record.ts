// The job record: what the manifest beside the output holds and what the workflow's query returns.
// It carries no secrets and no signed URLs (their queries are redacted).
import type { CostFigure } from '../wan/pricing';
import type { RegionId } from '../wan/regions';
import type { ObservedStatus, TaskUsage } from '../wan/tasks';
import type { FailureCause } from '../providers/errors';
import type { RouteId } from '../providers/provider';
import type { PersistedOutput } from './persist';
import type { SourceAsset } from './validate';

export const JOB_STATUSES = [
  'validating',
  'submitting',
  'submitted',
  'polling',
  'succeeded',
  'failed',
  'expired',
  'canceled',
  'stored',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobFailure {
  cause: FailureCause | 'invalid_input' | 'task_failed' | 'timeout' | 'canceled' | 'ambiguous_submit';
  message: string;
  code?: string;
  remedy?: string;
}

export interface JobRecord {
  jobId: string;
  route: RouteId;
  model: string;
  region: RegionId;
  endpointFamily: 'video-synthesis' | 'image-generation';
  mediaRoles: string[];
  sourceAssets: SourceAsset[];
  /** The exact body sent (media URL queries redacted). */
  request?: unknown;
  resolution?: string;
  durationSeconds?: number;
  expectedTaskSeconds?: number;
  /** How stored inputs reached the provider: presigned URLs or the route's temporary upload. */
  inputPublishing?: 'presign' | 'upload';
  taskId?: string;
  /** True when the task was found through the task list after an ambiguous submit. */
  taskAdopted?: boolean;
  requestId?: string;
  providerStatus?: ObservedStatus;
  polls: number;
  /** Verified pushes (webhooks) from the route that woke the job. */
  notices?: number;
  /** Written by the pipeline for a job that ended without its own record (terminated, timed out). */
  recordless?: boolean;
  /** Past the give-up time while RUNNING: kept (it may be billed) and still collected. */
  overdue?: boolean;
  /** Canceled while the task was already RUNNING: paid for anyway, so collected and stored. */
  keptAfterCancel?: boolean;
  status: JobStatus;
  timestamps: {
    created: string;
    submitted?: string;
    providerSubmit?: string;
    providerScheduled?: string;
    providerEnd?: string;
    stored?: string;
    finished?: string;
  };
  usage?: TaskUsage;
  /** Everything the task produced, in the user's store: one video, or every image. */
  outputs?: PersistedOutput[];
  manifestKey?: string;
  cost: { estimated?: CostFigure; billed?: CostFigure };
  failure?: JobFailure;
}

/**
 * What a pipeline keeps of each of its jobs: status, task, outputs, cost, failure and where the job's own
 * manifest is — not its request or probed sources. A pipeline of hundreds of jobs stays far below
 * Temporal's 2 MB payload limit (a whole record is 1.5–2 KB with a short prompt, up to ~7 KB with a
 * 5,000-character one; a summary ~0.6 KB).
 */
export type JobSummary = Pick<
  JobRecord,
  | 'jobId'
  | 'route'
  | 'model'
  | 'region'
  | 'status'
  | 'taskId'
  | 'taskAdopted'
  | 'providerStatus'
  | 'keptAfterCancel'
  | 'overdue'
  | 'recordless'
  | 'outputs'
  | 'usage'
  | 'manifestKey'
  | 'cost'
  | 'failure'
  | 'timestamps'
> & {
  /** The seed the job asked for (candidates and retries differ by it). */
  seed?: number;
};

/** Signed URLs carry credentials in their query: records keep only scheme, host and path. Inline data
 * URLs are shortened to their media type. */
export function redactUrl(url: string): string {
  if (url.startsWith('data:')) return `${url.slice(0, url.indexOf(',') + 1)}<${url.length} chars>`;
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?<redacted>`;
}
