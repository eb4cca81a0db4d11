// Records the histories the replay test replays: run with `npm run record-histories` on real servers.
// Each scenario walks a different path of the workflows (chain, cancel, candidates with a retry, an
// ambiguous create reconciled, a PENDING cancel, a refusal, a sync image), and every closed workflow's
// history — pipelines and their child jobs — is written to test/replay/histories/ as binary protobuf
// (the SDK's JSON helpers trip over two copies of protobufjs in this tree).
// Re-record only when no run of the old code can still be in flight: see docs/contributing.md, "Changing workflow code".
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { useJobStack } from '../harness/stack';
import { fourStageSpec } from '../harness/pipelines';
import { cancelPipeline, getPipelineState, startPipeline, waitForPipeline } from '../../src/client/pipelines';
import { getJobState, startJob, waitForJob } from '../../src/client/jobs';
import { campaignRowWorkflowId, campaignWorkflowId, jobWorkflowId } from '../../src/shared/ids';
import { campaignReport, changeCampaign, startCampaign, waitForCampaign } from '../../src/client/campaigns';
import { readRowsFile } from '../../src/campaigns/rows';
import { historyFileName, RECORDING_DIR } from './histories';
import { testEnv } from '../harness/servers';
import { startInProcessWorker } from '../harness/workers';
import { jobHarness } from '../harness/jobs';

const OUT = RECORDING_DIR;
const SLOTS_KEY = 'sk-replay-slots';
const stack = useJobStack('record-histories', { keys: { [SLOTS_KEY]: 'cn-beijing' } });
const written: string[] = [];
let client: Client;
beforeAll(() => {
  client = stack.h.client;
  mkdirSync(OUT, { recursive: true });
});
afterAll(() => console.log(`recorded ${written.length} histories:\n  ${written.join('\n  ')}`));

async function save(workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const file = historyFileName(workflowId);
  writeFileSync(join(OUT, file), temporal.api.history.v1.History.encode(history).finish());
  written.push(file);
}

/** Every run of a workflow that continued as new, first to last. */
async function saveRuns(workflowId: string): Promise<void> {
  const runs: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId =
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  for (const [i, history] of runs.entries()) {
    const file = historyFileName(workflowId, i + 1);
    writeFileSync(join(OUT, file), temporal.api.history.v1.History.encode(history).finish());
    written.push(file);
  }
}

