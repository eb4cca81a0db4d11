// Maps a Model Studio error answer (HTTP status + code) to the error class that says what to do (§6).
import {
  RateLimitedError,
  RequestRejectedError,
  TransientProviderError,
  type ProviderError,
  type ProviderErrorOptions,
} from './errors';

const QUOTA_CODES = new Set([
  'Arrearage',
  'Throttling.AllocationQuota',
  'PrepaidBillOverdue',
  'PostpaidBillOverdue',
  'CommodityNotPurchased',
  'AllocationQuota.FreeTierOnly',
  'AccessDenied.Unpurchased',
]);

export function classifyErrorAnswer(
  httpStatus: number,
  code: string | undefined,
  message: string,
  opts: Omit<ProviderErrorOptions, 'code' | 'httpStatus'> & { retryAfterMs?: number } = {},
): ProviderError {
  const o = { ...opts, code, httpStatus };
  const text = `${code ?? `HTTP ${httpStatus}`}: ${message}`;
  if (code && QUOTA_CODES.has(code)) return new RequestRejectedError('quota_or_billing', text, o);
  if (code === 'DataInspectionFailed' || code?.startsWith('DataInspection'))
    return new RequestRejectedError('content_policy', text, o);
  if (httpStatus === 429) return new RateLimitedError(text, opts.retryAfterMs, o);
  if (httpStatus === 401 || httpStatus === 403) return new RequestRejectedError('auth_or_region', text, o);
  if (httpStatus === 404) return new RequestRejectedError('model_not_in_region', text, o);
  if (
    httpStatus === 413 ||
    httpStatus === 415 ||
    code?.startsWith('BadRequest.InputDownload') ||
    code === 'InvalidURL'
  )
    return new RequestRejectedError('media', text, o);
  if (httpStatus === 408 || httpStatus >= 500) return new TransientProviderError(text, o);
  return new RequestRejectedError('bad_input', text, o);
}

/** Bad gateway and gateway timeout on a create: the request passed the gateway and may have been
 * processed behind it, so the answer is ambiguous, not a transient refusal (contract §6 says 5xx is
 * transient; for a create these two are not). */
export const GATEWAY_SILENCE: ReadonlySet<number> = new Set([502, 504]);

/** Retry-After as delay-seconds or an HTTP date, relative to `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
