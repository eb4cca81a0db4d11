// 200 rows with K = 5 tasks in progress allowed per key and model, through a storm of 429s and a burst
// guard, a worker
// SIGKILLed and replaced, and the Temporal server stopped and restarted on its database: every row stored
// once (one task per prompt), never more than K tasks PENDING or RUNNING at once by the simulator's own
// books, and the report accounting for every row.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { killHard, spawnWorkerProcess } from '../harness/workers';
import { jobHarness, type JobHarness } from '../harness/jobs';
import { campaignReport, getCampaignState, waitForCampaign } from '../../src/client/campaigns';
import { peakInProgress, startPromptCampaign } from '../harness/campaigns';

const K = 5;
const ROWS = 200;
let servers: TestServers;
let h: JobHarness;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  servers = await startTestServers();
}, 120_000);
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await h?.client.connection.close();
  await servers?.stop();
});

describe('a campaign through crashes', () => {
  it(`${ROWS} rows, K = ${K}: 429 storm, worker SIGKILL, Temporal restart — each row once, never more than K at once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-campaign-crash-'));
    const limits = join(dir, 'limits.json');
    writeFileSync(limits, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: K } }));
    const env = testEnv(servers, 'campaign-crashes', { WANFLOW_ACCOUNT_LIMITS: limits });
    h = await jobHarness(env);
    // The burst guard too: a second with 4 creates and twice the minute's rate gets 429 BurstRate.
    servers.simulator.setLimits({
      concurrentTasks: { 'wan2.7-t2v': K },
      burst: { floorPerSecond: 4, growth: 2 },
    });
    // 40 creates refused with 429 Throttling.RateQuota and 10 with Throttling.BurstRate, at the start: the
    // storm the window and backoff ride out. (Whether the guard itself fires later depends on timing: after
    // the storm the window may never send 4 creates in a second, so its own refusals are not counted on.)
    servers.simulator.setFaults({ createRateLimited: 40, createBurstLimited: 10 });
    let worker = spawnWorkerProcess(env);
    workers.push(worker);

    const { campaignId, prompts } = await startPromptCampaign(h, dir, {
      prefix: 'crash',
      rows: ROWS,
      window: 2 * K,
    });
    const admitted = async () => (await getCampaignState(h.client, h.config, campaignId)).counters.admitted;

    await until(async () => (await admitted()) >= 60);
    await killHard(worker);
    workers.push((worker = spawnWorkerProcess(env)));
    await until(async () => (await admitted()) >= 130);
    await servers.restartTemporal();
    if (worker.exitCode !== null || worker.signalCode !== null)
      workers.push((worker = spawnWorkerProcess(env)));

    const state = await waitForCampaign(h.client, campaignId);
    expect(state.status).toBe('completed');
    expect(state.counters).toMatchObject({
      total: ROWS,
      admitted: ROWS,
      running: 0,
      stored: ROWS,
      failed: 0,
    });
    const tasks = servers.simulator.tasks().filter((t) => t.prompt?.startsWith(`${campaignId} `));
    expect(tasks).toHaveLength(ROWS);
    expect(new Set(tasks.map((t) => t.prompt))).toEqual(new Set(prompts));
    expect(peakInProgress(tasks)).toBeLessThanOrEqual(K);
    // The 40 injected; the limit itself never had to refuse a create. Every burst refusal (the 10
    // injected, any of the guard's own) was sent again (each row once, above).
    expect(servers.simulator.stats().refusals['Throttling.RateQuota']).toBe(40);
    expect(servers.simulator.stats().refusals['Throttling.BurstRate']).toBeGreaterThanOrEqual(10);
    const report = await campaignReport(h.client, h.config, campaignId);
    expect(report).toHaveLength(ROWS);
    expect(
      report.every((r) => r.status === 'stored' && r.taskIds.length === 1 && r.outputs.length === 1),
    ).toBe(true);
  }, 600_000);
});

async function until(check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // The server restarting: ask again.
    }
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 250));
  }
}
