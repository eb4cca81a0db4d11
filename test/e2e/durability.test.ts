// Crashes in the middle of a job: the worker SIGKILLed while polling, the Temporal server stopped and
// restarted on the same SQLite file. The job must finish, stored, with exactly one task created.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startTemporalDevServer } from '../../src/stack/temporal';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { spawnWorkerProcess } from '../harness/workers';
import { jobHarness, inspectStored, type JobHarness } from '../harness/jobs';
import { startJob, getJobState, waitForJob } from '../../src/client/jobs';
import type { JobRecord } from '../../src/shared/records';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
let servers: TestServers;
let h: JobHarness;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
  servers = await startTestServers();
  env = testEnv(servers, 'durability');
  h = await jobHarness(env);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.client.connection.close();
  await servers?.stop();
});

beforeEach(() => servers.simulator.reset());

function startWorker(): ChildProcess {
  const child = spawnWorkerProcess(env);
  children.push(child);
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Queries until the job reports `status` (a worker must be up to answer). */
async function untilStatus(
  jobId: string,
  status: JobRecord['status'],
  timeoutMs = 60_000,
): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await getJobState(h.client, jobId).catch(() => undefined);
    if (r?.status === status) return r;
    if (Date.now() > deadline) throw new Error(`job ${jobId} never reached ${status}; last: ${r?.status}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const slowT2v = {
  model: 'wan2.7-t2v',
  input: { prompt: 'a slow and durable sunrise' },
  parameters: { resolution: '720P', duration: 2 },
};

describe('durability', () => {
  it('a worker SIGKILLed while the job polls is replaced and the job completes with one create', async () => {
    // Long enough for several polls before and after the kill.
    servers.simulator.setFaults({ slowTaskExtraMs: 8_000 });
    const first = startWorker();
    const { jobId } = await startJob(h.client, h.config, { request: slowT2v });
    const polling = await untilStatus(jobId, 'polling');
    expect(polling.taskId).toBeDefined();
    await killHard(first);
    startWorker();
    const record = await waitForJob(h.client, jobId);
    expect(record.status).toBe('stored');
    expect(record.taskId).toBe(polling.taskId);
    const stored = await inspectStored(h.store, record.outputs![0]!.key);
    expect(stored.sha256).toBe(record.outputs![0]!.sha256);
    expect(servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
  });

  it('the Temporal server stopped and restarted on the same SQLite file mid-job: the job completes', async () => {
    servers.simulator.setFaults({ slowTaskExtraMs: 8_000 });
    const worker = startWorker();
    const { jobId } = await startJob(h.client, h.config, { request: slowT2v });
    const polling = await untilStatus(jobId, 'polling');
    await servers.restartTemporal();
    // A worker whose server vanished may give up; a supervisor would restart it, and so does the test.
    if (worker.exitCode !== null) startWorker();
    const record = await waitForJob(h.client, jobId);
    expect(record).toMatchObject({ status: 'stored', taskId: polling.taskId });
    expect(servers.simulator.stats()).toMatchObject({ createRequests: 1, tasksCreated: 1 });
  });

  it('a worker started 15 s before its server waits for it, runs a job, and rides out a restart of it', async () => {
    // The only worker is this one: the earlier tests' are gone.
    for (const c of children) if (c.exitCode === null && c.signalCode === null) await killHard(c);
    await servers.temporal.stop();
    const child = spawn(process.execPath, [CLI, 'worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await new Promise((r) => setTimeout(r, 15_000));
    expect(child.exitCode, log).toBeNull();
    expect(log).toMatch(/waiting for Temporal at 127\.0\.0\.1:\d+ \(0 s so far, gives up after 3600 s\)/);
    servers.temporal = await startTemporalDevServer({
      dbFile: servers.dbFile,
      port: servers.temporalPort,
      logDir: join(servers.dir, 'logs'),
    });
    const first = await startJob(h.client, h.config, { request: slowT2v });
    expect(await waitForJob(h.client, first.jobId)).toMatchObject({ status: 'stored' });
    expect(log).toMatch(/connected to Temporal at .* after \d+ s/);
    await servers.restartTemporal();
    const second = await startJob(h.client, h.config, { request: slowT2v });
    expect(await waitForJob(h.client, second.jobId)).toMatchObject({ status: 'stored' });
    expect(child.exitCode, log).toBeNull();
  }, 120_000);
});
