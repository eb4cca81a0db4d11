// Worker Versioning on the dev server: two builds of the worker in one deployment (WANFLOW_DEPLOYMENT,
// WANFLOW_BUILD_ID). A job started under build A finishes on A after B became current (PINNED), a job
// started after it runs on B, and the account's task watcher — long-lived — moves to B (AUTO_UPGRADE).
// Without the variables a worker is unversioned (every other test file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { toCanonicalString } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { jobHarness, untilSubmitted, type JobHarness } from '../harness/jobs';
import { startJob, waitForJob } from '../../src/client/jobs';
import { jobWorkflowId } from '../../src/shared/ids';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/errors';

const DEPLOYMENT = 'wanflow-versioning-test';
// gRPC's status code for a request refused in the server's current state.
const FAILED_PRECONDITION = 9;
const QUEUE = 'versioned';
let servers: TestServers;
let h: JobHarness;
const workers: InProcessWorker[] = [];

const buildEnv = (buildId: string) =>
  testEnv(servers, QUEUE, { WANFLOW_DEPLOYMENT: DEPLOYMENT, WANFLOW_BUILD_ID: buildId });

beforeAll(async () => {
  servers = await startTestServers();
  h = await jobHarness(buildEnv('build-a'));
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await h?.client.connection.close();
  await servers?.stop();
});

/** Starts a worker of `buildId` and makes it the deployment's current build once the server has seen it. */
async function deploy(buildId: string): Promise<void> {
  workers.push(await startInProcessWorker(buildEnv(buildId)));
  const version = toCanonicalString({ deploymentName: DEPLOYMENT, buildId });
  const service = h.client.workflowService;
  for (let i = 0; ; i++) {
    const seen = await service
      .describeWorkerDeployment({ namespace: 'default', deploymentName: DEPLOYMENT })
      .then((r) => r.workerDeploymentInfo?.versionSummaries?.some((v) => v.version === version))
      .catch(() => false);
    if (seen) break;
    if (i > 300) throw new Error(`build ${buildId} never showed in deployment ${DEPLOYMENT}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The server refuses (FAILED_PRECONDITION) while the build has not polled every task queue the current
  // one has (a worker's second queue, the queries', registers a moment after the first): ask again.
  for (let i = 0; ; i++) {
    const refused = await service
      .setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName: DEPLOYMENT, version })
      .then(
        () => undefined,
        (err: { code?: number }) => err,
      );
    if (!refused) return;
    if (refused.code !== FAILED_PRECONDITION || i > 300) throw refused;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function versioningOf(client: Client, workflowId: string) {
  const info = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo;
  const v = info?.versioningInfo;
  return {
    buildId: v?.deploymentVersion?.buildId,
    behavior: v?.behavior == null ? undefined : temporal.api.enums.v1.VersioningBehavior[v.behavior],
  };
}

describe('Worker Versioning', () => {
  it('a job stays on the build that started it; a new job and the task watcher run on the current one', async () => {
    await deploy('build-a');
    servers.simulator.setFaults({ slowTaskExtraMs: 15_000 });
    const { jobId: first } = await startJob(h.client, h.config, {
      request: { model: 'wan2.7-t2v', input: { prompt: 'pinned to A' }, parameters: { duration: 2 } },
    });
    await untilSubmitted(h.client, first);
    servers.simulator.setFaults({ slowTaskExtraMs: 0 });

    await deploy('build-b');
    const { jobId: second } = await startJob(h.client, h.config, {
      request: { model: 'wan2.7-t2v', input: { prompt: 'started on B' }, parameters: { duration: 2 } },
    });
    const records = await Promise.all([first, second].map((id) => waitForJob(h.client, id)));
    expect(records.map((r) => r.status)).toEqual(['stored', 'stored']);
    expect(await versioningOf(h.client, jobWorkflowId(first))).toEqual({
      buildId: 'build-a',
      behavior: 'VERSIONING_BEHAVIOR_PINNED',
    });
    expect(await versioningOf(h.client, jobWorkflowId(second))).toEqual({
      buildId: 'build-b',
      behavior: 'VERSIONING_BEHAVIOR_PINNED',
    });
    // The account's watcher sweeps every half second: its next workflow task runs on B.
    const watchers = new Set<string>();
    for await (const w of h.client.workflow.list({ query: `WorkflowType = 'wanTaskWatcher'` }))
      if (w.taskQueue === QUEUE) watchers.add(w.workflowId);
    expect(watchers.size).toBe(1);
    await expect
      .poll(() => versioningOf(h.client, [...watchers][0]!), { timeout: 30_000 })
      .toEqual({ buildId: 'build-b', behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE' });
  });

  it('a deployment without its build (or a build without its deployment) is a configuration error', () => {
    for (const half of [{ WANFLOW_DEPLOYMENT: DEPLOYMENT }, { WANFLOW_BUILD_ID: 'build-a' }]) {
      const env = { ...testEnv(servers, QUEUE), ...half };
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/WANFLOW_DEPLOYMENT .*WANFLOW_BUILD_ID/);
    }
  });
});
