// The interface every route owner's adapter implements. Nothing Temporal here.
import type { ObservedStatus, TaskSnapshot, TaskStatus } from '../wan/tasks';
import type { WanRequest } from '../wan/validation';
import type { ImageRequest } from '../wan/image-requests';
import type { RouteId } from '../wan/routes';

export interface CreatedTask {
  taskId: string;
  requestId?: string;
}

export interface TaskListFilter {
  startMs: number;
  endMs: number;
  model?: string;
  status?: TaskStatus;
  pageNo?: number;
  pageSize?: number;
}

export interface TaskListItem {
  taskId: string;
  status?: ObservedStatus;
  model?: string;
  submitTime?: string;
  /** When it began to run and when it ended (provider time, as the list shows it). */
  scheduledTime?: string;
  endTime?: string;
}

/** One page of the task list; `readable: false` when the body held no task array wanflow knows. */
export interface TaskListPage {
  tasks: TaskListItem[];
  total?: number;
  readable: boolean;
}

export interface CreateOptions {
  /** Where a route that pushes completion should deliver it (ignored by routes without push). */
  webhookUrl?: string;
  /** The create's hard deadline: aborted then, so no answer can arrive after the workflow moved on. */
  signal?: AbortSignal;
}

export interface VideoProvider {
  readonly route: RouteId;
  createTask(body: WanRequest, opts?: CreateOptions): Promise<CreatedTask>;
  getTask(taskId: string): Promise<TaskSnapshot>;
  cancelTask(taskId: string): Promise<void>;
  /** Absent on routes with no task list: an ambiguous create there cannot be reconciled. */
  listTasks?(filter: TaskListFilter): Promise<TaskListPage>;
}

/** A route that can host a local file for its own tasks (Model Studio's temporary upload). */
export interface TemporaryUploader {
  uploadTemporary(model: string, file: string, name?: string): Promise<string>;
}

export function canUpload(p: VideoProvider): p is VideoProvider & TemporaryUploader {
  return typeof (p as Partial<TemporaryUploader>).uploadTemporary === 'function';
}

/** A route with a synchronous image call: one request, the images in the answer, no task. */
export interface SyncImageGenerator {
  generateImagesSync(
    body: ImageRequest,
  ): Promise<{ imageUrls: string[]; requestId?: string; imageCount?: number }>;
}

export function canGenerateImagesSync(p: VideoProvider): p is VideoProvider & SyncImageGenerator {
  return typeof (p as Partial<SyncImageGenerator>).generateImagesSync === 'function';
}
