// What a pipeline keeps of a finished job (JobSummary, beside JobRecord): built in the workflow, so the
// pipeline's own record stays small however many jobs it runs.
import type { JobRecord, JobSummary } from '../shared/records';

export function summarizeJob(r: JobRecord): JobSummary {
  const seed = (r.request as { parameters?: { seed?: unknown } } | undefined)?.parameters?.seed;
  return {
    jobId: r.jobId,
    route: r.route,
    model: r.model,
    region: r.region,
    status: r.status,
    taskId: r.taskId,
    taskAdopted: r.taskAdopted,
    providerStatus: r.providerStatus,
    keptAfterCancel: r.keptAfterCancel,
    overdue: r.overdue,
    recordless: r.recordless,
    outputs: r.outputs,
    usage: r.usage,
    manifestKey: r.manifestKey,
    cost: r.cost,
    failure: r.failure,
    timestamps: r.timestamps,
    seed: typeof seed === 'number' ? seed : undefined,
  };
}
