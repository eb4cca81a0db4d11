// The records wanflow keeps of its runs: what a job's manifest beside its output holds and its query
// returns, what a pipeline keeps of each job, and the pipeline's own record. Workflows build them,
// activities store them, the client and CLI render them; so they live here, below all of them. They carry
// no secrets and no signed URLs (queries are redacted before they are recorded). Types only.
import type { CostFigure } from '../wan/pricing';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import type { ObservedStatus, TaskUsage } from '../wan/tasks';

/** Why a request was refused or a task failed, in the user's terms (the provider taxonomy, contract §6). */
export type FailureCause =
  | 'bad_input'
  | 'content_policy'
  | 'auth_or_region'
  | 'model_not_in_region'
  | 'quota_or_billing'
  | 'media'
  | 'rate_limited'
  | 'transient'
  | 'ambiguous'
  | 'expired';

/** What preflight knows of one input, read off an ffprobe result. */
export interface MediaFacts {
  format: string;
  sizeBytes?: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** Video frames per second. */
  fps?: number;
  hasAlpha?: boolean;
  /** Documents (PDF): pages, where the page tree states them. */
  pages?: number;
}

/** An input as the record shows it. */
export interface SourceAsset {
  role: string;
  /** Query (signature) redacted; data: URLs shortened. */
  url: string;
  facts?: MediaFacts;
}

/** What a store wrote, with its SHA-256 and content type. */
export interface StoredAsset {
  key: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
  /** Where the asset lives, for people and tools: a file path or `s3://bucket/key`. */
  location: string;
}

/** A stored output of a task, with what probing it found. */
export type PersistedOutput = StoredAsset & {
  durationSeconds?: number;
  width?: number;
  height?: number;
  /** A still to show it by (`<name>.thumb.jpg` beside it), in records of versions that made stills when
   * storing; stills are now made when first shown (studio/stills.ts). */
  thumbnailKey?: string;
  /** A video's four frames side by side (`<name>.sheet.jpg`), in records of those versions. */
  contactSheetKey?: string;
};

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
  cause:
    | FailureCause
    | 'invalid_input'
    | 'task_failed'
    | 'timeout'
    | 'canceled'
    | 'ambiguous_submit'
    | 'budget_exhausted';
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
  /** Verified pushes (webhooks) from the route, or the account's task watcher, that woke the job. */
  notices?: number;
  /** The account's task watcher was to wake the job when its task ended; it polled only as a safeguard. */
  taskWatched?: boolean;
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

export type StageStatus = 'waiting' | 'running' | 'stored' | 'failed' | 'skipped' | 'canceled';

export interface StageState {
  status: StageStatus;
  model: string;
  /** The mode its request selects (absent in records of pipelines planned before it was named). */
  mode?: string;
  /** The stages whose outputs this one uses. */
  after: string[];
  /** Expected seconds of one task (candidates run side by side), for ETAs. */
  expectedSeconds: number;
  started?: string;
  finished?: string;
  /** Child job ids, one per candidate (and per retry). */
  jobIds: string[];
  /** Storage keys of the first candidate's outputs: what later stages use. */
  outputs: string[];
  /** Every finished job, candidates and retries included (its whole record: its `manifestKey`). */
  jobs: JobSummary[];
  failure?: JobFailure;
}

export interface PipelineRecord {
  pipelineId: string;
  name?: string;
  labels?: Record<string, string>;
  status: 'running' | 'stored' | 'failed' | 'canceled';
  order: string[];
  stages: Record<string, StageState>;
  /** Totals per currency over every job that ran. */
  cost: { estimated: Record<string, number>; billed: Record<string, number> };
  timestamps: { started: string; finished?: string };
  manifestKey?: string;
}
