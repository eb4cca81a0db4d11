// The simulator's task state machine. Status is a function of time since creation:
// PENDING for queueMs, RUNNING for the run time (and until the MP4 is rendered), then SUCCEEDED or
// FAILED; CANCELED if cancelled while PENDING; UNKNOWN once older than the task TTL or never created.
import type { WanRequest } from '../wan/validation';
import type { TaskStatus } from '../wan/tasks';

export interface SimTask {
  id: string;
  model: string;
  keyLabel: string;
  request: WanRequest;
  createdAt: number;
  runStartsAt: number;
  endsAt: number;
  width: number;
  height: number;
  ratio?: string;
  /** Output seconds (for continuation, the total including the clip). */
  outputSeconds: number;
  inputVideoSeconds: number;
  /** Image tasks: how many images (each `width`×`height`). */
  images?: number;
  failWith?: { code: string; message: string };
  canceledAt?: number;
  /** The rendered result (MP4, or the PNG every image of the task shares). */
  file?: string;
  rendered?: Promise<void>;
  renderError?: string;
  /** Fixed the first time the result is shown, like a real signed URL. */
  resultUrlExpiresAt?: number;
  /** Shown in the list only from then on (listing lag). */
  listedFrom: number;
  /** An undocumented word the query answers for the middle of the run (the unknownStatusTasks fault). */
  oddStatus?: string;
}

export class TaskTable {
  private readonly tasks = new Map<string, SimTask>();

  constructor(private readonly taskTtlMs: number) {}

  add(task: SimTask): void {
    this.tasks.set(task.id, task);
  }

  get(id: string): SimTask | undefined {
    return this.tasks.get(id);
  }

  all(): SimTask[] {
    return [...this.tasks.values()];
  }

  /** The status as the query answers it: an odd word mid-run where the fault says so. */
  shownStatus(task: SimTask | undefined, now: number): string {
    const status = this.statusOf(task, now);
    if (task?.oddStatus && status === 'RUNNING' && now < (task.runStartsAt + task.endsAt) / 2)
      return task.oddStatus;
    return status;
  }

  statusOf(task: SimTask | undefined, now: number): TaskStatus {
    if (!task || now - task.createdAt > this.taskTtlMs) return 'UNKNOWN';
    if (task.canceledAt !== undefined) return 'CANCELED';
    if (now < task.runStartsAt) return 'PENDING';
    if (task.renderError) return 'FAILED';
    if (now < task.endsAt) return 'RUNNING';
    if (task.failWith) return 'FAILED';
    return task.file ? 'SUCCEEDED' : 'RUNNING';
  }

  /** Cancel succeeds only while PENDING (contract §3). */
  cancel(task: SimTask, now: number): boolean {
    if (this.statusOf(task, now) !== 'PENDING') return false;
    task.canceledAt = now;
    return true;
  }
}
