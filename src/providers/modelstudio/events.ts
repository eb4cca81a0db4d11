// Model Studio's completion events (../shared/wan30-contract.md §B): an account-level EventBridge rule
// delivers a CloudEvent of type `dashscope:System:AsyncTaskFinish` for every task that succeeds or fails,
// POSTed to an HTTP target and signed by EventBridge (signature v2): RSA over the SHA-256 of a
// string-to-sign, with the certificate's URL on EventBridge's own OSS host and the time of sending, which
// must be within 60 s. A verified event is still only news: the job reads the task once.
import { createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';

export const TASK_FINISH_TYPE = 'dashscope:System:AsyncTaskFinish';

/** The event, as much of it as wanflow reads; other fields are kept out (they name the account). */
export const taskFinishEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().max(200),
  type: z.string().max(200),
  data: z.object({
    // Task IDs are UUIDs; anything else cannot name a claim.
    task_id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
    task_status: z.string().max(40),
    region: z.string().max(40).optional(),
    request_id: z.string().max(200).optional(),
  }),
});
export type TaskFinishEvent = z.infer<typeof taskFinishEvent>;

/** The headers signed besides the body, in the order they are joined (the signature's own docs). */
export const SIGNED_HEADERS = [
  'x-eventbridge-signature-timestamp',
  'x-eventbridge-signature-method',
  'x-eventbridge-signature-version',
  'x-eventbridge-signature-url',
  'x-eventbridge-signature-token',
] as const;

/** Where EventBridge keeps its certificates: `https://<region>-eventbridge.oss-accelerate.aliyuncs.com/…`. */
export const OFFICIAL_CERT_URL =
  /^https:\/\/[a-z]{2}(-[a-z0-9]+)+-eventbridge\.oss-accelerate\.aliyuncs\.com\//;
const TOLERANCE_MS = 60_000;
const CERT_TTL_MS = 24 * 3600_000;
const MAX_CERT_BYTES = 64 * 1024;

type Headers = Record<string, string | string[] | undefined>;
const header = (headers: Headers, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `<target URL>\n<signed headers present, "name: value", joined by \n>\n<body>`. */
export function eventBridgeStringToSign(targetUrl: string, headers: Headers, body: Buffer): Buffer {
  const signed = SIGNED_HEADERS.flatMap((name) => {
    const v = header(headers, name);
    return v === undefined ? [] : [`${name}: ${v}`];
  });
  return Buffer.concat([Buffer.from(`${targetUrl}\n${signed.join('\n')}\n`, 'utf8'), body]);
}

export type EventVerdict = { ok: true; event: TaskFinishEvent } | { ok: false; reason: string };

export interface EventBridgeVerifierOptions {
  /** The address the rule's target names, as EventBridge signs it (this receiver's public URL). */
  targetUrl: string;
  /** Whether a certificate URL is EventBridge's (default: its OSS host; the simulator's in tests). */
  isCertUrl?: (url: string) => boolean;
  /** The token the rule's target was given, if any: a delivery must carry it. */
  token?: string;
  now?: () => number;
  dispatcher?: Dispatcher;
}

export class EventBridgeVerifier {
  private readonly certs = new Map<string, { at: number; key: KeyObject }>();

  constructor(private readonly o: EventBridgeVerifierOptions) {}

  async verify(headers: Headers, body: Buffer): Promise<EventVerdict> {
    const timestamp = header(headers, 'x-eventbridge-signature-timestamp');
    const signature = header(headers, 'x-eventbridge-signature-v2');
    const certUrl = header(headers, 'x-eventbridge-signature-url');
    if (!timestamp || !signature || !certUrl) return { ok: false, reason: 'missing signature headers' };
    const now = (this.o.now ?? Date.now)();
    // Milliseconds since the epoch (a seconds figure is read as such).
    const sentMs = /^\d{10}$/.test(timestamp) ? Number(timestamp) * 1000 : Number(timestamp);
    if (!/^\d{10,13}$/.test(timestamp) || Math.abs(now - sentMs) > TOLERANCE_MS)
      return { ok: false, reason: `timestamp ${timestamp} is outside ±${TOLERANCE_MS / 1000} s` };
    if (!(this.o.isCertUrl ?? ((u) => OFFICIAL_CERT_URL.test(u)))(certUrl))
      return { ok: false, reason: 'the certificate is not on EventBridge’s host' };
    if (this.o.token !== undefined && header(headers, 'x-eventbridge-signature-token') !== this.o.token)
      return { ok: false, reason: 'the target’s token does not match' };
    const method = header(headers, 'x-eventbridge-hash-method') ?? 'SHA256';
    if (method.toUpperCase().replace('-', '') !== 'SHA256')
      return { ok: false, reason: `hash method ${method} is not SHA256` };
    const key = await this.certificate(certUrl);
    const message = eventBridgeStringToSign(this.o.targetUrl, headers, body);
    if (!verify('sha256', message, key, Buffer.from(signature, 'base64')))
      return { ok: false, reason: 'signature does not verify' };
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
    const parsed = taskFinishEvent.safeParse(json);
    if (!parsed.success) return { ok: false, reason: `not a task event: ${parsed.error.issues[0]!.message}` };
    return { ok: true, event: parsed.data };
  }

  /** The public key of a certificate URL, fetched once a day (a PEM certificate or public key). */
  private async certificate(url: string): Promise<KeyObject> {
    const now = Date.now();
    const cached = this.certs.get(url);
    if (cached && now - cached.at < CERT_TTL_MS) return cached.key;
    const res = await request(url, {
      dispatcher: this.o.dispatcher,
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    const pem = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200 || pem.length > MAX_CERT_BYTES)
      throw new Error(`EventBridge certificate ${url} answered HTTP ${res.statusCode} (${pem.length} bytes)`);
    const key = pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
    // A handful of certificates exist; a bounded map keeps a hostile sender from growing it.
    if (this.certs.size >= 16) this.certs.delete(this.certs.keys().next().value!);
    this.certs.set(url, { at: now, key });
    return key;
  }
}
