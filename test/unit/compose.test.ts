// No Docker engine runs here, so the compose file is checked for what can be checked: it parses, has the
// services the deploying guide promises, and configures wanflow only with variables wanflow reads.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VARIABLES } from '../../src/config/env';

const compose = parse(readFileSync(resolve(__dirname, '../../docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, { environment?: Record<string, unknown>; command?: string[] }>;
};

describe('docker-compose.yml', () => {
  it('has Temporal on PostgreSQL, its Web UI, MinIO, a worker and the webhook receiver', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'minio',
      'postgresql',
      'simulator',
      'temporal',
      'temporal-ui',
      'webhooks',
      'worker',
    ]);
    expect(compose.services.temporal!.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
    });
    // The search attributes are registered before the worker starts.
    expect(compose.services.worker!.command!.join(' ')).toMatch(
      /dist\/cli\/main\.js setup && node dist\/cli\/main\.js worker/,
    );
  });

  it('configures wanflow services only with variables wanflow reads', () => {
    const known = new Set<string>(Object.keys(VARIABLES));
    for (const name of ['simulator', 'worker', 'webhooks']) {
      const vars = Object.keys(compose.services[name]!.environment ?? {});
      expect(vars.length).toBeGreaterThan(5);
      expect(vars.filter((v) => !known.has(v))).toEqual([]);
    }
  });
});
