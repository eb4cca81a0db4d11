// Benchmark: N jobs started at once through the client API, as an agent, a script or the HTTP API would
// start them, on one `wanflow worker` process beside the Temporal dev server (and the simulator) on this
// machine. Each job has its own prompt; every task takes BENCH_TASK_MS on the simulator; no account
// limit. Reported: when the first, half and all of the tasks were created and the creates a second,
// end of task → output stored (p50/p99), provider queries per task, peak memory of worker and server,
// and the CPU each job cost the worker and the server together (from /proc, start to last record) — then
// the work per job that CPU buys: workflows, workflow tasks, activities, signals, timers, history events
// and bytes (all workflows of the run counted, a sample of each type read event by event).
// Two bursts, one after the other on the same servers: jobs woken by the account's task watcher (sweeps of
// the task list), then by completion events (EventBridge's, from the simulator, through `wanflow webhooks`
// in its own process). Run: npm run bench:burst (builds first). BENCH_JOBS (600), BENCH_TASK_MS (60000),
// BENCH_SAMPLE (20), BENCH_EVENTS (1: both runs; 0: the watcher's only; only: the events' only).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  cpuMs,
  endToStoredMs,
  pct,
  prerenderClips,
  rssMiB,
  spawnWanflow,
  spawnWorker,
  startBenchServers,
  stopWorker,
  threadCpuMs,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { freePort } = require('../dist/stack/service.js');
const { loadConfig } = require('../dist/config/config.js');
const { connectClient, startJob, waitForJob } = require('../dist/client/jobs.js');
const { jobWorkflowId } = require('../dist/shared/ids.js');

const N = Number(process.env.BENCH_JOBS ?? 600);
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 60_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 20);
const EVENTS = { 0: false, only: 'only' }[process.env.BENCH_EVENTS ?? '1'] ?? true;
// Start calls in flight at once: enough that starting is never what the bench waits for.
const STARTING = 100;
const dir = mkdtempSync(join(tmpdir(), 'wanflow-bench-burst-'));

const servers = await startBenchServers(dir, TASK_MS);
const { temporal, sim } = servers;
const base = {
  ...servers.env,
  WANFLOW_LOG_LEVEL: 'ERROR',
  WANFLOW_WEBHOOK_SECRET: 'bench-burst-webhook-secret',
  // One account runs all N at once (no real one may): its query budget is not what is measured.
  WANFLOW_QUERIES_PER_SECOND: '100',
};
// Each job knows its task's length, as learned run times tell a worker that has seen such tasks (the
// simulator's default timing expects seconds); its safety timers then come after the end, not during it.
const options = {
  timing: {
    baseSeconds: TASK_MS / 1000,
    perOutputSecond720: 0,
    factor1080: 1,
    factor480: 1,
    imageBaseSeconds: 1,
    perImageSeconds: 0,
  },
};
const request = (name, i) => ({
  model: 'wan2.7-t2v',
  input: { prompt: `a burst (${name}), shot ${i}` },
  parameters: { resolution: '720P', duration: 2 + (i % 14) },
});

const TIMEOUT_TYPES = { 1: 'start to close', 2: 'schedule to start', 3: 'schedule to close', 4: 'heartbeat' };

/** The event kinds a history is made of, counted: `workflowTaskCompleted: 7`… */
function eventKinds(history) {
  const kinds = {};
  for (const e of history.events ?? []) {
    const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k]);
    const kind = key?.replace('EventAttributes', '') ?? 'unknown';
    // A workflow task that timed out says which way: not picked up in time (a sticky queue's 10 s, then a
    // full replay elsewhere) or not finished in time.
    const timeout = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    const named = timeout === undefined ? kind : `${kind} (${TIMEOUT_TYPES[timeout] ?? timeout})`;
    kinds[named] = (kinds[named] ?? 0) + 1;
  }
  return kinds;
}

/** Every workflow of the run by type: how many, their events and bytes, and a sample's event kinds. */
async function workPerJob(client, queue) {
  const types = {};
  for await (const w of client.workflow.list({ query: `TaskQueue = '${queue}'` })) {
    const t = (types[w.type] ??= { count: 0, events: 0, bytes: 0, sampled: [] });
    t.count += 1;
    t.events += w.historyLength ?? 0;
    t.bytes += w.historySize ?? 0;
    if (t.sampled.length < SAMPLE) t.sampled.push(w);
  }
  const per = { workflows: 0, events: 0, bytes: 0, kinds: {} };
  for (const [, t] of Object.entries(types)) {
    per.workflows += t.count / N;
    per.events += t.events / N;
    per.bytes += t.bytes / N;
    const kinds = {};
    for (const w of t.sampled) {
      const h = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
      for (const [k, v] of Object.entries(eventKinds(h))) kinds[k] = (kinds[k] ?? 0) + v;
    }
    for (const [k, v] of Object.entries(kinds))
      per.kinds[k] = (per.kinds[k] ?? 0) + ((v / t.sampled.length) * t.count) / N;
  }
  return { types, per };
}

