// Answers in Model Studio's shapes (contract §5): flat error bodies, task bodies with UTC+8 times.
import { readCappedBody } from '../server/body';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { formatUtc8 } from '../wan/time';
import type { TaskStatus } from '../wan/tasks';
import type { SimTask } from './task-table';
import { isImageRequest, isTypedMediaRequest, promptOf } from '../wan/validation';
import { OUTPUT_FPS } from '../wan/models';
import { WanflowError } from '../shared/errors';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { code, message, request_id: randomUUID() });
}

/** A task as the query answers it; `resultUrls` are the signed URLs of a finished task's results. */
export function taskBody(
  task: SimTask | undefined,
  id: string,
  status: TaskStatus | string,
  now: number,
  resultUrls: string[] = [],
  echo: 'exact' | 'normalized' | 'empty' = 'exact',
) {
  const output: Record<string, unknown> = { task_id: id, task_status: status };
  const prompt = task && promptOf(task.request);
  if (task && status !== 'UNKNOWN') {
    output.submit_time = formatUtc8(task.createdAt);
    if (now >= task.runStartsAt && task.canceledAt === undefined)
      output.scheduled_time = formatUtc8(task.runStartsAt);
    if (prompt !== undefined)
      output.orig_prompt =
        echo === 'exact' ? prompt : echo === 'empty' ? '' : prompt.replace(/\s+/g, ' ').trim();
  }
  const body: Record<string, unknown> = { request_id: randomUUID(), output };
  if (!task) return body;
  if (status === 'SUCCEEDED') {
    output.end_time = formatUtc8(task.endsAt);
    if (isImageRequest(task.request)) {
      output.choices = resultUrls.map((image) => ({
        finish_reason: 'stop',
        message: { role: 'assistant', content: [{ image }] },
      }));
      body.usage = { image_count: resultUrls.length, size: `${task.width}*${task.height}` };
      return body;
    }
    output.video_url = resultUrls[0];
    if (prompt !== undefined && task.request.parameters.prompt_extend)
      output.actual_prompt = `${prompt} (extended)`;
    body.usage = {
      duration: task.outputSeconds + task.inputVideoSeconds,
      input_video_duration: task.inputVideoSeconds,
      output_video_duration: task.outputSeconds,
      video_count: 1,
      SR: Number.parseInt(task.request.parameters.resolution, 10),
      ratio: task.ratio,
      ...(isTypedMediaRequest(task.request) ? { fps: OUTPUT_FPS } : {}),
    };
  } else if (status === 'FAILED') {
    output.end_time = formatUtc8(task.endsAt);
    output.code = task.failWith?.code ?? 'InternalError.Algo';
    output.message = task.failWith?.message ?? task.renderError ?? 'generation failed';
  } else if (status === 'CANCELED' && task.canceledAt !== undefined) {
    output.end_time = formatUtc8(task.canceledAt);
  }
  return body;
}

/** A request body larger than any real create (the service caps media by URL, not inline). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export class BodyTooLargeError extends WanflowError {
  override readonly name = 'BodyTooLargeError';
  readonly remedy = 'Send media by URL; a create body is a few kilobytes.';
}

/** The body as text; past `limit` bytes the read stops and BodyTooLargeError is thrown (answered 413). */
export async function readBody(
  req: IncomingMessage,
  encoding: BufferEncoding = 'utf8',
  limit = MAX_BODY_BYTES,
): Promise<string> {
  const body = await readCappedBody(req, limit);
  if (!body) throw new BodyTooLargeError(`request body over ${limit} bytes`);
  return body.toString(encoding);
}

/** The official SDKs send `input.extend_prompt` and a null or empty prompt; the service accepts both. */
export function normalizeSdkExtras(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const b = body as { input?: Record<string, unknown> };
  if (!b.input) return body;
  const input = { ...b.input };
  delete input.extend_prompt;
  if (input.prompt === null || input.prompt === '') delete input.prompt;
  return { ...b, input };
}
