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
  status: TaskStatus;
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
