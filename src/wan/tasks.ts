// Task statuses and the normalized snapshot of a queried task (contract §5).
export const TASK_STATUSES = [
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
  'UNKNOWN',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * A status the provider sent that is none of the above. Never terminal: a task is only ever ended on a
 * status whose meaning is known; this one is logged and the task polled again.
 */
export type ObservedStatus = TaskStatus | 'UNRECOGNIZED';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'];

export interface TaskUsage {
  /** Billed seconds (input + output where input video is billed). */
  duration?: number;
  inputVideoDuration?: number;
  outputVideoDuration?: number;
  videoCount?: number;
  sr?: number;
  ratio?: string;
  imageCount?: number;
}

export interface TaskSnapshot {
  taskId: string;
  status: ObservedStatus;
  /** The provider's own word for the status, when it is not one wanflow knows. */
  rawStatus?: string;
  requestId?: string;
  submitTime?: string;
  scheduledTime?: string;
  endTime?: string;
  videoUrl?: string;
  /** Image tasks: every returned image (signed URLs). */
  imageUrls?: string[];
  origPrompt?: string;
  actualPrompt?: string;
  code?: string;
  message?: string;
  usage?: TaskUsage;
}
