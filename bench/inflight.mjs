// Benchmark: N jobs in flight on one worker. The worker is its own process (its memory is what is
// measured); the Temporal dev server and the simulator run beside it. Every task takes the same time
// (BENCH_TASK_MS), long enough that all N are in flight at once, and each job is told that time, as a
// worker that has seen such tasks would know it. Two runs on the same servers, one after the other:
// jobs woken by the account's task watcher, then (BENCH_CONTROL=1, the default) jobs polling alone.
// Reported per run: the worker's peak memory, timer lag (how late a durable timer's workflow task ran,
// from a sample of jobs' histories and every run of the task watcher), the lag from the provider's end of a task to its output stored, and the
// provider queries per task. One account here runs N tasks at once (no real one may: its limits are a
// handful), so its query budget is raised to BENCH_QPS (100): the figure under test is the worker's.
// Run: npm run bench:inflight (builds first). BENCH_JOBS (1000), BENCH_TASK_MS (180000), BENCH_QPS,
// BENCH_CONTROL, BENCH_AHEAD (jobs started ahead of their tasks, 200) override.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { endToStoredMs, pct, rssMiB, spawnWorker, startBenchServers, stopWorker } from './lib.mjs';

const require = createRequire(import.meta.url);
const { loadConfig } = require('../dist/config/config.js');
const { connectClient, startJob, waitForJob } = require('../dist/client/jobs.js');
const { jobWorkflowId } = require('../dist/shared/ids.js');

const N = Number(process.env.BENCH_JOBS ?? 1000);
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 180_000);
const CONTROL = (process.env.BENCH_CONTROL ?? '1') !== '0';
const QPS = process.env.BENCH_QPS ?? '100';
const HISTORY_SAMPLE = 100;
// Jobs started whose tasks are not created yet, at most.
const AHEAD = Number(process.env.BENCH_AHEAD ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'wanflow-bench-inflight-'));

const servers = await startBenchServers(dir, TASK_MS);
const { temporal, sim } = servers;
const base = {
  ...servers.env,
  WANFLOW_LOG_LEVEL: 'ERROR',
  WANFLOW_QUERIES_PER_SECOND: QPS,
};
// The job knows its task's length (as learned run times would tell it); the rest is the worker's policy.
const options = {
  timing: {
    baseSeconds: TASK_MS / 1000,
    perOutputSecond720: 0,
    factor1080: 1,
    imageBaseSeconds: 1,
    perImageSeconds: 0,
  },
};
const request = (i) => ({
  model: 'wan2.7-t2v',
  input: { prompt: `in flight ${i}` },
  parameters: { resolution: '720P', duration: 2 },
});

/** How late each fired timer's next workflow task started, ms, from one job's history. */
function timerLags(history) {
  const ms = (t) => Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  const started = new Map();
  const lags = [];
  let firedAt;
  for (const e of history.events) {
    if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      started.set(a.timerId, ms(e.eventTime) + ms(a.startToFireTimeout));
    } else if (e.timerFiredEventAttributes) {
      firedAt = started.get(e.timerFiredEventAttributes.timerId);
    } else if (e.workflowTaskStartedEventAttributes && firedAt !== undefined) {
      lags.push(ms(e.eventTime) - firedAt);
      firedAt = undefined;
    }
  }
  return lags;
}

