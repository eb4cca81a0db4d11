// The production topology: the Temporal server itself on PostgreSQL (not the dev server), MinIO, two
// worker processes. A campaign under an account limit of K runs on it while one worker is SIGKILLed and
// replaced: every row stored once, never more than K tasks in progress by the simulator's books, the
// report complete. `npm test` runs 100 rows (the topology and the kill); `npm run test:scale` runs 600
// (WANFLOW_CLUSTER_ROWS): past a continue-as-new (every 500 rows), alone, after the suite — a 2-core machine
// busy with it starves the files beside it.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../src/stack/cluster';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { FAST_SIMULATOR } from '../harness/servers';
import { killHard, spawnWorkerProcess } from '../harness/workers';
import { jobHarness, type JobHarness } from '../harness/jobs';
import { campaignReport, getCampaignState, waitForCampaign } from '../../src/client/campaigns';
import { peakInProgress, startPromptCampaign } from '../harness/campaigns';
import { ROWS_PER_GENERATION } from '../../src/workflows/campaign';

const K = 10;
const ROWS = Number(process.env.WANFLOW_CLUSTER_ROWS ?? 100);
let cluster: Cluster;
let simulator: RunningSimulator;
let h: JobHarness;
const workers: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'wanflow-cluster-'));

beforeAll(async () => {
  cluster = await startCluster({ dir });
  simulator = await startSimulator({
    port: 0,
    cacheDir: join(tmpdir(), 'wanflow-test-videos'),
    ...FAST_SIMULATOR,
    accountLimits: { concurrentTasks: { 'wan2.7-t2v': K } },
  });
}, 300_000);
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await h?.client.connection.close();
  await simulator?.close();
  await cluster?.stop();
});

describe('on a real cluster', () => {
  it(`${ROWS} rows, K = ${K}, two workers, one SIGKILLed and replaced: each row stored once`, async () => {
    const limits = join(dir, 'limits.json');
    writeFileSync(limits, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: K } }));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...cluster.env,
      DASHSCOPE_HTTP_BASE_URL: simulator.baseUrl,
      WANFLOW_SIMULATOR_URL: simulator.url,
      WANFLOW_TASK_QUEUE: 'cluster',
      WANFLOW_DATA_DIR: join(dir, 'data'),
      WANFLOW_ACCOUNT_LIMITS: limits,
    };
    workers.push(spawnWorkerProcess(env), spawnWorkerProcess(env));
    h = await jobHarness(env);
    const started = Date.now();
    const { campaignId, prompts } = await startPromptCampaign(h, dir, {
      prefix: 'cluster',
      rows: ROWS,
      window: 2 * K,
    });
    for (;;) {
      const state = await getCampaignState(h.client, h.config, campaignId);
      if (state.counters.admitted >= ROWS / 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await killHard(workers[0]!);
    workers.push(spawnWorkerProcess(env));

    const state = await waitForCampaign(h.client, campaignId);
    const wall = (Date.now() - started) / 1000;
    expect(state.status).toBe('completed');
    expect(state.counters).toMatchObject({ total: ROWS, stored: ROWS, failed: 0 });
    // Continued as new every ROWS_PER_GENERATION rows (at 1,000; 100 rows fit one generation).
    expect(state.generation).toBeGreaterThanOrEqual(ROWS > ROWS_PER_GENERATION ? 1 : 0);
    const tasks = simulator.tasks().filter((t) => t.prompt?.startsWith(`${campaignId} `));
    expect(tasks).toHaveLength(ROWS);
    expect(new Set(tasks.map((t) => t.prompt))).toEqual(new Set(prompts));
    expect(peakInProgress(tasks)).toBeLessThanOrEqual(K);
    const report = await campaignReport(h.client, h.config, campaignId);
    expect(report.filter((r) => r.status === 'stored')).toHaveLength(ROWS);
    const taskSeconds = tasks.reduce((s, t) => s + (t.endsAt - t.createdAt) / 1000, 0);
    console.log(
      `cluster: ${ROWS} rows in ${wall.toFixed(0)} s; bound Σ(task time)/K ${(taskSeconds / K).toFixed(0)} s; ratio ${(wall / (taskSeconds / K)).toFixed(2)}`,
    );
  }, 1_200_000);
});