/** An event's name for the timeline: its kind, and for an activity its type (`activityTaskScheduled persistOutput`). */
function eventName(e, scheduled) {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k]);
  const kind = key?.replace('EventAttributes', '') ?? 'unknown';
  const attrs = e[key] ?? {};
  const type =
    attrs.activityType?.name ?? scheduled.get(String(attrs.scheduledEventId ?? '')) ?? attrs.signalName ?? '';
  if (attrs.activityType?.name) scheduled.set(String(e.eventId), attrs.activityType.name);
  return type ? `${kind} ${type}` : kind;
}

const eventMs = (e) => Number(e.eventTime.seconds) * 1000 + Math.floor(e.eventTime.nanos / 1e6);

/**
 * Where the time from the provider's end to the stored output goes, from a sample of jobs' histories:
 * each step after the end (the event that follows and what it waited for), its mean over the sample.
 */
async function afterTheEnd(client, records) {
  const steps = new Map();
  const sample = records.filter((r) => r.status === 'stored').slice(0, SAMPLE);
  for (const r of sample) {
    const endMs = Date.parse(`${r.timestamps.providerEnd.replace(' ', 'T')}+08:00`);
    const storedMs = Date.parse(r.timestamps.stored);
    const h = await client.workflow.getHandle(jobWorkflowId(r.jobId)).fetchHistory();
    const scheduled = new Map();
    let prev = { name: 'provider end', ms: endMs };
    for (const e of h.events ?? []) {
      const name = eventName(e, scheduled);
      const ms = eventMs(e);
      if (ms <= endMs) continue;
      const step = `${prev.name} → ${name}`;
      const s = steps.get(step) ?? { ms: 0, n: 0 };
      steps.set(step, { ms: s.ms + (ms - prev.ms), n: s.n + 1 });
      prev = { name, ms };
      if (ms >= storedMs) break;
    }
  }
  return [...steps].map(([step, s]) => ({ step, ms: s.ms / sample.length, n: s.n }));
}

/** One burst on its own task queue: without completion events (the task watcher wakes jobs), or with them. */
async function run(name, queue, extraEnv) {
  const env = { ...base, WANFLOW_TASK_QUEUE: queue, ...extraEnv };
  const config = loadConfig(env);
  const worker = spawnWorker(env);
  // With events, the receiver is its own process (`wanflow webhooks`), its CPU counted with the rest.
  const receiverPort = extraEnv.WANFLOW_TASK_EVENTS ? await freePort() : undefined;
  const receiver =
    receiverPort && spawnWanflow(['webhooks'], { ...env, WANFLOW_WEBHOOK_PORT: String(receiverPort) });
  sim.setEventTarget(
    receiverPort ? { url: `http://127.0.0.1:${receiverPort}/events/modelstudio` } : undefined,
  );
  const client = await connectClient(config);
  const pids = {
    worker: worker.pid,
    server: temporal.process.pid,
    ...(receiver ? { receiver: receiver.pid } : {}),
  };
  const peak = { worker: 0, server: 0 };
  const sampler = setInterval(() => {
    for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], rssMiB(pids[k]));
  }, 500);
  sim.reset();
  try {
    // The worker (and receiver) are up once they serve: a job started before would wait for them, not for work.
    await new Promise((r) => setTimeout(r, 3000));
    const cpuNow = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
    const cpu0 = cpuNow();
    const threads0 = threadCpuMs(worker.pid);
    const t0 = Date.now();
    const ids = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: STARTING }, async () => {
        while (next < N) {
          const i = next++;
          ids[i] = (await startJob(client, config, { request: request(name, i), options })).jobId;
        }
      }),
    );
    const startedS = (Date.now() - t0) / 1000;
    const progress = setInterval(() => {
      const s = sim.stats();
      console.error(
        `${name} ${((Date.now() - t0) / 1000).toFixed(0)} s: created ${s.tasksCreated}/${N}, queries ${s.queries}, worker ${rssMiB(worker.pid).toFixed(0)} MiB`,
      );
    }, 30_000);
    const records = [];
    try {
      for (let i = 0; i < ids.length; i += 200)
        records.push(...(await Promise.all(ids.slice(i, i + 200).map((id) => waitForJob(client, id)))));
    } finally {
      clearInterval(progress);
    }
    const wallS = (Date.now() - t0) / 1000;
    const cpu1 = cpuNow();
    const threads1 = threadCpuMs(worker.pid);
    const threads = Object.fromEntries(Object.entries(threads1).map(([k, v]) => [k, v - (threads0[k] ?? 0)]));
    const cpu = Object.fromEntries(Object.keys(pids).map((k) => [k, cpu1[k] - cpu0[k]]));
    const stats = sim.stats();
    const created = sim
      .tasks()
      .filter((t) => t.createdAt >= t0)
      .map((t) => (t.createdAt - t0) / 1000)
      .sort((a, b) => a - b);
    return {
      name,
      stored: records.filter((r) => r.status === 'stored').length,
      startedS,
      firstS: created[0],
      halfS: pct(created, 50),
      allS: created.at(-1),
      wallS,
      detect: records
        .map(endToStoredMs)
        .filter((ms) => ms !== undefined)
        .sort((a, b) => a - b),
      queriesPerTask: (stats.queries + stats.lists) / N,
      cpu,
      threads,
      peak,
      work: await workPerJob(client, queue),
      afterEnd: await afterTheEnd(client, records),
    };
  } finally {
    clearInterval(sampler);
    await client.connection.close();
    await stopWorker(worker);
    if (receiver) await stopWorker(receiver);
  }
}

