// The Temporal CLI's dev server with a persistent SQLite file: the real server wanflow runs on locally.
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { findTool } from './tools';
import { devServerSearchAttributeFlags } from '../workflows/search-attributes';
import { spawnService, waitFor, type Service } from './service';

export interface TemporalDevServerOptions {
  dbFile: string;
  port: number;
  uiPort?: number;
  namespace?: string;
  logDir: string;
}

export interface TemporalDevServer extends Service {
  address: string;
}

export async function startTemporalDevServer(o: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    o.dbFile,
    '--port',
    String(o.port),
    '--ip',
    '127.0.0.1',
    '--log-level',
    'warn',
    '--namespace',
    o.namespace ?? 'default',
    ...devServerSearchAttributeFlags(),
    // SQLite's default (a rollback journal, synced at each commit) spends on fsync what the server could
    // spend on work: with a write-ahead log synced at checkpoints, a killed server loses nothing and only
    // a power loss can drop the last commits (never corrupt the file). Measured on three test files, one
    // run each way: 20 % less CPU (82 s vs 98–107 s), 7 % less time.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
  ];
  args.push(...(o.uiPort ? ['--ui-port', String(o.uiPort)] : ['--headless']));
  const service = spawnService('temporal', findTool('temporal'), args, join(o.logDir, 'temporal.log'));
  const address = `127.0.0.1:${o.port}`;
  await waitForFrontend(address, service, 60_000);
  return Object.assign(service, { address });
}

/** Until a Temporal frontend at `address` answers (or its process exits). */
export async function waitForFrontend(address: string, service: Service, timeoutMs: number): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return true;
      } finally {
        await conn.close();
      }
    },
    timeoutMs,
    service,
  );
}
