// One JSON call for every route's adapter: network failures split into never-sent / ambiguous, error
// answers mapped through the taxonomy (each route says how to read its own error body), answers checked
// against a schema — an unreadable answer to a create is ambiguous, to a read transient.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { networkFailure, request } from './http';
import { AmbiguousRequestError, TransientProviderError } from './errors';
import { classifyErrorAnswer, GATEWAY_SILENCE, parseRetryAfter } from './taxonomy';

export interface JsonCall<S extends z.ZodType> {
  /** For messages: `fal POST /fal-ai/...`. */
  what: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  schema: S;
  body?: unknown;
  creates?: boolean;
  taskId?: string;
  signal?: AbortSignal;
  /** The route's error body, read as its code, message and request ID. */
  errorAnswer(json: unknown, httpStatus: number): ErrorAnswer;
}

export interface ErrorAnswer {
  code?: string;
  message: string;
  requestId?: string;
}

export async function callJson<S extends z.ZodType>(c: JsonCall<S>): Promise<z.output<S>> {
  const unreadable = (message: string, httpStatus: number) =>
    new (c.creates ? AmbiguousRequestError : TransientProviderError)(`${c.what}: ${message}`, {
      httpStatus,
      taskId: c.taskId,
    });
  let res: Dispatcher.ResponseData;
  try {
    res = await request(c.url, {
      method: c.method,
      dispatcher: c.dispatcher,
      headers: { ...c.headers, ...(c.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      signal: c.signal,
    });
  } catch (err) {
    throw networkFailure(err, c.what, c.creates ?? false, { taskId: c.taskId });
  }
  let text = '';
  try {
    text = await res.body.text();
  } catch (err) {
    // The connection closed mid-answer: for a create, the task may exist.
    if (res.statusCode < 300)
      throw networkFailure(err, `${c.what} (reading the answer)`, c.creates ?? false, { taskId: c.taskId });
  }
  let json: unknown = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    if (res.statusCode < 300) throw unreadable('answer is not JSON', res.statusCode);
  }
  if (c.creates && GATEWAY_SILENCE.has(res.statusCode))
    throw unreadable(`HTTP ${res.statusCode} from a gateway after the request was sent`, res.statusCode);
  if (res.statusCode >= 300) {
    const answer = c.errorAnswer(json, res.statusCode);
    throw classifyErrorAnswer(res.statusCode, answer.code, answer.message, {
      requestId: answer.requestId,
      taskId: c.taskId,
      retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()),
    });
  }
  const parsed = c.schema.safeParse(json);
  if (!parsed.success)
    throw unreadable(`unexpected answer: ${parsed.error.issues[0]?.message}`, res.statusCode);
  return parsed.data;
}

/** A route's JSON calls: its base URL, its auth headers and how it writes an error, given once. */
export interface RouteApi {
  /** For messages: `fal`, `each::labs`. */
  name: string;
  baseUrl: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  errorAnswer(json: unknown, httpStatus: number): ErrorAnswer;
}

export type CallOptions = Pick<JsonCall<z.ZodType>, 'body' | 'creates' | 'taskId' | 'signal'>;

export function routeCall<S extends z.ZodType>(
  api: RouteApi,
  method: JsonCall<S>['method'],
  path: string,
  schema: S,
  o: CallOptions = {},
): Promise<z.output<S>> {
  return callJson({
    what: `${api.name} ${method} ${path.split('?')[0]}`,
    url: `${api.baseUrl}${path}`,
    method,
    headers: api.headers,
    dispatcher: api.dispatcher,
    schema,
    errorAnswer: api.errorAnswer,
    ...o,
  });
}
