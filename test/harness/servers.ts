// Real servers for a test file: a Temporal dev server on its own SQLite file, a MinIO server, and the
// Model Studio simulator, all on free loopback ports under one temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/stack/temporal';
import { startMinio, type MinioServer } from '../../src/stack/minio';
import { freePort, ServiceExitedError } from '../../src/stack/service';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { SimulatorOptions } from '../../src/simulator/options';

export const MINIO_USER = 'wanflow-test';
export const MINIO_PASSWORD = 'wanflow-test-secret';

export interface TestServers {
  dir: string;
  temporal: TemporalDevServer;
  temporalPort: number;
  dbFile: string;
  minio: MinioServer;
  simulator: RunningSimulator;
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
}

/** Simulator timing for tests: tasks finish in about two seconds. */
export const FAST_SIMULATOR: SimulatorOptions = { queueMs: 300, runMs: 1000, runPerOutputSecondMs: 100 };

export async function startTestServers(sim: SimulatorOptions = {}): Promise<TestServers> {
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-test-'));
  const logDir = join(dir, 'logs');
  const dbFile = join(dir, 'temporal.sqlite');
  const [{ temporal, temporalPort }, minio, simulator] = await Promise.all([
    startTemporalOnFreePort(dbFile, logDir),
    (async () =>
      startMinio({
        dataDir: join(dir, 'minio'),
        port: await freePort(),
        consolePort: await freePort(),
        user: MINIO_USER,
        password: MINIO_PASSWORD,
        logDir,
      }))(),
    startSimulator({ port: 0, cacheDir: join(tmpdir(), 'wanflow-test-videos'), ...FAST_SIMULATOR, ...sim }),
  ]);
  const servers: TestServers = {
    dir,
    temporal,
    temporalPort,
    dbFile,
    minio,
    simulator,
    async restartTemporal() {
      await servers.temporal.stop();
      servers.temporal = await startTemporalDevServer({ dbFile, port: temporalPort, logDir });
    },
    async stop() {
      await Promise.allSettled([servers.temporal.stop(), minio.stop(), simulator.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return servers;
}

/**
 * A dev server on a port free a moment ago. The dev server also binds ports of its own choosing (HTTP,
 * metrics, its internal services), and MinIO and the simulator start beside it, so a port can be taken
 * between the pick and the bind (CI saw the dev server exit with code 2 at start): a server that exits
 * before it is ready is started again on a new port, twice at most, its log's last lines printed.
 */
async function startTemporalOnFreePort(
  dbFile: string,
  logDir: string,
): Promise<{ temporal: TemporalDevServer; temporalPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const temporalPort = await freePort();
    try {
      return { temporal: await startTemporalDevServer({ dbFile, port: temporalPort, logDir }), temporalPort };
    } catch (e) {
      if (!(e instanceof ServiceExitedError) || attempt === 3) throw e;
      console.warn(`${e.message}\nstarting it again on another port`);
    }
  }
}

/** The environment a wanflow worker or client of these servers reads. */
export function testEnv(s: TestServers, taskQueue: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: s.temporal.address,
    WANFLOW_TASK_QUEUE: taskQueue,
    DASHSCOPE_HTTP_BASE_URL: s.simulator.baseUrl,
    WANFLOW_SIMULATOR_URL: s.simulator.url,
    WANFLOW_STORAGE: 's3',
    WANFLOW_S3_ENDPOINT: s.minio.endpoint,
    WANFLOW_S3_BUCKET: 'wanflow-test',
    AWS_ACCESS_KEY_ID: MINIO_USER,
    AWS_SECRET_ACCESS_KEY: MINIO_PASSWORD,
    WANFLOW_DATA_DIR: join(s.dir, 'data'),
    // Test media is served from loopback, which preflight refuses unless allow-listed.
    WANFLOW_PREFLIGHT_ALLOW_HOSTS: '127.0.0.1',
    ...extra,
  };
}
