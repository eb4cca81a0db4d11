// ModelStudioProvider: the official DashScope HTTP route (contract §3). Keys and hosts are bound to a
// region by the caller's configuration; this class only speaks HTTP and maps answers to the taxonomy.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { isImageRequest, type WanRequest } from '../../wan/validation';
import { familyOf, imageCapabilitiesOf } from '../../wan/registry';
import type { ImageRequest } from '../../wan/image-requests';
import { mediaFieldsOf } from '../../wan/media-roles';
import type { TaskSnapshot } from '../../wan/tasks';
import { formatListTime } from '../../wan/time';
import { createAgent } from '../http';
import { callJson } from '../json-call';
import type {
  CreatedTask,
  CreateOptions,
  TaskListFilter,
  TaskListPage,
  TemporaryUploader,
  VideoProvider,
} from '../provider';
import { policyAnswer, postToOss } from './upload';
import { imageUrlsOf, syncImageAnswer } from './wire';
import { createAnswer, errorAnswer, listAnswer, queryAnswer, toListItems, toSnapshot } from './wire';

export interface ModelStudioOptions {
  /** `https://host/api/v1`. */
  baseUrl: string;
  apiKey: string;
  workspaceId?: string;
  dispatcher?: Dispatcher;
}

export class ModelStudioProvider implements VideoProvider, TemporaryUploader {
  readonly route = 'modelstudio' as const;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly opts: ModelStudioOptions) {
    this.dispatcher = opts.dispatcher ?? createAgent();
  }

  /** Creates an async task: video synthesis, or image generation for the image models. */
  async createTask(body: WanRequest, opts: CreateOptions = {}): Promise<CreatedTask> {
    const path = isImageRequest(body)
      ? imageCapabilitiesOf(body.model)!.family.endpoint.createPath
      : familyOf(body.model)!.endpoint.createPath;
    const answer = await this.call('POST', path, createAnswer, {
      body,
      creates: true,
      signal: opts.signal,
      headers: {
        'X-DashScope-Async': 'enable',
        ...(hasOssUrl(body) ? { 'X-DashScope-OssResourceResolve': 'enable' } : {}),
      },
    });
    return { taskId: answer.output.task_id, requestId: answer.request_id };
  }

  /** The synchronous image route: one call, the images in the answer (no task to poll or reconcile). */
  async generateImagesSync(
    body: ImageRequest,
  ): Promise<{ imageUrls: string[]; requestId?: string; imageCount?: number }> {
    const answer = await this.call(
      'POST',
      '/services/aigc/multimodal-generation/generation',
      syncImageAnswer,
      {
        body,
        creates: true,
        headers: hasOssUrl(body) ? { 'X-DashScope-OssResourceResolve': 'enable' } : {},
      },
    );
    return {
      imageUrls: imageUrlsOf(answer.output.choices) ?? [],
      requestId: answer.request_id,
      imageCount: answer.usage?.image_count,
    };
  }

  async getTask(taskId: string): Promise<TaskSnapshot> {
    return toSnapshot(
      await this.call('GET', `/tasks/${encodeURIComponent(taskId)}`, queryAnswer, { taskId }),
    );
  }

  async cancelTask(taskId: string): Promise<void> {
    await this.call('POST', `/tasks/${encodeURIComponent(taskId)}/cancel`, errorAnswer, { taskId });
  }

  /** Uploads a local file for `model` through the temporary upload and returns its `oss://` URL. */
  async uploadTemporary(model: string, file: string, name?: string): Promise<string> {
    const q = new URLSearchParams({ action: 'getPolicy', model });
    const answer = await this.call('GET', `/uploads?${q}`, policyAnswer, {});
    return postToOss(answer.data, file, this.dispatcher, name);
  }

  async listTasks(f: TaskListFilter): Promise<TaskListPage> {
    const q = new URLSearchParams({
      start_time: formatListTime(f.startMs),
      end_time: formatListTime(f.endMs),
      page_no: String(f.pageNo ?? 1),
      page_size: String(f.pageSize ?? 100),
    });
    if (f.model) q.set('model_name', f.model);
    if (f.status) q.set('status', f.status);
    const answer = await this.call('GET', `/tasks?${q}`, listAnswer, {});
    const tasks = toListItems(answer);
    return { tasks: tasks ?? [], total: answer.total ?? answer.output?.total, readable: tasks !== undefined };
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    o: {
      body?: unknown;
      headers?: Record<string, string>;
      creates?: boolean;
      taskId?: string;
      signal?: AbortSignal;
    },
  ): Promise<z.output<S>> {
    return callJson({
      what: `${method} ${path.split('?')[0]}`,
      url: `${this.opts.baseUrl}${path}`,
      method,
      dispatcher: this.dispatcher,
      headers: {
        Authorization: `Bearer ${this.opts.apiKey}`,
        ...(this.opts.workspaceId ? { 'X-DashScope-WorkSpace': this.opts.workspaceId } : {}),
        ...o.headers,
      },
      schema,
      body: o.body,
      creates: o.creates,
      taskId: o.taskId,
      signal: o.signal,
      errorAnswer: (json: unknown) => {
        const e = errorAnswer.safeParse(json);
        const body = e.success ? e.data : {};
        return { code: body.code, message: body.message ?? 'no message', requestId: body.request_id };
      },
    });
  }
}

function hasOssUrl(body: WanRequest): boolean {
  return mediaFieldsOf(body).some((f) => f.url.startsWith('oss://'));
}
