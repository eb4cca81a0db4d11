// A real MinIO server for the S3 store, on loopback.
import { join } from 'node:path';
import { request } from 'undici';
import { findTool } from './tools';
import { spawnService, waitFor, type Service } from './service';

export interface MinioOptions {
  dataDir: string;
  port: number;
  consolePort: number;
  user: string;
  password: string;
  logDir: string;
}

export interface MinioServer extends Service {
  endpoint: string;
}

export async function startMinio(o: MinioOptions): Promise<MinioServer> {
  const service = spawnService(
    'minio',
    findTool('minio'),
    [
      'server',
      o.dataDir,
      '--address',
      `127.0.0.1:${o.port}`,
      '--console-address',
      `127.0.0.1:${o.consolePort}`,
      '--quiet',
    ],
    join(o.logDir, 'minio.log'),
    { ...process.env, MINIO_ROOT_USER: o.user, MINIO_ROOT_PASSWORD: o.password, MINIO_BROWSER: 'off' },
  );
  const endpoint = `http://127.0.0.1:${o.port}`;
  await waitFor(
    `MinIO at ${endpoint}`,
    async () => {
      const res = await request(`${endpoint}/minio/health/live`);
      await res.body.dump();
      return res.statusCode === 200;
    },
    60_000,
    service,
  );
  return Object.assign(service, { endpoint });
}
