// Every crash point of the four-stage pipeline: for each stage, in the middle of its create (the task
// already made, its answer still on the way), in the middle of its polling, and at its boundary (just
// stored, the next stage starting) — once with the worker SIGKILLed and replaced, once with the Temporal
// server stopped and restarted on the same SQLite file. The simulator's counts prove that every stage
// was created exactly once and that no create was ever sent twice.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { killHard, spawnWorkerProcess } from '../harness/workers';
import { inspectStored, jobHarness, type JobHarness } from '../harness/jobs';
import { getPipelineState, startPipeline, waitForPipeline } from '../../src/client/pipelines';
import { jobStateQuery } from '../../src/workflows/definitions';
import { fourStageSpec, FOUR_STAGE_MODELS } from '../harness/pipelines';

const STAGES = ['explore', 'extend', 'cast', 'finish'] as const;
type Point = { stage: (typeof STAGES)[number]; at: 'create' | 'poll' | 'stored' };
const POINTS: Point[] = STAGES.flatMap((stage) =>
  (['create', 'poll', 'stored'] as const).map((at) => ({ stage, at })),
);

let servers: TestServers;
let h: JobHarness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  servers = await startTestServers();
  h = await jobHarness(testEnv(servers, 'unused'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.client.connection.close();
  await servers?.stop();
});

describe('a pipeline crashed at every stage boundary and in the middle of every stage', () => {
  it.each(['worker SIGKILL', 'Temporal server restart'] as const)(
    '%s at each of the 12 points: one create per stage, verified outputs',
    async (crash) => {
      servers.simulator.reset();
      // A create answers 2 s after it made its task. A task runs long enough to still be running when it
      // is adopted after a crash in its create (10 s heartbeat timeout, then the create's 8 s deadline
      // and 1.5 s of late processing before the list is read twice, 1 s apart) and first polled, with a
      // margin of several seconds for a loaded machine (a new worker bundles its workflows first).
      servers.simulator.setFaults({ slowCreateResponseMs: 2_000, slowTaskExtraMs: 35_000 });
      const queue = `crash-${crash.startsWith('worker') ? 'worker' : 'server'}`;
      const env = testEnv(servers, queue);
      const config = { ...h.config, temporal: { ...h.config.temporal, taskQueue: queue } };
      let worker = spawn(env);
      const { pipelineId } = await startPipeline(h.client, config, {
        spec: fourStageSpec(`crashes: ${crash}`),
        key: queue,
      });

      const hit: string[] = [];
      for (const [i, point] of POINTS.entries()) {
        await until(
          () => reached(pipelineId, point, STAGES.indexOf(point.stage)),
          `${point.stage}/${point.at}`,
        );
        hit.push(`${point.stage}/${point.at}`);
        if (crash === 'worker SIGKILL') {
          await killHard(worker);
          worker = spawn(env);
        } else {
          await servers.restartTemporal();
          // A worker whose server vanished may give up; a supervisor restarts it, and so does the test.
          if (worker.exitCode !== null || worker.signalCode !== null) worker = spawn(env);
        }
        expect(servers.simulator.stats().createRequests, `after crash ${i + 1}`).toBeLessThanOrEqual(4);
      }

      const record = await waitForPipeline(h.client, pipelineId);
      expect(hit).toHaveLength(12);
      expect(record.status).toBe('stored');
      const stats = servers.simulator.stats();
      expect(stats).toMatchObject({ createRequests: 4, tasksCreated: 4 });
      expect(Object.values(stats.tasksByKeyAndModel)[0]).toEqual(
        Object.fromEntries(FOUR_STAGE_MODELS.map((m) => [m, 1])),
      );
      for (const id of STAGES) {
        const job = record.stages[id]!.jobs[0]!;
        expect(record.stages[id]!.jobs).toHaveLength(1);
        const stored = await inspectStored(h.store, job.outputs![0]!.key);
        expect(stored.sha256).toBe(job.outputs![0]!.sha256);
      }
      if (crash === 'worker SIGKILL')
        // Every create was cut off by the kill: each task was found and adopted, never made again.
        expect(STAGES.map((id) => record.stages[id]!.jobs[0]!.taskAdopted)).toEqual([true, true, true, true]);
      await killHard(worker);
    },
    480_000,
  );
});

/** Whether the pipeline is at the point now. Queries need a worker; until one answers, not yet. */
async function reached(pipelineId: string, point: Point, index: number): Promise<boolean> {
  if (point.at === 'create') return servers.simulator.stats().tasksCreated > index;
  if (point.at === 'stored') {
    const state = await getPipelineState(h.client, pipelineId).catch(() => undefined);
    return state?.stages[point.stage]?.status === 'stored';
  }
  const job = await h.client.workflow
    .getHandle(`wanflow-pipeline-${pipelineId}/${point.stage}`)
    .query(jobStateQuery)
    .catch(() => undefined);
  if (job && ['stored', 'succeeded'].includes(job.status))
    throw new Error(`stage ${point.stage} finished before it was seen polling: the task is too short`);
  return job?.status === 'polling';
}

async function until(check: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never reached ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function spawn(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawnWorkerProcess(env);
  children.push(child);
  return child;
}
