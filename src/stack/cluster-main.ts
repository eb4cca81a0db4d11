// `npm run cluster`: the production topology on this machine — PostgreSQL, the Temporal server on it,
// MinIO, and two `wanflow worker` processes against the simulator (WANFLOW_LIVE=1 for the paid API) —
// until Ctrl-C. State under ./.wanflow/cluster, so a restart finds its runs. It prints the environment
// a `wanflow` command needs to use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startCluster } from './cluster';
import { startSimulator } from '../simulator/server';
import { envVar } from '../config/env';

async function main(): Promise<void> {
  const dir = resolve(envVar(process.env, 'WANFLOW_DATA_DIR') ?? '.wanflow', 'cluster');
  const cluster = await startCluster({ dir });
  const live = envVar(process.env, 'WANFLOW_LIVE') ?? false;
  const simulator = live ? undefined : await startSimulator({ port: 0, cacheDir: join(dir, 'simulator') });
  const env: Record<string, string> = {
    ...cluster.env,
    ...(simulator
      ? { DASHSCOPE_HTTP_BASE_URL: simulator.baseUrl, WANFLOW_SIMULATOR_URL: simulator.url }
      : {}),
  };
  const workers: ChildProcess[] = [1, 2].map(() =>
    spawn(process.execPath, [resolve(__dirname, '../cli/main.js'), 'worker'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  process.stdout.write(
    `cluster ready (state in ${dir}); in another shell:\n${Object.entries(env)
      .map(([k, v]) => `export ${k}=${v}`)
      .join(
        '\n',
      )}\nwanflow campaign start examples/campaign/product-shots.csv --template examples/campaign/product-shots.yaml\n`,
  );
  const stop = async () => {
    for (const w of workers) w.kill('SIGTERM');
    await simulator?.close();
    await cluster.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster: ${(err as Error).message}\n`);
  process.exit(1);
});