async function run(name, queue, extraEnv) {
  const env = { ...base, WANFLOW_TASK_QUEUE: queue, ...extraEnv };
  const worker = spawnWorker(env);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(worker.pid))), 1000);
  const began = Date.now();
  // A line a minute on stderr: a run of thousands takes most of an hour.
  const progress = setInterval(() => {
    const s = sim.stats();
    console.error(
      `${name} ${((Date.now() - began) / 1000).toFixed(0)} s: tasks created ${s.tasksCreated}, queries ${s.queries}, lists ${s.lists}, worker ${rssMiB(worker.pid).toFixed(0)} MiB (peak ${peak.toFixed(0)})`,
    );
  }, 60_000);
  const config = loadConfig(env);
  const client = await connectClient(config);
  sim.reset();
  try {
    const t0 = Date.now();
    const ids = [];
    for (let i = 0; i < N; i += 100) {
      // Jobs start as the account takes their tasks, as a campaign's window admits them: thousands of
      // workflows started at once would only measure a thundering herd through the workflow cache.
      while (i - sim.stats().tasksCreated > AHEAD) await new Promise((r) => setTimeout(r, 200));
      const batch = Array.from({ length: Math.min(100, N - i) }, (_, k) =>
        startJob(client, config, { request: request(`${name} ${i + k}`), options }).then((r) => r.jobId),
      );
      ids.push(...(await Promise.all(batch)));
    }
    const startedS = (Date.now() - t0) / 1000;
    // Wait until every task exists at the provider: then all N are in flight together.
    while (sim.stats().tasksCreated < N) await new Promise((r) => setTimeout(r, 1000));
    const submittedS = (Date.now() - t0) / 1000;
    const inFlightRss = rssMiB(worker.pid);
    const records = [];
    for (let i = 0; i < ids.length; i += 200)
      records.push(...(await Promise.all(ids.slice(i, i + 200).map((id) => waitForJob(client, id)))));
    const wallS = (Date.now() - t0) / 1000;
    const stats = sim.stats();
    const lags = [];
    for (const id of ids.slice(0, HISTORY_SAMPLE))
      lags.push(...timerLags(await client.workflow.getHandle(jobWorkflowId(id)).fetchHistory()));
    // Watched jobs sleep on safety timers that need not fire: the timers that do run under this load are
    // the task watcher's sweeps, every run of it.
    for await (const w of client.workflow.list({
      query: `WorkflowType = 'wanTaskWatcher' AND TaskQueue = '${queue}'`,
    }))
      lags.push(...timerLags(await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()));
    lags.sort((a, b) => a - b);
    const detect = records
      .map(endToStoredMs)
      .filter((ms) => ms !== undefined)
      .sort((a, b) => a - b);
    return {
      name,
      stored: records.filter((r) => r.status === 'stored').length,
      startedS,
      submittedS,
      wallS,
      inFlightRss,
      peakRss: Math.max(peak, inFlightRss),
      timerLagP50: pct(lags, 50),
      timerLagP99: pct(lags, 99),
      timers: lags.length,
      detectP50: pct(detect, 50),
      detectP99: pct(detect, 99),
      queriesPerTask: (stats.queries + stats.lists) / N,
      lists: stats.lists,
    };
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
    await client.connection.close();
    await stopWorker(worker);
  }
}

const results = [];
try {
  results.push(await run('watched', 'bench-watched', {}));
  if (CONTROL) results.push(await run('polling', 'bench-polling', { WANFLOW_TASK_SWEEP_MS: '0' }));
} finally {
  await sim.close();
  await temporal.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `${N} jobs in flight on one worker (simulated tasks of ${TASK_MS / 1000} s, ${QPS} queries/s, workflow cache ${loadConfig(base).workflowCache}, fs store, dev server)`,
);
console.log(
  'run      stored  all submitted s  wall s  RSS in flight MiB  peak MiB  timer lag p50/p99 ms (n)  end→stored p50/p99 ms  queries/task',
);
for (const r of results)
  console.log(
    `${r.name.padEnd(8)} ${String(r.stored).padStart(6)}  ${r.submittedS.toFixed(0).padStart(15)}  ${r.wallS.toFixed(0).padStart(6)}  ${r.inFlightRss.toFixed(0).padStart(17)}  ${r.peakRss.toFixed(0).padStart(8)}  ${`${r.timerLagP50}/${r.timerLagP99} (${r.timers})`.padStart(25)}  ${`${r.detectP50}/${r.detectP99}`.padStart(21)}  ${r.queriesPerTask.toFixed(2).padStart(12)}`,
  );
if (results.length === 2) {
  const [w, p] = results;
  console.log(
    `ratios watched/polling: peak memory ${(w.peakRss / p.peakRss).toFixed(2)}, queries/task ${(w.queriesPerTask / p.queriesPerTask).toFixed(2)}, end→stored p99 ${(w.detectP99 / p.detectP99).toFixed(2)}; end→stored p99 over task time ${((100 * w.detectP99) / TASK_MS).toFixed(1)} %`,
  );
}
