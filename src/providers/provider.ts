// The interface every route owner's adapter implements. Nothing Temporal here.
import type { TaskSnapshot, TaskStatus } from '../wan/tasks';
import type { WanRequest } from '../wan/validation';

export const ROUTES = ['modelstudio'] as const;
export type RouteId = (typeof ROUTES)[number];

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
  status?: TaskStatus;
  model?: string;
  submitTime?: string;
}

export interface VideoProvider {
  readonly route: RouteId;
  createTask(body: WanRequest): Promise<CreatedTask>;
  getTask(taskId: string): Promise<TaskSnapshot>;
  cancelTask(taskId: string): Promise<void>;
  listTasks(filter: TaskListFilter): Promise<{ tasks: TaskListItem[]; total?: number }>;
}

/** A route that can host a local file for its own tasks (Model Studio's temporary upload). */
export interface TemporaryUploader {
  uploadTemporary(model: string, file: string, name?: string): Promise<string>;
}

export function canUpload(p: VideoProvider): p is VideoProvider & TemporaryUploader {
  return typeof (p as Partial<TemporaryUploader>).uploadTemporary === 'function';
}
