// Temporal connection settings are read as the Temporal CLI and SDKs read them (environment and TOML
// profile, via @temporalio/envconfig): address, namespace, API key, TLS and mTLS files, gRPC headers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';

const dir = mkdtempSync(join(tmpdir(), 'wanflow-tls-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
// A config file that does not exist stands in for the user's own ~/.config/temporalio/temporal.toml.
const base = { TEMPORAL_CONFIG_FILE: join(dir, 'none.toml') };

describe('Temporal connection settings', () => {
  it('default to a local server without TLS', () => {
    expect(loadConfig(base).temporal).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'wanflow',
    });
    expect(loadConfig(base).temporal.tls).toBeFalsy();
  });

  it('an API key turns TLS on (Temporal Cloud); TEMPORAL_TLS=false turns it off again', () => {
    const cloud = loadConfig({
      ...base,
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'key-123',
    }).temporal;
    expect(cloud).toMatchObject({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      apiKey: 'key-123',
      tls: true,
    });
    expect(loadConfig({ ...base, TEMPORAL_API_KEY: 'key-123', TEMPORAL_TLS: 'false' }).temporal.tls).toBe(
      false,
    );
  });

  it('mTLS: the client certificate pair, the server CA and the server name come from files', () => {
    const tls = loadConfig({
      ...base,
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', 'CLIENT CERT'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', 'CLIENT KEY'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', 'SERVER CA'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    }).temporal.tls as {
      clientCertPair: { crt: Buffer; key: Buffer };
      serverRootCACertificate: Buffer;
      serverNameOverride: string;
    };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('CLIENT CERT');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('CLIENT KEY');
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('SERVER CA');
    expect(tls.serverNameOverride).toBe('temporal.internal');
  });

  it('a TOML profile is honoured, and the environment overrides it', () => {
    const toml = file(
      'temporal.toml',
      [
        '[profile.prod]',
        'address = "temporal.prod:7233"',
        'namespace = "media"',
        '[profile.prod.grpc_meta]',
        'x-team = "video"',
      ].join('\n'),
    );
    const prod = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' }).temporal;
    expect(prod).toMatchObject({
      address: 'temporal.prod:7233',
      namespace: 'media',
      metadata: { 'x-team': 'video' },
    });
    const overridden = loadConfig({
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'staging',
    });
    expect(overridden.temporal).toMatchObject({ address: 'temporal.prod:7233', namespace: 'staging' });
  });

  it('a missing certificate file is a configuration error that names it', () => {
    expect(() =>
      loadConfig({
        ...base,
        TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'absent.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'absent.key'),
      }),
    ).toThrow(/Temporal connection settings: .*absent/);
  });
});
