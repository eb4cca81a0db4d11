// wanflow's public client API.
export { connectClient, startJob, getJobState, waitForJob, type StartJobRequest } from './jobs';
export { loadConfig, type WanflowConfig } from '../config/config';
export type { JobRecord, JobStatus } from '../activities/job-record';
export type { VideoRequestInput } from '../wan/requests';
export { InvalidRequestError } from '../wan/validation';
