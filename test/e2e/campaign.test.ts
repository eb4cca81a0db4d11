// Campaigns against a simulator that enforces the account's limit (beyond K tasks in progress per key
// and model, a create gets 429): rows from a CSV through a window of child runs, every row accounted for
// in the report, the same file started twice adding nothing, a budget met exactly, pause and resume,
// cancel in the middle, rows handed over at continue-as-new (one terminated by hand still reported), and a
// row failing content inspection leaving the others alone.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { makeVideo } from '../harness/media';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { jobHarness, readJson, uniqueId, type JobHarness } from '../harness/jobs';
import {
  campaignReport,
  cancelCampaign,
  changeCampaign,
  getCampaignState,
  previewCampaign,
  startCampaign,
  waitForCampaign,
  type CampaignRequest,
} from '../../src/client/campaigns';
import { readRowsFile } from '../../src/campaigns/rows';
import type { JobRecord } from '../../src/shared/records';
import { campaignWorkflowId } from '../../src/shared/ids';

const K = 3;
let servers: TestServers;
let worker: InProcessWorker;
let h: JobHarness;
let dir: string;

beforeAll(async () => {
  servers = await startTestServers();
  dir = mkdtempSync(join(tmpdir(), 'wanflow-campaign-'));
  const limits = join(dir, 'limits.json');
  // Wan 3.0 publishes no account limits: the account's own figure is configuration.
  writeFileSync(
    limits,
    JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: K }, 'wan3.0-video': { concurrentTasks: 2 } }),
  );
  const env = testEnv(servers, 'campaigns', { WANFLOW_ACCOUNT_LIMITS: limits });
  worker = await startInProcessWorker(env);
  h = await jobHarness(env);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await h?.client.connection.close();
  await servers?.stop();
});
beforeEach(() => {
  servers.simulator.reset();
  servers.simulator.setLimits({ concurrentTasks: { 'wan2.7-t2v': K, 'wan3.0-video': 2 } });
});

const TEMPLATE = {
  model: 'wan2.7-t2v',
  input: { prompt: '{{prompt}}' },
  parameters: { resolution: '720P', duration: '{{seconds:integer}}' },
};

/** A CSV of `n` rows (prompts unique to this campaign) and the request that starts it. */
function campaign(n: number, extra: Partial<CampaignRequest> = {}, seconds = 2): CampaignRequest {
  const campaignId = uniqueId('camp');
  const file = join(dir, `${campaignId}.csv`);
  const lines = Array.from({ length: n }, (_, i) => `"${campaignId} shot ${i}",${seconds}`);
  writeFileSync(file, ['prompt,seconds', ...lines].join('\n') + '\n');
  return {
    campaignId,
    template: { kind: 'job', body: TEMPLATE },
    rows: readRowsFile(file),
    baseDir: dir,
    window: 2 * K,
    ...extra,
  };
}

/** The simulator's tasks of one campaign (its prompts carry the campaign's ID). */
const tasksOf = (id: string) => servers.simulator.tasks().filter((t) => t.prompt?.startsWith(`${id} `));

