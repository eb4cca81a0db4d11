// Benchmark: how much wall time does orchestration add to a chain, over the provider's own task time?
// Runs chains of 1, 2 and 4 text-to-video → continuation stages on a real Temporal dev server, the
// simulator (tasks of a fixed length) and a filesystem store, in one run, and reports per chain the wall
// time, the provider time (sum of each task's created → ended) and their ratio, plus the added seconds per
// stage (validate, publish, submit, the poll that sees the end, download and store, record).
// Run: npm run bench:pipeline (builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startBenchServers } from './lib.mjs';

const require = createRequire(import.meta.url);
const { loadConfig } = require('../dist/config/config.js');
const { createWanflowWorker } = require('../dist/worker/worker.js');
const { connectClient } = require('../dist/client/jobs.js');
const { startPipeline, waitForPipeline } = require('../dist/client/pipelines.js');
const { installCompactLogging } = require('../dist/worker/logging.js');

installCompactLogging('ERROR', (line) => process.stderr.write(`${line}\n`));
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 4000);
const dir = mkdtempSync(join(tmpdir(), 'wanflow-bench-'));

/** explore (t2v, 2 s), then continuations each 2 s longer than the clip before. */
function chain(stages) {
  const list = [
    {
      id: 's1',
      request: { model: 'wan2.7-t2v', input: { prompt: 'bench' }, parameters: { duration: 2 } },
    },
  ];
  for (let i = 2; i <= stages; i++)
    list.push({
      id: `s${i}`,
      request: {
        model: 'wan2.7-i2v',
        input: { media: [{ type: 'first_clip', url: `stage:s${i - 1}` }] },
        parameters: { duration: 2 * i },
      },
    });
  return { version: 1, stages: list };
}

// Every task takes the same time, whatever its length, so provider time is known exactly.
const servers = await startBenchServers(dir, TASK_MS);
const { temporal, sim } = servers;
const env = {
  ...servers.env,
  WANFLOW_TASK_QUEUE: 'bench',
};
const config = loadConfig(env);
const worker = await createWanflowWorker({ config, env });
const running = worker.run();
const client = await connectClient(config);

const rows = [];
try {
  for (const stages of [1, 2, 4]) {
    const started = Date.now();
    const { pipelineId } = await startPipeline(client, config, { spec: chain(stages) });
    const record = await waitForPipeline(client, pipelineId);
    const wall = (Date.now() - started) / 1000;
    if (record.status !== 'stored') throw new Error(`chain of ${stages} ended ${record.status}`);
    const provider = stages * (TASK_MS / 1000);
    rows.push({ stages, wall, provider, ratio: wall / provider, addedPerStage: (wall - provider) / stages });
  }
} finally {
  worker.shutdown();
  await running.catch(() => undefined);
  await client.connection.close();
  await sim.close();
  await temporal.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`pipeline overhead (simulated tasks of ${TASK_MS / 1000} s each, fs store, one worker)`);
console.log('stages  wall s  provider s  wall/provider  added s per stage');
for (const r of rows)
  console.log(
    `${String(r.stages).padStart(6)}  ${r.wall.toFixed(1).padStart(6)}  ${r.provider.toFixed(1).padStart(10)}  ${r.ratio.toFixed(2).padStart(13)}  ${r.addedPerStage.toFixed(2).padStart(17)}`,
  );
