// The adversarial mix again, with jobs and pipelines together, a worker process SIGKILLed in the middle
// and the Temporal server restarted on its SQLite file: faults before and after every create, shared
// prompts, candidates. Asserted from the simulator's own books: every task it made is owned by exactly one
// job, no job owns two, each job's task ran the seed it asked for, and every output is stored whole.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { killHard, spawnWorkerProcess } from '../harness/workers';
import { inspectStored, jobHarness, uniqueId, type JobHarness } from '../harness/jobs';
import { startJob, waitForJob } from '../../src/client/jobs';
import { startPipeline, waitForPipeline } from '../../src/client/pipelines';
import type { JobSummary } from '../../src/shared/records';
import { summarizeJob } from '../../src/workflows/job-summary';

let servers: TestServers;
let h: JobHarness;
const children: ChildProcess[] = [];
const QUEUE = 'adversarial-crashes';

beforeAll(async () => {
  servers = await startTestServers();
  h = await jobHarness(testEnv(servers, QUEUE));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.client.connection.close();
  await servers?.stop();
});

const t2v = (prompt: string, seed?: number) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration: 2, ...(seed === undefined ? {} : { seed }) },
});

function spawnWorker(): ChildProcess {
  const child = spawnWorkerProcess(testEnv(servers, QUEUE));
  children.push(child);
  return child;
}

it('30 jobs and 4 pipelines on shared prompts, under every fault, a worker SIGKILL and a Temporal restart', async () => {
  const started = Date.now();
  servers.simulator.setFaults({
    dropCreateResponse: 4,
    dropCreateBeforeProcessing: 3,
    gatewayTimeoutAfterCreate: 2,
    createRateLimited: 4,
    serverErrors: 4,
    unknownStatusTasks: 3,
    listLagMs: 500,
    slowCreateResponseMs: 300,
    slowTaskExtraMs: 3_000,
    echoPrompt: 'normalized',
    closeAfterBody: true,
  });
  let worker = spawnWorker();
  const prompts = [1, 2, 3].map((n) => `crash prompt ${n} ${uniqueId('p')}`);
  const jobs = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      startJob(h.client, h.config, {
        request: t2v(prompts[i % 3]!, i % 5 === 0 ? undefined : 11 + i * 1000),
      }),
    ),
  );
  const pipelines = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      startPipeline(h.client, h.config, {
        key: uniqueId(`crash-pipeline-${i}`),
        spec: {
          version: 1,
          stages: [
            { id: 'shots', request: t2v(prompts[i % 3]!), candidates: 2 },
            {
              id: 'edit',
              request: {
                model: 'wan2.7-videoedit',
                input: { prompt: 'grain', media: [{ type: 'video', url: 'stage:shots' }] },
                parameters: { resolution: '720P' },
              },
            },
          ],
        },
      }),
    ),
  );

  // A worker killed with creates and reconciles in flight, then the server restarted under the new one.
  await new Promise((r) => setTimeout(r, 3_000));
  await killHard(worker);
  worker = spawnWorker();
  await new Promise((r) => setTimeout(r, 8_000));
  await servers.restartTemporal();
  if (worker.exitCode !== null || worker.signalCode !== null) worker = spawnWorker();

  const records: JobSummary[] = (await Promise.all(jobs.map(({ jobId }) => waitForJob(h.client, jobId)))).map(
    summarizeJob,
  );
  for (const { pipelineId } of pipelines) {
    const p = await waitForPipeline(h.client, pipelineId);
    expect(p.status, `pipeline ${pipelineId}`).toBe('stored');
    for (const s of Object.values(p.stages)) records.push(...s.jobs);
  }
  await killHard(worker);

  for (const r of records) expect(r.status, `${r.jobId}: ${r.failure?.message}`).toBe('stored');
  const books = servers.simulator.tasks().filter((t) => t.createdAt >= started);
  const owners = new Map<string, string[]>();
  for (const r of records) owners.set(r.taskId!, [...(owners.get(r.taskId!) ?? []), r.jobId]);
  for (const task of books) expect(owners.get(task.taskId), `owners of ${task.taskId}`).toHaveLength(1);
  expect(books).toHaveLength(records.length);
  for (const r of records) {
    const task = books.find((b) => b.taskId === r.taskId)!;
    expect(task.seed, `${r.jobId} ran its own seed`).toBe(r.seed);
    const stored = await inspectStored(h.store, r.outputs![0]!.key);
    expect(stored.sha256).toBe(r.outputs![0]!.sha256);
  }
}, 600_000);
