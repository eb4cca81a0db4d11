// The embedded stack: a Temporal dev server on a SQLite file in the data folder, the simulator and a
// worker, in one process tree. With TEMPORAL_ADDRESS set, the existing cluster is used instead.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WanflowConfig } from '../config/config';
import { startSimulator, type RunningSimulator } from '../simulator/server';
import { createWanflowWorker, type WanflowWorker } from '../worker/worker';
import { patiently } from '../worker/patience';
import { connectClient } from '../client/jobs';
import { EVENTS_PATH, receiverOptions, startWebhookReceiver } from '../webhooks/receiver';
import { startAssetServer, type AssetServer } from '../assets/server';
import { FileSystemStore } from '../storage/fs-store';
import { randomBytes } from 'node:crypto';
import { startTemporalDevServer, type TemporalDevServer } from './temporal';
import { serveStudio } from '../studio/server';
import { createStore } from '../storage';

export interface EmbeddedStack {
  config: WanflowConfig;
  /** The studio's address (`WANFLOW_STUDIO_PORT`, loopback). */
  studioUrl: string;
  temporal?: TemporalDevServer;
  simulator?: RunningSimulator;
  worker: WanflowWorker;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
): Promise<EmbeddedStack> {
  mkdirSync(config.dataDir, { recursive: true });
  let temporal: TemporalDevServer | undefined;
  if (!config.temporal.external) {
    const port = Number(config.temporal.address.split(':').pop());
    temporal = await startTemporalDevServer({
      dbFile: join(config.dataDir, 'temporal.sqlite'),
      port,
      uiPort: port + 1000,
      logDir: join(config.dataDir, 'logs'),
    });
    log(
      `Temporal dev server on ${temporal.address} (UI http://127.0.0.1:${port + 1000}), history in ${join(config.dataDir, 'temporal.sqlite')}`,
    );
  }
  let simulator: RunningSimulator | undefined;
  if (!config.live && !config.baseUrlOverride) {
    const url = new URL(config.simulatorUrl);
    simulator = await startSimulator({
      host: url.hostname,
      port: Number(url.port),
      cacheDir: join(config.dataDir, 'simulator'),
      // The studio's gallery shows each clip's model, seed and prompt, as a real run's would differ.
      legible: true,
    });
    log(`Model Studio simulator on ${simulator.baseUrl} (the paid API is reached only with WANFLOW_LIVE=1)`);
  }
  // Wrapper routes push completion here; a public deployment sets WANFLOW_WEBHOOK_URL to its own address.
  // A cluster may still be starting (machines boot in any order): wait for it as the worker does.
  const client = await patiently(() => connectClient(config), {
    what: `Temporal at ${config.temporal.address}`,
    giveUpMs: temporal ? 0 : config.connectGiveUpSeconds * 1000,
    log,
  });
  // The receiver and the worker here share a secret for callback paths, made afresh unless configured.
  // The simulator's account has its EventBridge rule set up, as a production account should: its
  // completion events wake the jobs (unless WANFLOW_TASK_EVENTS says otherwise).
  config = {
    ...config,
    webhookSecret: config.webhookSecret ?? randomBytes(32).toString('hex'),
    ...(simulator && config.taskEvents === undefined ? { taskEvents: 'eventbridge' as const } : {}),
  };
  const receiver = await startWebhookReceiver({
    ...receiverOptions(config, client, env),
    port: config.webhookPort,
  });
  log(`webhook receiver on ${receiver.url}`);
  if (simulator && config.taskEvents === 'eventbridge') {
    simulator.setEventTarget({ url: `${config.webhookUrl ?? receiver.url}${EVENTS_PATH}` });
    log(`the simulator's completion events go to ${config.webhookUrl ?? receiver.url}${EVENTS_PATH}`);
  }
  // The filesystem store's inputs are served to providers by the local asset server, at signed URLs.
  let assets: AssetServer | undefined;
  let served: Partial<WanflowConfig> = {};
  if (config.storage.kind === 'fs' && !config.assetUrl) {
    const secret = randomBytes(32).toString('hex');
    assets = await startAssetServer({
      store: new FileSystemStore(config.storage.dir),
      secret,
      port: config.assetPort,
    });
    served = { assetUrl: assets.url, assetSecret: secret };
    log(`asset server on ${assets.url}`);
  }
  const worker = await createWanflowWorker({
    config: { ...config, ...served, webhookUrl: config.webhookUrl ?? receiver.url },
    env,
    log,
  });
  const running = worker.run();
  log(
    `worker on task queue ${config.temporal.taskQueue}; storage: ${config.storage.kind === 'fs' ? config.storage.dir : `s3://${config.storage.bucket}`}`,
  );
  const studio = await serveStudio({
    client,
    config,
    store: createStore(config.storage),
    token: config.studioToken,
    host: '127.0.0.1',
    port: config.studioPort,
  });
  log(`studio on ${studio.url}`);
  return {
    config,
    studioUrl: studio.url,
    temporal,
    simulator,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await studio.close();
      await receiver.close();
      await assets?.close();
      await client.connection.close();
      await simulator?.close();
      await temporal?.stop();
    },
  };
}