describe('campaigns', () => {
  it(`30 rows with K = ${K}: every row stored once, the provider never refused one, the report lists them all`, async () => {
    const req = campaign(30);
    const started = await startCampaign(h.client, h.config, req);
    expect(started.added).toBe(30);
    const state = await waitForCampaign(h.client, req.campaignId);
    expect(state.status).toBe('completed');
    expect(state.counters).toMatchObject({ total: 30, admitted: 30, running: 0, stored: 30, failed: 0 });
    const tasks = tasksOf(req.campaignId);
    expect(tasks).toHaveLength(30);
    expect(new Set(tasks.map((t) => t.prompt)).size).toBe(30);
    expect(servers.simulator.stats().refusals['Throttling.RateQuota'] ?? 0).toBe(0);
    const report = await campaignReport(h.client, h.config, req.campaignId);
    expect(report.map((r) => r.status)).toEqual(Array(30).fill('stored'));
    expect(new Set(report.flatMap((r) => r.taskIds))).toEqual(new Set(tasks.map((t) => t.taskId)));
    const manifest = await readJson<JobRecord>(
      h.store,
      `campaigns/${req.campaignId}/rows/${report[0]!.key}/manifest.json`,
    );
    expect(manifest.outputs?.[0]?.key).toBe(`campaigns/${req.campaignId}/rows/${report[0]!.key}/output.mp4`);
    expect(report[0]!.billed).toBeGreaterThan(0);
    expect(state.spent.CNY).toBeCloseTo(
      report.reduce((s, r) => s + (r.billed ?? 0), 0),
      6,
    );

    // The same file again adds nothing and pays nothing.
    const again = await startCampaign(h.client, h.config, req);
    expect(again).toMatchObject({ added: 0, known: 30 });
    expect(tasksOf(req.campaignId)).toHaveLength(30);
  }, 240_000);

  it('Wan 3.0 rows, the length left to the model: each reserves its most, bills what it made; never past the cap', async () => {
    const req = campaign(
      8,
      {
        template: {
          kind: 'job',
          body: {
            model: 'wan3.0-video',
            input: { prompt: '{{prompt}}' },
            parameters: { resolution: '480P', duration: '{{seconds:integer}}' },
          },
        },
        // Two rows at their most (30 s at ¥0.3): each bills less, so what it leaves lets later rows run.
        budget: 18,
        window: 8,
      },
      -1,
    );
    const started = await startCampaign(h.client, h.config, req);
    expect(started.preview.plan.rows[0]!.tasks[0]!.estimate).toMatchObject({ quantity: 30, amount: 9 });
    const state = await waitForCampaign(h.client, req.campaignId);
    const stored = state.counters.stored;
    expect(stored).toBeGreaterThan(2);
    expect(state.counters).toMatchObject({ total: 8, failed: 0 });
    expect(stored + (state.counters.budgetExhausted ?? 0)).toBe(8);
    expect(state.spent.CNY).toBeLessThanOrEqual(18);
    expect(state.reserved).toBe(0);
    // Every task created was stored and paid for; none past the cap, none refused by the account's limit.
    expect(tasksOf(req.campaignId)).toHaveLength(stored);
    expect(servers.simulator.stats().refusals['Throttling.RateQuota'] ?? 0).toBe(0);
    const report = await campaignReport(h.client, h.config, req.campaignId);
    const billed = report.filter((r) => r.status === 'stored').map((r) => r.billed!);
    expect(billed.every((b) => b > 0 && b < 9)).toBe(true);
    expect(state.spent.CNY).toBeCloseTo(
      billed.reduce((a, b) => a + b, 0),
      6,
    );
  }, 240_000);

  it('a budget of exactly three rows: three stored, the rest not submitted, spend never past the cap', async () => {
    // Each 2 s 720P row costs the same; the cap is three of them, so a fourth would pass it by a row.
    const probe = campaign(1);
    const one = (await startCampaign(h.client, h.config, { ...probe, window: 1 })).preview.plan.rows[0]!
      .tasks[0]!.estimate!.amount;
    await waitForCampaign(h.client, probe.campaignId);
    const req = campaign(12, { budget: Math.round(3 * one * 1e6) / 1e6, window: 12 });
    await startCampaign(h.client, h.config, req);
    const state = await waitForCampaign(h.client, req.campaignId);
    expect(state.counters).toMatchObject({ total: 12, stored: 3, budgetExhausted: 9, failed: 0 });
    expect(state.spent.CNY).toBeCloseTo(3 * one, 6);
    expect(state.spent.CNY).toBeLessThanOrEqual(state.budget!.cap);
    expect(state.reserved).toBe(0);
    // With 12 rows admitted at once, only three tasks were ever created: none was paid past the cap.
    expect(tasksOf(req.campaignId)).toHaveLength(3);
    const report = await campaignReport(h.client, h.config, req.campaignId);
    expect(report.filter((r) => r.status === 'budget_exhausted')).toHaveLength(9);
    expect(report.find((r) => r.status === 'budget_exhausted')!.failure!.remedy).toMatch(/budget/);
  }, 240_000);

  it("video edits: a row reserves its input video's seconds too, so a budget of two rows' cost runs two", async () => {
    // Each row bills 2 s of input video and 2 s of output; a reservation of the output alone would let
    // all four start and spend twice the cap.
    copyFileSync(await makeVideo(640, 480, 2), join(dir, 'clip.mp4'));
    const campaignId = uniqueId('edit');
    const file = join(dir, `${campaignId}.csv`);
    writeFileSync(
      file,
      ['prompt,video', ...Array.from({ length: 4 }, (_, i) => `"${campaignId} sepia ${i}",./clip.mp4`)].join(
        '\n',
      ),
    );
    const req: CampaignRequest = {
      campaignId,
      template: {
        kind: 'job',
        body: {
          model: 'wan2.7-videoedit',
          input: { prompt: '{{prompt}}', media: [{ type: 'video', url: '{{video}}' }] },
          parameters: { resolution: '720P', duration: 2 },
        },
      },
      rows: readRowsFile(file),
      baseDir: dir,
      window: 4,
    };
    const output = (await previewCampaign(h.config, req)).plan.rows[0]!.tasks[0]!.estimate!.amount;
    // Output seconds alone in the preview (nothing probed yet); output and input once started.
    const cap = Math.round(2 * 2 * output * 1e6) / 1e6;
    await startCampaign(h.client, h.config, { ...req, budget: cap });
    const state = await waitForCampaign(h.client, campaignId);
    expect(state.counters).toMatchObject({ total: 4, stored: 2, budgetExhausted: 2 });
    expect(state.spent.CNY).toBeCloseTo(cap, 6);
    expect(tasksOf(campaignId)).toHaveLength(2);
    const report = await campaignReport(h.client, h.config, campaignId);
    for (const row of report.filter((r) => r.status === 'stored'))
      expect(row.billed).toBeCloseTo(row.estimate!, 6);
  }, 240_000);

  it('pause admits nothing new while running rows finish; resume goes on to the end', async () => {
    const req = campaign(12, { window: K });
    await startCampaign(h.client, h.config, req);
    await until(
      async () => (await getCampaignState(h.client, h.config, req.campaignId)).counters.admitted >= K,
    );
    const paused = await changeCampaign(h.client, req.campaignId, { paused: true });
    expect(paused.status).toBe('paused');
    // The rows in flight end; nothing new is admitted while paused.
    await until(
      async () => (await getCampaignState(h.client, h.config, req.campaignId)).counters.running === 0,
    );
    const admitted = (await getCampaignState(h.client, h.config, req.campaignId)).counters.admitted;
    await new Promise((r) => setTimeout(r, 3000));
    const still = await getCampaignState(h.client, h.config, req.campaignId);
    expect(still.counters.admitted).toBe(admitted);
    expect(tasksOf(req.campaignId)).toHaveLength(admitted);
    expect(admitted).toBeLessThan(12);
    await changeCampaign(h.client, req.campaignId, { paused: false });
    const state = await waitForCampaign(h.client, req.campaignId);
    expect(state.counters).toMatchObject({ stored: 12, failed: 0 });
    expect(tasksOf(req.campaignId)).toHaveLength(12);
  }, 240_000);

  it('cancel in the middle: rows not started never start, those in flight end canceled or kept', async () => {
    // Long tasks, so the cancel finds rows PENDING and RUNNING.
    servers.simulator.setFaults({ slowTaskExtraMs: 4000 });
    const req = campaign(20, { window: K });
    await startCampaign(h.client, h.config, req);
    await until(
      async () => (await getCampaignState(h.client, h.config, req.campaignId)).counters.admitted >= K + 1,
    );
    await cancelCampaign(h.client, req.campaignId);
    const state = await waitForCampaign(h.client, req.campaignId);
    expect(state.status).toBe('canceled');
    const report = await campaignReport(h.client, h.config, req.campaignId);
    const started = report.filter((r) => r.status !== 'not_started');
    expect(started.length).toBe(state.counters.admitted);
    expect(started.length).toBeLessThan(20);
    expect(report.filter((r) => r.status === 'not_started')).toHaveLength(20 - state.counters.admitted);
    // Every task made is accounted for: canceled free, or kept and stored because it was paid for.
    const tasks = tasksOf(req.campaignId);
    const reported = new Set(report.flatMap((r) => r.taskIds));
    for (const t of tasks) expect(reported.has(t.taskId)).toBe(true);
    for (const r of report.filter((r) => r.status === 'stored')) expect(r.outputs).toHaveLength(1);
  }, 240_000);

  it('rows handed to the next run at continue-as-new: a pause holds there, one terminated by hand is reported failed, a cancel reaches the rest', async () => {
    // Long tasks and a generation of K rows: the first run continues as new with its K rows RUNNING.
    servers.simulator.setFaults({ slowTaskExtraMs: 8000 });
    const req = campaign(K + 3, { window: K, tuning: { rowsPerGeneration: K, handedCheck: '1s' } });
    await startCampaign(h.client, h.config, req);
    const id = campaignWorkflowId(req.campaignId);
    await until(async () => (await getCampaignState(h.client, h.config, req.campaignId)).generation >= 1);
    const handed = await getCampaignState(h.client, h.config, req.campaignId);
    expect(handed.counters).toMatchObject({ admitted: K, running: K });
    // Paused in the new run: the rows handed to it go on, nothing new is admitted.
    await changeCampaign(h.client, req.campaignId, { paused: true });
    await until(async () => tasksOf(req.campaignId).length >= K);
    // A handed-over row's run terminated by hand cannot tell the campaign: the check finds it.
    const first = (await campaignReport(h.client, h.config, req.campaignId))[0]!;
    await h.client.workflow.getHandle(`${id}/${first.key}`).terminate('by hand');
    await until(
      async () => (await getCampaignState(h.client, h.config, req.campaignId)).counters.failed >= 1,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await getCampaignState(h.client, h.config, req.campaignId)).toMatchObject({
      status: 'paused',
      counters: { admitted: K, failed: 1 },
    });
    await cancelCampaign(h.client, req.campaignId);
    const state = await waitForCampaign(h.client, req.campaignId);
    expect(state.status).toBe('canceled');
    expect(state.counters.running).toBe(0);
    const report = await campaignReport(h.client, h.config, req.campaignId);
    const terminated = report.find((r) => r.key === first.key)!;
    expect(terminated).toMatchObject({ status: 'failed', failure: { cause: 'transient' } });
    expect(terminated.failure!.message).toContain('without a record');
    // Every row admitted has its outcome, whichever run started it; every other task made is accounted for.
    expect(report.filter((r) => r.status !== 'not_started')).toHaveLength(state.counters.admitted);
    const reported = new Set(report.flatMap((r) => r.taskIds));
    const tasks = tasksOf(req.campaignId);
    expect(tasks.filter((t) => !reported.has(t.taskId))).toHaveLength(1);
    // A row admitted just before the cancel may have been canceled before its create: free, no task.
    expect(tasks.length).toBeGreaterThanOrEqual(K);
    expect(tasks.length).toBeLessThanOrEqual(state.counters.admitted);
  }, 240_000);

  it('a row failing content inspection fails alone: the others are stored', async () => {
    servers.simulator.setFaults({ dataInspectionTask: 1 });
    const req = campaign(8);
    await startCampaign(h.client, h.config, req);
    const state = await waitForCampaign(h.client, req.campaignId);
    expect(state.counters).toMatchObject({ stored: 7, failed: 1 });
    const report = await campaignReport(h.client, h.config, req.campaignId);
    const failed = report.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failure!.cause).toBe('content_policy');
    expect(failed[0]!.billed).toBeUndefined();
  }, 240_000);

  it("pipeline rows: each row's chain runs as a child pipeline, stored in the row's folder", async () => {
    const campaignId = uniqueId('chains');
    const file = join(dir, `${campaignId}.csv`);
    writeFileSync(file, `subject\n"${campaignId} a fox"\n"${campaignId} a heron"\n`);
    const spec = {
      version: 1,
      stages: [
        {
          id: 'shot',
          request: { model: 'wan2.7-t2v', input: { prompt: '{{subject}}' }, parameters: { duration: 2 } },
        },
        {
          id: 'more',
          request: {
            model: 'wan2.7-i2v',
            input: { media: [{ type: 'first_clip', url: 'stage:shot' }] },
            parameters: { duration: 4 },
          },
        },
      ],
    };
    const started = await startCampaign(h.client, h.config, {
      campaignId,
      template: { kind: 'pipeline', body: spec },
      rows: readRowsFile(file),
      baseDir: dir,
    });
    expect(started.preview.plan.rows.map((r) => r.tasks.map((t) => t.model))).toEqual([
      ['wan2.7-t2v', 'wan2.7-i2v'],
      ['wan2.7-t2v', 'wan2.7-i2v'],
    ]);
    const state = await waitForCampaign(h.client, campaignId);
    expect(state.counters).toMatchObject({ total: 2, stored: 2, failed: 0 });
    const report = await campaignReport(h.client, h.config, campaignId);
    for (const row of report) {
      expect(row.taskIds).toHaveLength(2);
      expect(row.outputs).toEqual([
        `campaigns/${campaignId}/rows/${row.key}/jobs/shot/output.mp4`,
        `campaigns/${campaignId}/rows/${row.key}/jobs/more/output.mp4`,
      ]);
      expect(row.billed).toBeGreaterThan(0);
    }
    expect(tasksOf(campaignId)).toHaveLength(2);
  }, 240_000);
});

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}
