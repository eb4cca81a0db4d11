// Worker metrics for Prometheus: a `wanflow worker` with WANFLOW_METRICS serves the SDK's own metrics and
// wanflow's — paid tasks created, account slots held and waited for, a campaign's rows by state and its
// spend — at /metrics, after a small campaign.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { spawnWorkerProcess } from '../harness/workers';
import { jobHarness, uniqueId, type JobHarness } from '../harness/jobs';
import { startCampaign, waitForCampaign } from '../../src/client/campaigns';
import { readRowsFile } from '../../src/campaigns/rows';
import { freePort } from '../../src/stack/service';

let servers: TestServers;
let h: JobHarness;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  servers = await startTestServers();
}, 120_000);
afterAll(async () => {
  worker?.kill('SIGKILL');
  await h?.client.connection.close();
  await servers?.stop();
});

describe('metrics', () => {
  it('a worker serves the SDK metrics and wanflow tasks, slots and campaign rows at /metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-metrics-'));
    const limits = join(dir, 'limits.json');
    writeFileSync(limits, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: 2 } }));
    const address = `127.0.0.1:${await freePort()}`;
    const env = testEnv(servers, 'metrics', { WANFLOW_ACCOUNT_LIMITS: limits, WANFLOW_METRICS: address });
    worker = spawnWorkerProcess(env);
    h = await jobHarness(env);
    const campaignId = uniqueId('metrics');
    const file = join(dir, `${campaignId}.csv`);
    writeFileSync(file, `prompt\n"${campaignId} a"\n"${campaignId} b"\n"${campaignId} c"\n`);
    await startCampaign(h.client, h.config, {
      campaignId,
      template: {
        kind: 'job',
        body: { model: 'wan2.7-t2v', input: { prompt: '{{prompt}}' }, parameters: { duration: 2 } },
      },
      rows: readRowsFile(file),
      baseDir: dir,
    });
    expect((await waitForCampaign(h.client, campaignId)).counters.stored).toBe(3);
    // Gauges and counters are exported on the next scrape after they change.
    let text = '';
    for (let i = 0; i < 40 && !/wanflow_campaign_rows\{[^}]*state="stored"[^}]*\} 3/.test(text); i++) {
      text = await (await fetch(`http://${address}/metrics`)).text();
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toMatch(/wanflow_campaign_rows\{[^}]*state="stored"[^}]*\} 3/);
    expect(text).toMatch(/wanflow_tasks_created(_total)?\{[^}]*model="wan2\.7-t2v"[^}]*\} 3/);
    expect(text).toMatch(/wanflow_slots_in_use\{[^}]*model="wan2\.7-t2v"[^}]*\} 0/);
    expect(text).toMatch(/wanflow_campaign_spend\{[^}]*currency="CNY"[^}]*\} [1-9]/);
    expect(text).toMatch(/temporal_workflow_completed/);
  }, 180_000);
});
