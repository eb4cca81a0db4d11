// A private PostgreSQL server (Debian's package) for the Temporal server's stores: its own data folder
// and port on loopback, trust authentication for one user, stopped by its PID. PostgreSQL refuses to run
// as root, so under root it runs as the `postgres` user the Debian package creates.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WanflowError } from '../shared/errors';
import { findPostgresTool } from './tools';
import { spawnService, waitFor, type Service } from './service';

export interface PostgresOptions {
  dataDir: string;
  port: number;
  logDir: string;
  /** The one user, with trust authentication on loopback. */
  user?: string;
}

export interface PostgresServer extends Service {
  port: number;
  user: string;
}

export async function startPostgres(o: PostgresOptions): Promise<PostgresServer> {
  const user = o.user ?? 'temporal';
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  mkdirSync(o.dataDir, { recursive: true });
  if (owner) {
    chownSync(o.dataDir, owner.uid, owner.gid);
    assertReachable(o.dataDir, owner);
  }
  const data = join(o.dataDir, 'data');
  if (!existsSync(join(data, 'PG_VERSION')))
    execFileSync(findPostgresTool('initdb'), ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8'], {
      stdio: 'ignore',
      ...owner,
    });
  const service = spawnService(
    'postgres',
    findPostgresTool('postgres'),
    ['-D', data, '-p', String(o.port), '-k', o.dataDir, '-c', 'listen_addresses=127.0.0.1'],
    join(o.logDir, 'postgres.log'),
    process.env,
    owner,
  );
  await waitFor(
    `PostgreSQL on 127.0.0.1:${o.port}`,
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(o.port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    60_000,
    service,
  ).catch(async (err: unknown) => {
    await service.stop();
    throw err;
  });
  return Object.assign(service, { port: o.port, user });
}

/** Under root, PostgreSQL runs as `postgres`, which must pass through every folder above its data. */
export class DataFolderClosedError extends WanflowError {
  override readonly name = 'DataFolderClosedError';
  readonly remedy =
    'Set WANFLOW_DATA_DIR to a folder whose parents every user may pass through (e.g. /var/lib/wanflow), or run as a user other than root.';
}

function assertReachable(dir: string, owner: { uid: number; gid: number }): void {
  try {
    execFileSync('test', ['-x', dir], { stdio: 'ignore', ...owner });
  } catch (e) {
    throw new DataFolderClosedError(
      `PostgreSQL runs as the postgres user under root, and it cannot reach ${dir}: a folder above it is closed to other users (as /root is)`,
      { cause: e },
    );
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
