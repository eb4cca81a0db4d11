// HTTP plumbing shared by provider adapters: one undici Agent with explicit timeouts, and the split of
// network failures into "never sent" (safe to resend) and "sent, no answer" (ambiguous for a create).
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import {
  AmbiguousRequestError,
  ConnectionFailedError,
  TransientProviderError,
  type ProviderErrorOptions,
} from './errors';

export interface HttpTimeouts {
  connectMs: number;
  /** Until response headers arrive. */
  headersMs: number;
  /** Idle time between body chunks. */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

export function createAgent(t: HttpTimeouts = DEFAULT_TIMEOUTS): Dispatcher {
  return new Agent({ connect: { timeout: t.connectMs }, headersTimeout: t.headersMs, bodyTimeout: t.bodyMs });
}

// Codes that mean no request byte reached the server.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classifies a thrown network error. For a request that creates something, a failure after sending is
 * ambiguous; for a read it is merely transient.
 */
export function networkFailure(
  err: unknown,
  what: string,
  creates: boolean,
  opts: ProviderErrorOptions = {},
) {
  const code = errorCode(err) ?? (err instanceof undiciErrors.UndiciError ? err.name : 'unknown');
  const message = `${what}: network failure (${code})`;
  if (NOT_SENT.has(code)) return new ConnectionFailedError(message, { ...opts, cause: err, code });
  if (creates)
    return new AmbiguousRequestError(`${message} after the request was sent`, { ...opts, cause: err, code });
  return new TransientProviderError(message, { ...opts, cause: err, code });
}

export { request };
