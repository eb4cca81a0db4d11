// Names shared by workflows and clients: queries defined once.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { JobRecord } from '../shared/records';
import type { PipelineRecord } from '../shared/records';

export const jobStateQuery = defineQuery<JobRecord>('jobState');
export const pipelineStateQuery = defineQuery<PipelineRecord>('pipelineState');

/** A route pushed news of a task (a verified webhook): the job polls at once instead of waiting. */
export interface TaskNotice {
  route: string;
  requestId: string;
}
export const taskNoticeSignal = defineSignal<[TaskNotice]>('taskNotice');
