// The task notice: news that a task has ended or changed, sent to its job by whoever learns it first — a
// verified webhook (naming the create's request) or the account's task watcher (naming the task). The job
// then queries at once instead of waiting. Defined here so activities, the webhook receiver and workflows
// share one name without importing each other.
import { defineSignal } from '@temporalio/workflow';

export interface TaskNotice {
  route: string;
  requestId: string;
  taskId?: string;
  /**
   * The sender read the task in an ended status (the watcher's list): the job gives its account slot back
   * at once, beside the poll that reads the outputs, so the next create does not wait for that round trip.
   */
  ended?: boolean;
}
export const taskNoticeSignal = defineSignal<[TaskNotice]>('taskNotice');
