// Names shared by workflows and clients: queries defined once.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { JobRecord } from '../activities/job-record';

export const jobStateQuery = defineQuery<JobRecord>('jobState');

/** A route pushed news of a task (a verified webhook): the job polls at once instead of waiting. */
export interface TaskNotice {
  route: string;
  requestId: string;
}
export const taskNoticeSignal = defineSignal<[TaskNotice]>('taskNotice');
