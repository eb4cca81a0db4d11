// EventBridge's signed deliveries, checked as the receiver checks them: a delivery signed by the
// certificate's key passes; a changed body, another key, an old timestamp, a certificate off EventBridge's
// host (never fetched), a missing token, a body that is no task event: refused, each with its reason.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventBridgeVerifier,
  OFFICIAL_CERT_URL,
  eventBridgeStringToSign,
} from '../../src/providers/modelstudio/events';

const TARGET = 'https://wanflow.example.com/events/modelstudio';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
let server: Server;
let certUrl = '';
let fetches = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches += 1;
    res.end(keys.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  certUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cert.pem`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const event = (over: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      specversion: '1.0',
      id: 'e-1',
      source: 'acs.dashscope',
      type: 'dashscope:System:AsyncTaskFinish',
      data: {
        task_id: '0385dc79-5ff8-4d82-bcb6-000000000001',
        task_status: 'SUCCEEDED',
        region: 'cn-beijing',
      },
      ...over,
    }),
  );

function delivery(body: Buffer, o: { at?: number; key?: typeof keys; token?: string; url?: string } = {}) {
  const headers: Record<string, string> = {
    'x-eventbridge-signature-timestamp': String(o.at ?? Date.now()),
    'x-eventbridge-signature-url': o.url ?? certUrl,
    ...(o.token === undefined ? {} : { 'x-eventbridge-signature-token': o.token }),
  };
  const signature = sign(
    'sha256',
    eventBridgeStringToSign(TARGET, headers, body),
    (o.key ?? keys).privateKey,
  );
  return {
    ...headers,
    'x-eventbridge-hash-method': 'SHA256',
    'x-eventbridge-signature-v2': signature.toString('base64'),
  };
}

const verifier = (token?: string) =>
  new EventBridgeVerifier({
    targetUrl: TARGET,
    isCertUrl: (u) => u === certUrl,
    ...(token ? { token } : {}),
  });

describe('EventBridge deliveries', () => {
  it('a delivery signed with the certificate’s key is a task event', async () => {
    const verdict = await verifier().verify(delivery(event()), event());
    expect(verdict).toMatchObject({ ok: true, event: { data: { task_status: 'SUCCEEDED' } } });
  });

  it('refuses a changed body, another key, an old timestamp and a missing signature, each by name', async () => {
    const v = verifier();
    const body = event();
    const changed = event({
      data: { task_id: 'someone-else', task_status: 'SUCCEEDED', region: 'cn-beijing' },
    });
    expect(await v.verify(delivery(body), changed)).toEqual({
      ok: false,
      reason: 'signature does not verify',
    });
    expect(await v.verify(delivery(body, { key: other }), body)).toEqual({
      ok: false,
      reason: 'signature does not verify',
    });
    expect(await v.verify(delivery(body, { at: Date.now() - 61_000 }), body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/outside ±60 s/),
    });
    const { 'x-eventbridge-signature-v2': _, ...unsigned } = delivery(body);
    expect(await v.verify(unsigned, body)).toEqual({ ok: false, reason: 'missing signature headers' });
  });

  it('never fetches a certificate off EventBridge’s host', async () => {
    const before = fetches;
    const elsewhere = `${certUrl}?evil`;
    const verdict = await verifier().verify(delivery(event(), { url: elsewhere }), event());
    expect(verdict).toEqual({ ok: false, reason: 'the certificate is not on EventBridge’s host' });
    expect(fetches).toBe(before);
    expect(
      OFFICIAL_CERT_URL.test('https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/x/cert.pem'),
    ).toBe(true);
    for (const url of [
      'https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com.evil.example/cert.pem',
      'https://evil.example/?https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/',
      'http://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/cert.pem',
    ])
      expect(OFFICIAL_CERT_URL.test(url)).toBe(false);
  });

  it('holds the target’s token to what was configured', async () => {
    const v = verifier('s3cret-token');
    expect((await v.verify(delivery(event()), event())).ok).toBe(false);
    expect((await v.verify(delivery(event(), { token: 'other' }), event())).ok).toBe(false);
    expect((await v.verify(delivery(event(), { token: 's3cret-token' }), event())).ok).toBe(true);
  });

  it('refuses a signed body that is not a task event, naming why', async () => {
    const body = Buffer.from(
      JSON.stringify({ specversion: '1.0', id: 'x', source: 's', type: 't', data: {} }),
    );
    const verdict = await verifier().verify(delivery(body), body);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a task event/) });
    const hostile = event({ data: { task_id: '../../etc', task_status: 'SUCCEEDED' } });
    expect((await verifier().verify(delivery(hostile), hostile)).ok).toBe(false);
  });
});
