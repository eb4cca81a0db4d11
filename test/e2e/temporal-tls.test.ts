// A Temporal frontend behind mutual TLS, as clusters and Temporal Cloud's mTLS namespaces are: a TLS
// terminator in front of the real dev server demands a client certificate signed by a private CA. With
// the Temporal CLI's variables (CA, client certificate pair, server name), a worker and a client connect
// and a job is stored; without the certificate the connection is refused.
import { connect, type AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { jobHarness, type JobHarness } from '../harness/jobs';
import { connectClient } from '../../src/client/jobs';
import { loadConfig } from '../../src/config/config';

let servers: TestServers;
let proxy: Server;
let worker: InProcessWorker | undefined;
let h: JobHarness | undefined;
let env: NodeJS.ProcessEnv;
const clientNames: string[] = [];
const handshakeErrors: string[] = [];

beforeAll(async () => {
  servers = await startTestServers();
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-mtls-'));
  const ca = await generate([{ name: 'commonName', value: 'wanflow test CA' }], {
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
    ],
  });
  const signedBy = { key: ca.private, cert: ca.cert };
  const server = await generate([{ name: 'commonName', value: 'temporal.test' }], {
    algorithm: 'sha256',
    ca: signedBy,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'temporal.test' }] },
    ],
  });
  const client = await generate([{ name: 'commonName', value: 'wanflow-worker' }], {
    algorithm: 'sha256',
    ca: signedBy,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

  // The terminator: TLS 1.2+ with ALPN h2, a client certificate from the CA required, bytes forwarded.
  const [host, port] = servers.temporal.address.split(':');
  proxy = createServer(
    {
      key: server.private,
      cert: server.cert,
      ca: ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket: TLSSocket) => {
      clientNames.push(String(socket.getPeerCertificate().subject?.CN));
      const upstream = connect(Number(port), host!);
      socket.pipe(upstream).pipe(socket);
      const close = () => (socket.destroy(), upstream.destroy());
      socket.on('error', close);
      upstream.on('error', close);
    },
  );
  proxy.on('tlsClientError', (err) => handshakeErrors.push(err.message));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  env = testEnv(servers, 'mtls', {
    TEMPORAL_ADDRESS: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: write('ca.pem', ca.cert),
    TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
    TEMPORAL_TLS_CLIENT_CERT_PATH: write('client.pem', client.cert),
    TEMPORAL_TLS_CLIENT_KEY_PATH: write('client.key', client.private),
    TEMPORAL_CONFIG_FILE: join(dir, 'none.toml'),
  });
});

afterAll(async () => {
  await worker?.stop();
  await h?.client.connection.close();
  proxy?.close();
  await servers?.stop();
});

describe('Temporal behind mutual TLS', () => {
  it('a worker and a client with the CLI variables connect, and a job is stored', async () => {
    worker = await startInProcessWorker(env);
    h = await jobHarness(env);
    const record = await h.run({
      model: 'wan2.7-t2v',
      input: { prompt: 'a lighthouse behind a firewall' },
      parameters: { resolution: '720P', duration: 2 },
    });
    expect(record.status).toBe('stored');
    expect(clientNames.length).toBeGreaterThan(0);
    expect(new Set(clientNames)).toEqual(new Set(['wanflow-worker']));
  });

  it('without the client certificate the server refuses the connection', async () => {
    const config = loadConfig({
      ...env,
      TEMPORAL_TLS_CLIENT_CERT_PATH: undefined,
      TEMPORAL_TLS_CLIENT_KEY_PATH: undefined,
    });
    const attempt = connectClient(config).then(async (client) => {
      // The connection is lazy in places: a call proves it.
      await client.connection.workflowService.getSystemInfo({});
      return client;
    });
    await expect(attempt).rejects.toThrow(/Failed to connect/);
    // …because the terminator refused a handshake that came without a certificate.
    expect(handshakeErrors.join('\n')).toMatch(/certificate/i);
  });
});
