// wanflow's public client API.
export { jobWorkflowId, pipelineWorkflowId } from '../shared/ids';
export { connectClient, startJob, getJobState, waitForJob, type StartJobRequest } from './jobs';
export {
  startPipeline,
  getPipelineState,
  waitForPipeline,
  cancelPipeline,
  type StartPipelineRequest,
} from './pipelines';
export { findRun, cancelRun, RunNotFoundError, ListFilterError, type Run } from './runs';
export { listRuns, type RunFilter, type RunKind, type RunRow } from './run-list';
export { registerSearchAttributes } from './setup';
export { IdempotencyConflictError } from './start-once';
export { pipelineEta } from '../pipelines/eta';
export { loadConfig, type WanflowConfig } from '../config/config';
export type { JobRecord, JobStatus, PipelineRecord, StageState, StageStatus } from '../shared/records';
export type { VideoRequestInput } from '../wan/requests';
export { InvalidRequestError } from '../wan/validation';
