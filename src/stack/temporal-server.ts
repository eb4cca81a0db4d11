// The Temporal server itself — the binary production clusters run, built from the Go module proxy by the
// bootstrap — on PostgreSQL: its schema set up (idempotently) with Temporal's own SQL tool, a config file
// of our ports, the `default` namespace registered and wanflow's search attributes added. What a team
// runs in production, minus replication and TLS.
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { registerSearchAttributes, searchAttributesUsable } from '../client/setup';
import { findTool, temporalSchemaDir } from './tools';
import { spawnService, waitFor, type Service } from './service';
import { waitForFrontend } from './temporal';
import type { PostgresServer } from './postgres';

export interface TemporalServerOptions {
  postgres: Pick<PostgresServer, 'port' | 'user'>;
  /** Its config file and nothing else. */
  dir: string;
  logDir: string;
  /** The frontend's gRPC port: what workers and clients connect to. */
  port: number;
}

export interface TemporalServer extends Service {
  address: string;
}

export async function startTemporalServer(o: TemporalServerOptions): Promise<TemporalServer> {
  mkdirSync(o.dir, { recursive: true });
  setUpSchema(o.postgres);
  const file = join(o.dir, 'temporal-server.yaml');
  writeFileSync(file, await serverConfig(o));
  const service = spawnService(
    'temporal-server',
    findTool('temporal-server'),
    ['--config-file', file, '--allow-no-auth', 'start'],
    join(o.logDir, 'temporal-server.log'),
  );
  const address = `127.0.0.1:${o.port}`;
  try {
    await waitForFrontend(address, service, 120_000);
    await prepareNamespace(address, 'default');
  } catch (err) {
    await service.stop();
    throw err;
  }
  return Object.assign(service, { address });
}

/** Both databases, created if missing, at the schema version this server needs. */
function setUpSchema(pg: Pick<PostgresServer, 'port' | 'user'>): void {
  const schema = temporalSchemaDir();
  for (const [db, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const sql = (...args: string[]) =>
      execFileSync(
        findTool('temporal-sql-tool'),
        [
          '--plugin',
          'postgres12',
          '--ep',
          '127.0.0.1',
          '-p',
          String(pg.port),
          '-u',
          pg.user,
          '--db',
          db,
          ...args,
        ],
        { stdio: 'pipe' },
      );
    let fresh = true;
    try {
      sql('create');
    } catch {
      fresh = false; // it exists: its schema is updated below
    }
    if (fresh) sql('setup-schema', '-v', '0.0');
    sql('update-schema', '-d', join(schema, dir, 'versioned'));
  }
}

async function serverConfig(o: TemporalServerOptions): Promise<string> {
  // Membership ports are stored in a PostgreSQL smallint: below 32768, unlike the kernel's ephemeral ones.
  const [fm, hm, mm, wm] = await lowPorts(4);
  const [http, history, matching, worker] = await lowPorts(4);
  const store = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: 127.0.0.1:${o.postgres.port}
        connectProtocol: tcp
        user: ${o.postgres.user}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:
    rpc: { grpcPort: ${o.port}, membershipPort: ${fm}, httpPort: ${http}, bindOnLocalHost: true }
  history:
    rpc: { grpcPort: ${history}, membershipPort: ${hm}, bindOnLocalHost: true }
  matching:
    rpc: { grpcPort: ${matching}, membershipPort: ${mm}, bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: ${worker}, membershipPort: ${wm}, bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${o.port}
dcRedirectionPolicy:
  policy: noop
`;
}

async function prepareNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.describeNamespace({ namespace }).catch(() =>
      connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('3 days'),
      }),
    );
    // A namespace just registered takes a moment to reach every service (its cache refreshes every 10 s),
    // and so do attributes just added: ready once a query naming them is accepted, as a start will be.
    const client = new Client({ connection, namespace });
    await waitFor(
      `search attributes of namespace ${namespace}`,
      async () => {
        await registerSearchAttributes(client, namespace);
        return searchAttributesUsable(client, namespace);
      },
      60_000,
    );
  } finally {
    await connection.close();
  }
}

/** Free ports in 20000–32767. */
async function lowPorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = 20000 + Math.floor(Math.random() * 12767);
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
