// Verifies fal.ai webhook deliveries: an ED25519 signature (hex, X-Fal-Webhook-Signature) over
// `request_id \n user_id \n timestamp \n sha256_hex(raw body)`, checked against fal's published JWKS,
// with the timestamp within ±5 minutes so an old delivery cannot be replayed.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';

export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';
const TOLERANCE_SECONDS = 300;
const JWKS_TTL_MS = 24 * 3600_000;

const jwks = z.object({
  keys: z.array(z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional() })),
});

export function falSignedMessage(requestId: string, userId: string, timestamp: string, body: Buffer): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.from([requestId, userId, timestamp, digest].join('\n'), 'utf8');
}

export type Verdict = { ok: true; requestId: string } | { ok: false; reason: string };

export class FalWebhookVerifier {
  private keys?: { at: number; keys: KeyObject[] };

  constructor(
    private readonly opts: { jwksUrl?: string; dispatcher?: Dispatcher; now?: () => number } = {},
  ) {}

  async verify(headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<Verdict> {
    const h = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const requestId = h('x-fal-webhook-request-id');
    const userId = h('x-fal-webhook-user-id');
    const timestamp = h('x-fal-webhook-timestamp');
    const signature = h('x-fal-webhook-signature');
    if (!requestId || !userId || !timestamp || !signature)
      return { ok: false, reason: 'missing signature headers' };
    const now = Math.floor((this.opts.now ?? Date.now)() / 1000);
    if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > TOLERANCE_SECONDS) {
      return { ok: false, reason: `timestamp ${timestamp} is outside ±${TOLERANCE_SECONDS} s` };
    }
    if (!/^[0-9a-f]{128}$/i.test(signature)) return { ok: false, reason: 'signature is not 64 bytes of hex' };
    const message = falSignedMessage(requestId, userId, timestamp, body);
    const sig = Buffer.from(signature, 'hex');
    const keys = await this.publicKeys();
    if (!keys.some((k) => verify(null, message, k, sig)))
      return { ok: false, reason: 'signature does not verify' };
    return { ok: true, requestId };
  }

  private async publicKeys(): Promise<KeyObject[]> {
    const now = Date.now();
    if (this.keys && now - this.keys.at < JWKS_TTL_MS) return this.keys.keys;
    const res = await request(this.opts.jwksUrl ?? FAL_JWKS_URL, { dispatcher: this.opts.dispatcher });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`fal JWKS answered HTTP ${res.statusCode}`);
    }
    const set = jwks.parse(await res.body.json());
    const keys = set.keys
      .filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.x)
      // fal's JWKS pads the base64url coordinate; JWK import wants it bare.
      .map((k) =>
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x!.replace(/=+$/, '') }, format: 'jwk' }),
      );
    this.keys = { at: now, keys };
    return keys;
  }
}
