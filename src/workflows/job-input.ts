// What a job workflow is started with, and the policy that times it. No secrets: keys are resolved by
// activities from the worker's configuration. The policy (poll schedule, give-up, submit backoff, the
// reconcile of lost answers) belongs to the route the worker calls, so the worker sets it (validateJob
// returns it into history); a start may carry explicit overrides, which the worker bounds.
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { JobOptions } from '../shared/job-options';
import type { JobSpend } from '../activities/spend';
import type { RowNotify } from '../shared/row-ends';

export interface JobInput {
  jobId: string;
  route: RouteId;
  region: RegionId;
  /** The request as the user wrote it; validateJob fills defaults and refuses bad fields. */
  request: unknown;
  /**
   * Explicit overrides of the worker's policy (tests, programs that mean it). Histories before the
   * worker owned timing carry a whole policy here, and replay it.
   */
  options?: Partial<JobOptions>;
  /** Its place in the account slot's queue: lower priority first; groups (a pipeline, a campaign) share fairly. */
  slot?: { priority?: number; group?: string };
  /**
   * A daily budget whoever started the job is held to besides the account's (an agent's): the job
   * reserves its price in it before its create too. `whose` names it in a refusal, `variable` its setting.
   */
  budget?: StarterBudget;
  /** A campaign row's job: the campaign it tells when it ends. */
  notify?: RowNotify;
}

export interface StarterBudget extends JobSpend {
  whose: string;
  variable: string;
}