const results = [];
try {
  // Every clip length the jobs ask for, made before the first run (the simulator's work, not ours).
  await prerenderClips(
    dir,
    Array.from({ length: Math.min(N, 14) }, (_, i) => request('warm', i)),
  );
  if (EVENTS !== 'only') results.push(await run('watcher', 'burst-watcher', {}));
  if (EVENTS) results.push(await run('events', 'burst-events', { WANFLOW_TASK_EVENTS: 'eventbridge' }));
} finally {
  await sim.close();
  await temporal.stop();
  rmSync(dir, { recursive: true, force: true });
}

const f1 = (x) => x.toFixed(1);
console.log(
  `${N} jobs started at once on one worker (tasks of ${TASK_MS / 1000} s, no account limit, workflow cache ${loadConfig(base).workflowCache}, fs store, dev server)`,
);
for (const r of results) {
  const cpuAll = Object.values(r.cpu).reduce((a, b) => a + b, 0);
  console.log(
    `\n${r.name}: stored ${r.stored}/${N}; all started in ${f1(r.startedS)} s; wall ${f1(r.wallS)} s`,
  );
  console.log(
    `  tasks created: first ${f1(r.firstS)} s, half ${f1(r.halfS)} s, all ${f1(r.allS)} s — ${f1(N / r.allS)} creates/s`,
  );
  console.log(
    `  end → stored: p50 ${pct(r.detect, 50)} ms, p99 ${pct(r.detect, 99)} ms; provider queries per task ${r.queriesPerTask.toFixed(2)}`,
  );
  console.log(
    `  CPU per job: ${f1(cpuAll / N)} ms (${Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${f1(v / N)}`)
      .join(', ')}); peak RSS worker ${r.peak.worker.toFixed(0)} MiB, server ${r.peak.server.toFixed(0)} MiB`,
  );
  const busiest = Object.entries(r.threads).sort((a, b) => b[1] - a[1]);
  console.log(
    `  worker CPU per job by thread: ${busiest
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${f1(v / N)}`)
      .join(', ')}`,
  );
  const p = r.work.per;
  console.log(
    `  work per job: ${p.workflows.toFixed(2)} workflows, ${f1(p.events)} history events, ${(p.bytes / 1024).toFixed(1)} KiB of history`,
  );
  const kinds = Object.entries(p.kinds).sort((a, b) => b[1] - a[1]);
  console.log(`  events per job by kind: ${kinds.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  console.log(
    `  after the provider's end (mean of ${SAMPLE} jobs, ms; steps of fewer jobs are rarer paths):`,
  );
  for (const a of r.afterEnd)
    console.log(`    ${a.ms.toFixed(0).padStart(6)}  ${a.step}${a.n < SAMPLE ? ` (${a.n})` : ''}`);
  for (const [type, t] of Object.entries(r.work.types))
    console.log(
      `  ${type}: ${t.count} runs, ${f1(t.events / t.count)} events and ${(t.bytes / t.count / 1024).toFixed(1)} KiB each`,
    );
}
if (results.length === 2) {
  const [w, e] = results;
  const all = (r) => Object.values(r.cpu).reduce((a, b) => a + b, 0);
  console.log(
    `\nratios events/watcher: CPU per job ${(all(e) / all(w)).toFixed(2)}, queries/task ${(e.queriesPerTask / w.queriesPerTask).toFixed(2)}, end→stored p99 ${(pct(e.detect, 99) / pct(w.detect, 99)).toFixed(2)}`,
  );
}
