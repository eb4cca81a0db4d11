// Verifies each::labs webhook deliveries: an HMAC-SHA256 of the raw body with the account's webhook
// secret, hex, in a header whose name each::labs does not document (configuration). There is no
// timestamp to bound replays: the receiver deduplicates, and a delivery only wakes the job anyway.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Verdict } from '../fal/webhook';

export const DEFAULT_EACHLABS_SIGNATURE_HEADER = 'x-eachlabs-signature';

export function eachlabsSignature(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function verifyEachlabsWebhook(
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  opts: { secret: string; header?: string },
): Verdict {
  const raw = headers[(opts.header ?? DEFAULT_EACHLABS_SIGNATURE_HEADER).toLowerCase()];
  const given = (Array.isArray(raw) ? raw[0] : raw)?.replace(/^sha256=/, '');
  if (!given || !/^[0-9a-f]{64}$/i.test(given))
    return { ok: false, reason: 'missing or malformed signature header' };
  const expected = Buffer.from(eachlabsSignature(opts.secret, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
    return { ok: false, reason: 'signature does not verify' };
  let execId: unknown;
  try {
    execId = (JSON.parse(body.toString('utf8')) as { exec_id?: unknown }).exec_id;
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  return typeof execId === 'string' ? { ok: true, requestId: execId } : { ok: false, reason: 'no exec_id' };
}
