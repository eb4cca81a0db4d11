// The production topology on one machine: PostgreSQL (Debian's package), the Temporal server itself on it,
// MinIO for the outputs; workers run as separate processes against it (`npm run cluster` starts two).
// Everything keeps its state under one folder, so a restart finds its runs; each server is stopped by the
// PID it was started with.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type Service } from './service';
import { startPostgres } from './postgres';
import { startTemporalServer, type TemporalServer } from './temporal-server';
import { startMinio, type MinioServer } from './minio';

export interface ClusterOptions {
  /** Every server's state and logs. PostgreSQL runs as `postgres` under root: it must reach this folder. */
  dir: string;
  /** The Temporal frontend's port (default: a free one). */
  port?: number;
}

export interface Cluster {
  temporal: TemporalServer;
  minio: MinioServer;
  /** What workers and clients of this cluster need in their environment (S3 credentials included). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const MINIO_USER = 'wanflow';
const MINIO_PASSWORD = 'wanflow-cluster-secret';

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const logDir = join(o.dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // The postgres user needs to pass through the folder to its own data.
  chmodSync(o.dir, 0o711);
  const started: Service[] = [];
  try {
    const postgres = await startPostgres({
      dataDir: join(o.dir, 'postgres'),
      port: await freePort(),
      logDir,
    });
    started.push(postgres);
    const temporal = await startTemporalServer({
      postgres,
      dir: join(o.dir, 'temporal'),
      logDir,
      port: o.port ?? (await freePort()),
    });
    started.push(temporal);
    const minio = await startMinio({
      dataDir: join(o.dir, 'minio'),
      port: await freePort(),
      consolePort: await freePort(),
      user: MINIO_USER,
      password: MINIO_PASSWORD,
      logDir,
    });
    started.push(minio);
    return {
      temporal,
      minio,
      env: {
        TEMPORAL_ADDRESS: temporal.address,
        WANFLOW_STORAGE: 's3',
        WANFLOW_S3_ENDPOINT: minio.endpoint,
        WANFLOW_S3_BUCKET: 'wanflow',
        AWS_ACCESS_KEY_ID: MINIO_USER,
        AWS_SECRET_ACCESS_KEY: MINIO_PASSWORD,
      },
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

/** In the reverse order of starting: the server before its database. */
async function stopAll(services: Service[]): Promise<void> {
  for (const s of [...services].reverse()) await s.stop().catch(() => undefined);
}
