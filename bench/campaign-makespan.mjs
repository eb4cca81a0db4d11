// Benchmark: how close does a campaign come to the least time its rows can take under the account's
// limit, Σ(task time) / K, and what does starting everything at once do instead? One run, real Temporal
// dev server, the simulator enforcing K tasks in progress per model (beyond them a create gets 429), a
// filesystem store, one worker. Reports the campaign's makespan over the bound, the provider's queries per
// task, and the naive run (every row started as a job at once, no account slots): its failures and its
// makespan. The campaign runs under a budget of exactly its estimate (spend must end at most there).
// Run: npm run bench:campaign (builds first). BENCH_ROWS, BENCH_K, BENCH_TASK_MS, BENCH_WINDOW override;
// BENCH_NAIVE=0 skips the naive run (at thousands of rows it only measures a flood); BENCH_THROTTLE_AT=<s>
// has the provider refuse one create with 429 that many seconds in (what a limit briefly lower than K does),
// to measure how the account slots' grants come down and grow back. BENCH_TRACE=1 splits the hand-over
// into its steps from the histories (handoff-trace.mjs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startBenchServers } from './lib.mjs';
import { traceHandoffs } from './handoff-trace.mjs';

const require = createRequire(import.meta.url);
const { loadConfig } = require('../dist/config/config.js');
const { createWanflowWorker } = require('../dist/worker/worker.js');
const { connectClient, startJob, waitForJob } = require('../dist/client/jobs.js');
const {
  previewCampaign,
  startCampaign,
  waitForCampaign,
  getCampaignState,
} = require('../dist/client/campaigns.js');
const { readRowsFile } = require('../dist/campaigns/rows.js');
const { installCompactLogging } = require('../dist/worker/logging.js');

installCompactLogging('ERROR', (line) => process.stderr.write(`${line}\n`));
const ROWS = Number(process.env.BENCH_ROWS ?? 200);
const K = Number(process.env.BENCH_K ?? 5);
const TASK_MS = Number(process.env.BENCH_TASK_MS ?? 6000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 2 * K);
const NAIVE = (process.env.BENCH_NAIVE ?? '1') !== '0';
const THROTTLE_AT = process.env.BENCH_THROTTLE_AT ? Number(process.env.BENCH_THROTTLE_AT) : undefined;
const TRACE = process.env.BENCH_TRACE === '1';
const dir = mkdtempSync(join(tmpdir(), 'wanflow-bench-campaign-'));

