// The pipeline record: every stage's state and its jobs' summaries, the outputs, and the total estimated and billed
// cost per currency. The manifest at `pipelines/<id>/manifest.json` and the pipeline's query hold it.
import type { JobFailure, JobSummary } from './job-record';

export type StageStatus = 'waiting' | 'running' | 'stored' | 'failed' | 'skipped' | 'canceled';

export interface StageState {
  status: StageStatus;
  model: string;
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