async function saveTree(pipelineId: string): Promise<void> {
  const record = await waitForPipeline(client, pipelineId);
  await save(`wanflow-pipeline-${pipelineId}`);
  for (const s of Object.values(record.stages))
    for (const jobId of s.jobIds)
      await save(`wanflow-pipeline-${pipelineId}/${jobId.slice(pipelineId.length + 1)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t2v = (prompt: string) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration: 2 },
});

it('the four-stage chain', async () => {
  stack.servers.simulator.reset();
  await startPipeline(client, stack.h.config, {
    spec: { ...fourStageSpec('replay'), labels: { team: 'replay' } },
    key: 'replay-chain',
  });
  await saveTree('replay-chain');
});

it('a pipeline canceled while its first task runs', async () => {
  stack.servers.simulator.reset();
  stack.servers.simulator.setFaults({ slowTaskExtraMs: 8000 });
  await startPipeline(client, stack.h.config, { spec: fourStageSpec('replay cancel'), key: 'replay-cancel' });
  // Canceled once the first stage's task exists (a watched job learns RUNNING only when its task ends).
  for (;;) {
    const state = await getPipelineState(client, 'replay-cancel').catch(() => undefined);
    const live = await client.workflow
      .getHandle('wanflow-pipeline-replay-cancel/explore')
      .query<{ taskId?: string }>('jobState')
      .catch(() => undefined);
    if (state && live?.taskId) break;
    await sleep(100);
  }
  await cancelPipeline(client, 'replay-cancel');
  await saveTree('replay-cancel');
});

it('a failed first stage: the stages after it are skipped', async () => {
  stack.servers.simulator.reset();
  stack.servers.simulator.setFaults({ dataInspectionTask: 1 });
  await startPipeline(client, stack.h.config, { spec: fourStageSpec('replay failed'), key: 'replay-failed' });
  expect((await waitForPipeline(client, 'replay-failed')).status).toBe('failed');
  await saveTree('replay-failed');
});

it('two candidates, the first failing content inspection and retried with a new seed', async () => {
  stack.servers.simulator.reset();
  stack.servers.simulator.setFaults({ dataInspectionTask: 1 });
  const spec = {
    version: 1,
    stages: [{ id: 'shots', request: t2v('replay candidates'), candidates: 2, onFailure: 'retry-new-seed' }],
  };
  await startPipeline(client, stack.h.config, { spec, key: 'replay-candidates' });
  await saveTree('replay-candidates');
});

it('single jobs: a lost create reconciled, a PENDING cancel, a refusal, a sync image', async () => {
  stack.servers.simulator.reset();
  stack.servers.simulator.setFaults({ dropCreateResponse: 1 });
  await startJob(client, stack.h.config, { request: t2v('replay reconcile'), jobId: 'replay-reconcile' });
  expect((await waitForJob(client, 'replay-reconcile')).taskAdopted).toBe(true);
  await save(jobWorkflowId('replay-reconcile'));

  stack.servers.simulator.setFaults({ queueExtraMs: 10_000 });
  await startJob(client, stack.h.config, {
    request: t2v('replay pending cancel'),
    jobId: 'replay-pending-cancel',
  });
  while ((await getJobState(client, 'replay-pending-cancel').catch(() => undefined))?.status !== 'polling')
    await sleep(100);
  await client.workflow.getHandle(jobWorkflowId('replay-pending-cancel')).cancel();
  expect((await waitForJob(client, 'replay-pending-cancel')).status).toBe('canceled');
  await save(jobWorkflowId('replay-pending-cancel'));

  stack.servers.simulator.setFaults({ queueExtraMs: 0, dataInspectionAtCreate: 1 });
  await startJob(client, stack.h.config, { request: t2v('replay refusal'), jobId: 'replay-refusal' });
  expect((await waitForJob(client, 'replay-refusal')).status).toBe('failed');
  await save(jobWorkflowId('replay-refusal'));

  await startJob(client, stack.h.config, {
    request: {
      model: 'wan2.7-image',
      input: { messages: [{ role: 'user', content: [{ text: 'replay poster' }] }] },
    },
    jobId: 'replay-sync-image',
    options: { imageCall: 'sync' },
  });
  expect((await waitForJob(client, 'replay-sync-image')).status).toBe('stored');
  await save(jobWorkflowId('replay-sync-image'));
});

it('exactly-once submit: a lost create reconciled under the create lock, a backoff, candidates sharing a prompt', async () => {
  stack.servers.simulator.reset();
  stack.servers.simulator.setFaults({ dropCreateResponse: 1 });
  await startJob(client, stack.h.config, {
    request: t2v('replay v2 reconcile'),
    jobId: 'replay-v2-reconcile',
  });
  expect((await waitForJob(client, 'replay-v2-reconcile')).taskAdopted).toBe(true);
  await save(jobWorkflowId('replay-v2-reconcile'));

  stack.servers.simulator.setFaults({ createRateLimited: 2 });
  await startJob(client, stack.h.config, { request: t2v('replay v2 backoff'), jobId: 'replay-v2-backoff' });
  expect((await waitForJob(client, 'replay-v2-backoff')).status).toBe('stored');
  await save(jobWorkflowId('replay-v2-backoff'));

  stack.servers.simulator.setFaults({ dropCreateResponse: 2 });
  const spec = { version: 1, stages: [{ id: 'shots', request: t2v('replay v2 candidates'), candidates: 2 }] };
  await startPipeline(client, stack.h.config, { spec, key: 'replay-v2-candidates' });
  await saveTree('replay-v2-candidates');
  // The create lock the candidates took turns under, and the claims of their tasks.
  for await (const w of client.workflow.list({
    query: `WorkflowType = 'wanCreateLock' OR WorkflowType = 'wanTaskClaim'`,
  })) {
    if (w.status.name === 'COMPLETED') await save(w.workflowId);
  }
});

it('a campaign: four rows, paused and resumed, the last over its budget', async () => {
  stack.servers.simulator.reset();
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-record-campaign-'));
  const file = join(dir, 'replay-campaign.csv');
  writeFileSync(
    file,
    'prompt\n"replay campaign 1"\n"replay campaign 2"\n"replay campaign 3"\n"replay campaign 4"\n',
  );
  const template = { kind: 'job' as const, body: t2v('{{prompt}}') };
  // 2 s of 720P: 1.2 CNY a row; 4 CNY pays for three.
  await startCampaign(client, stack.h.config, {
    campaignId: 'replay-campaign',
    template,
    rows: readRowsFile(file),
    baseDir: dir,
    window: 1,
    budget: 4,
  });
  await changeCampaign(client, 'replay-campaign', { paused: true });
  await sleep(3000);
  await changeCampaign(client, 'replay-campaign', { paused: false, window: 2 });
  const state = await waitForCampaign(client, 'replay-campaign');
  expect(state.counters).toMatchObject({ stored: 3, budgetExhausted: 1 });
  await save(campaignWorkflowId('replay-campaign'));
  for (const row of await campaignReport(client, stack.h.config, 'replay-campaign'))
    if (row.runId) await save(campaignRowWorkflowId('replay-campaign', row.key));
});

it('a campaign that continues as new with its rows running: they end in the next run, by signal', async () => {
  stack.servers.simulator.reset();
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-record-handoff-'));
  const file = join(dir, 'replay-handoff.csv');
  writeFileSync(file, 'prompt\n' + [1, 2, 3, 4].map((i) => `"replay handoff ${i}"`).join('\n') + '\n');
  await startCampaign(client, stack.h.config, {
    campaignId: 'replay-handoff',
    template: { kind: 'job' as const, body: t2v('{{prompt}}') },
    rows: readRowsFile(file),
    baseDir: dir,
    window: 2,
    tuning: { rowsPerGeneration: 2 },
  });
  const state = await waitForCampaign(client, 'replay-handoff');
  expect(state.counters).toMatchObject({ stored: 4 });
  expect(state.generation).toBeGreaterThanOrEqual(2);
  await saveRuns(campaignWorkflowId('replay-handoff'));
  for (const row of await campaignReport(client, stack.h.config, 'replay-handoff'))
    await save(campaignRowWorkflowId('replay-handoff', row.key));
});

it('a watched job: woken by its account task watcher, which then ends idle', async () => {
  stack.servers.simulator.reset();
  await startJob(client, stack.h.config, { request: t2v('replay watched'), jobId: 'replay-watched' });
  const record = await waitForJob(client, 'replay-watched');
  expect(record).toMatchObject({ status: 'stored', taskWatched: true });
  await save(jobWorkflowId('replay-watched'));
  for await (const w of client.workflow.list({ query: `WorkflowType = 'wanTaskWatcher'` })) {
    await client.workflow.getHandle(w.workflowId).result();
    await save(w.workflowId);
  }
});

it("jobs held to an agent's daily budget besides the account's: one stored, the next refused unpaid", async () => {
  const budget = {
    ledger: 'wanflow-agent-spend/replay',
    cap: 1.2,
    currency: 'CNY',
    whose: "agent replay's",
    variable: 'WANFLOW_MCP_AGENTS',
    recheckMs: 1000,
  };
  for (const [jobId, status] of [
    ['replay.agent-1', 'stored'],
    ['replay.agent-2', 'failed'],
  ] as const) {
    await startJob(client, stack.h.config, { request: t2v(`replay ${jobId}`), jobId, budget });
    expect(await waitForJob(client, jobId)).toMatchObject({ status });
    await save(jobWorkflowId(jobId));
  }
});

it('account slots: six jobs queue for two slots', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-record-slots-'));
  const limits = join(dir, 'limits.json');
  writeFileSync(limits, JSON.stringify({ 'wan2.7-t2v': { concurrentTasks: 2 } }));
  const key = SLOTS_KEY;
  const env = testEnv(stack.servers, `record-${key}`, {
    WANFLOW_ACCOUNT_LIMITS: limits,
    DASHSCOPE_API_KEY: key,
  });
  const worker = await startInProcessWorker(env);
  const h = await jobHarness(env);
  try {
    const ids = Array.from({ length: 6 }, (_, i) => `${key}-${i + 1}`);
    for (const jobId of ids) await startJob(h.client, h.config, { request: t2v(`replay ${jobId}`), jobId });
    for (const jobId of ids) expect(await waitForJob(client, jobId)).toMatchObject({ status: 'stored' });
    await save(jobWorkflowId(ids[5]!));
    for await (const w of client.workflow.list({ query: `WorkflowType = 'wanAccountSlots'` })) {
      if (!w.workflowId.endsWith('/wan2.7-t2v') || w.taskQueue !== h.config.temporal.taskQueue) continue;
      await client.workflow.getHandle(w.workflowId).result();
      await saveRuns(w.workflowId);
    }
  } finally {
    await h.client.connection.close();
    await worker.stop();
  }
});