// Every task takes the same time, so the bound is known exactly.
const servers = await startBenchServers(dir, TASK_MS, {
  accountLimits: { concurrentTasks: { 'wan2.7-t2v': K } },
});
const { temporal, sim } = servers;
const limitsFile = join(dir, 'limits.json');
writeFileSync(limitsFile, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: K } }));
const base = {
  ...servers.env,
};
const slotted = { ...base, WANFLOW_TASK_QUEUE: 'bench-slots', WANFLOW_ACCOUNT_LIMITS: limitsFile };
const naive = { ...base, WANFLOW_TASK_QUEUE: 'bench-naive' };
const workers = [];
for (const env of [slotted, naive]) {
  const worker = await createWanflowWorker({ config: loadConfig(env), env });
  workers.push({ worker, running: worker.run() });
}
const request = (prompt) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration: 2 },
});
const results = {};
// The bench process holds the worker, the simulator and the client: its peak memory bounds the worker's.
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1000);
try {
  // The campaign.
  {
    const config = loadConfig(slotted);
    const client = await connectClient(config);
    const file = join(dir, 'bench.csv');
    writeFileSync(
      file,
      ['prompt', ...Array.from({ length: ROWS }, (_, i) => `campaign row ${i}`)].join('\n'),
    );
    sim.reset();
    const queries0 = sim.stats().queries;
    const req = {
      campaignId: 'bench',
      template: { kind: 'job', body: request('{{prompt}}') },
      rows: readRowsFile(file),
      baseDir: dir,
      window: WINDOW,
    };
    const budget = Object.values((await previewCampaign(config, req)).plan.estimate)[0];
    const started = Date.now();
    await startCampaign(client, config, { ...req, budget });
    const throttle =
      THROTTLE_AT === undefined
        ? undefined
        : setTimeout(() => sim.setFaults({ createRateLimited: 1 }), THROTTLE_AT * 1000);
    // A long run says how far it is every minute (stderr, so the table on stdout stays clean).
    const progress = setInterval(async () => {
      const s = await getCampaignState(client, config, 'bench').catch(() => undefined);
      if (s) {
        const c = s.counters;
        process.stderr.write(
          `${((Date.now() - started) / 1000).toFixed(0)} s: stored ${c.stored}, failed ${c.failed}, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`,
        );
      }
    }, 60_000);
    const state = await waitForCampaign(client, 'bench').finally(() => {
      clearInterval(progress);
      clearTimeout(throttle);
    });
    const finished = Date.now();
    const wall = (finished - started) / 1000;
    const stats = sim.stats();
    // Where the time beyond the bound goes, from the simulator's books: before the first create, between a
    // task's end and the create it makes room for (the K-th create after it), and after the last end.
    const creates = sim
      .tasks()
      .map((t) => t.createdAt)
      .sort((a, b) => a - b);
    const ends = sim
      .tasks()
      .map((t) => t.endsAt)
      .sort((a, b) => a - b);
    const gaps = creates
      .slice(K)
      .map((c, i) => (c - ends[i]) / 1000)
      .sort((a, b) => a - b);
    const breakdown = {
      toFirstCreate: (creates[0] - started) / 1000,
      toKthCreate: (creates[Math.min(K, creates.length) - 1] - started) / 1000,
      handoffMean: gaps.reduce((a, g) => a + g, 0) / Math.max(1, gaps.length),
      handoffP50: gaps[Math.floor(gaps.length / 2)] ?? 0,
      handoffP95: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
      afterLastEnd: (finished - ends[ends.length - 1]) / 1000,
      // How many of the K slots the provider saw in use, on average, between the first create and the last end.
      inProgressMean:
        sim.tasks().reduce((a, t) => a + (t.endsAt - t.createdAt), 0) / (ends[ends.length - 1] - creates[0]),
    };
    results.campaign = {
      breakdown,
      wall,
      stored: state.counters.stored,
      failed: state.counters.failed,
      refusals: stats.refusals['Throttling.RateQuota'] ?? 0,
      queriesPerTask: (stats.queries + stats.lists - queries0) / stats.tasksCreated,
      tasksCreated: stats.tasksCreated,
      spent: Object.values(state.spent)[0] ?? 0,
      budget,
      generations: state.generation,
      ...(TRACE ? { steps: await traceHandoffs(client, sim.tasks()) } : {}),
    };
    await client.connection.close();
  }
  // Naive: every row a job, all started at once, no slots.
  if (NAIVE) {
    const config = loadConfig(naive);
    const client = await connectClient(config);
    sim.reset();
    const started = Date.now();
    const ids = await Promise.all(
      Array.from(
        { length: ROWS },
        async (_, i) => (await startJob(client, config, { request: request(`naive row ${i}`) })).jobId,
      ),
    );
    const records = await Promise.all(
      ids.map((id) => waitForJob(client, id).catch((err) => ({ status: 'failed', err }))),
    );
    const wall = (Date.now() - started) / 1000;
    const stats = sim.stats();
    results.naive = {
      wall,
      stored: records.filter((r) => r.status === 'stored').length,
      failed: records.filter((r) => r.status !== 'stored').length,
      refusals: stats.refusals['Throttling.RateQuota'] ?? 0,
      queriesPerTask: (stats.queries + stats.lists) / Math.max(1, stats.tasksCreated),
      tasksCreated: stats.tasksCreated,
    };
    await client.connection.close();
  }
} finally {
  clearInterval(sampler);
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running.catch(() => undefined)));
  await sim.close();
  await temporal.stop();
  rmSync(dir, { recursive: true, force: true });
}

const bound = (ROWS * TASK_MS) / 1000 / K;
console.log(
  `campaign makespan (${ROWS} rows, K = ${K}, simulated tasks of ${TASK_MS / 1000} s, one worker, fs store)`,
);
console.log(`bound Σ(task time)/K: ${bound.toFixed(0)} s`);
console.log('run       wall s  wall/bound  stored  failed  429s  queries/task  tasks created');
for (const [name, r] of Object.entries(results))
  console.log(
    `${name.padEnd(8)}  ${r.wall.toFixed(0).padStart(6)}  ${(r.wall / bound).toFixed(3).padStart(10)}  ${String(r.stored).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.refusals).padStart(4)}  ${r.queriesPerTask.toFixed(1).padStart(12)}  ${String(r.tasksCreated).padStart(13)}`,
  );
const c = results.campaign;
console.log(
  `campaign: window ${WINDOW}, spent ${c.spent.toFixed(2)} of a budget of ${c.budget.toFixed(2)}, ${c.generations} continue-as-new generations; peak memory of the bench process ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
);
if (c.steps)
  console.log(
    `hand-over steps (median / p95 s): ${Object.entries(c.steps)
      .filter(([, v]) => typeof v === 'object')
      .map(([k, v]) => `${k} ${v.p50.toFixed(2)} / ${v.p95.toFixed(2)} (n ${v.n})`)
      .join('; ')}; slots taken by tasks counted as another client's: mean ${c.steps.foreignMean.toFixed(2)}`,
  );
const b = c.breakdown;
console.log(
  `campaign time beyond the bound: start → first create ${b.toFirstCreate.toFixed(1)} s (→ K-th ${b.toKthCreate.toFixed(1)} s); a task's end → the create it frees a slot for: mean ${b.handoffMean.toFixed(2)} s, p50 ${b.handoffP50.toFixed(2)} s, p95 ${b.handoffP95.toFixed(2)} s; last end → campaign done ${b.afterLastEnd.toFixed(1)} s; tasks in progress from the first create to the last end: mean ${b.inProgressMean.toFixed(1)} of ${K}`,
);
