// `npm run cluster`: the production topology on this machine — PostgreSQL, the Temporal server on it,
// MinIO, and two `wanflow worker` processes against the simulator (WANFLOW_LIVE=1 for the paid API) —
// until Ctrl-C. State under ./.wanflow/cluster, so a restart finds its runs. It prints the environment
// a `wanflow` command needs to use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startCluster } from './cluster';
import { startSimulator } from '../simulator/server';
import { envVar } from '../config/env';
import { WanflowError } from '../shared/errors';

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
  // Ctrl-C reaches every process of the terminal's group, and the node24 wrapper passes it on again:
  // the second signal must not cut the first one's stop short (services left running).
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(workers.map(stopWorker));
      await simulator?.close();
      await cluster.stop();
      process.exit(0);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}

/** Asks a worker to shut down (it finishes its grace time) and waits until it has exited. */
function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  worker.kill('SIGTERM');
  return exited;
}

main().catch((err: unknown) => {
  const remedy = err instanceof WanflowError ? `\n${err.remedy}` : '';
  process.stderr.write(`cluster: ${(err as Error).message}${remedy}\n`);
  process.exit(1);
});
