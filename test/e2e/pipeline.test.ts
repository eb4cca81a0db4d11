// A four-stage production pipeline (t2v → i2v continuation → r2v → videoedit) end to end on real
// servers: chained outputs, idempotent starts, whole-spec validation, and a worker killed mid-pipeline.
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it, beforeEach, afterAll } from 'vitest';
import { useJobStack } from '../harness/stack';
import { inspectStored } from '../harness/jobs';
import { testEnv } from '../harness/servers';
import { spawnWorkerProcess } from '../harness/workers';
import {
  IdempotencyConflictError,
  cancelPipeline,
  getPipelineState,
  startPipeline,
  waitForPipeline,
} from '../../src/client/pipelines';
import { InvalidRequestError } from '../../src/wan/validation';

const stack = useJobStack('pipeline-e2e');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
beforeEach(() => stack.servers.simulator.reset());

const spec = (prompt = 'a lighthouse in a storm') => ({
  version: 1,
  name: 'teaser',
  stages: [
    {
      id: 'explore',
      request: { model: 'wan2.7-t2v', input: { prompt }, parameters: { resolution: '720P', duration: 2 } },
    },
    {
      id: 'extend',
      request: {
        model: 'wan2.7-i2v',
        input: { media: [{ type: 'first_clip', url: 'stage:explore' }] },
        parameters: { resolution: '720P', duration: 4 },
      },
    },
    {
      id: 'cast',
      request: {
        model: 'wan2.7-r2v',
        input: { prompt: 'Video 1 at dawn', media: [{ type: 'reference_video', url: 'stage:extend' }] },
        parameters: { resolution: '720P', duration: 2, ratio: '1:1' },
      },
    },
    {
      id: 'finish',
      request: {
        model: 'wan2.7-videoedit',
        input: { prompt: 'film grain', media: [{ type: 'video', url: 'stage:cast' }] },
        parameters: { resolution: '720P' },
      },
    },
  ],
});

describe('pipelines', () => {
  it('runs the four-stage chain to playable, verified outputs, each stage submitted once', async () => {
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: spec(),
      key: 'four-stage',
    });
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('stored');
    expect(Object.values(record.stages).map((s) => s.status)).toEqual([
      'stored',
      'stored',
      'stored',
      'stored',
    ]);
    const sizes = {
      explore: [1280, 720, 2],
      extend: [1280, 720, 4],
      cast: [960, 960, 2],
      finish: [960, 960, 2],
    } as const;
    for (const [id, [w, h, seconds]] of Object.entries(sizes)) {
      const job = record.stages[id]!.jobs[0]!;
      const stored = await inspectStored(stack.h.store, job.outputs![0]!.key);
      expect(stored.sha256).toBe(job.outputs![0]!.sha256);
      expect(stored.probe.video).toMatchObject({ width: w, height: h });
      expect(stored.probe.durationSeconds!).toBeCloseTo(seconds, 1);
    }
    // Later stages were given earlier outputs as stored assets, never as URLs.
    expect(record.stages.extend!.jobs[0]!.request).toMatchObject({
      input: { media: [{ url: `asset://${record.stages.explore!.outputs[0]}` }] },
    });
    expect(record.stages.finish!.jobs[0]!.usage).toMatchObject({ inputVideoDuration: 2 });
    // 2 + 4 + (2 + 4 input) + (2 + 2 input) seconds at ¥0.6.
    expect(record.cost).toMatchObject({ estimated: { CNY: 9.6 }, billed: { CNY: 9.6 } });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(4);
  });

  it('a repeated start with the same key returns the same pipeline and pays nothing twice', async () => {
    const starts = await Promise.all(
      [1, 2, 3].map(() =>
        startPipeline(stack.h.client, stack.h.config, { spec: spec('repeat'), key: 'same-key' }),
      ),
    );
    expect(new Set(starts.map((s) => s.workflowId)).size).toBe(1);
    await waitForPipeline(stack.h.client, 'same-key');
    const again = await startPipeline(stack.h.client, stack.h.config, {
      spec: spec('repeat'),
      key: 'same-key',
    });
    expect(again.pipelineId).toBe('same-key');
    expect(stack.servers.simulator.stats().tasksCreated).toBe(4);
    const conflict = await startPipeline(stack.h.client, stack.h.config, {
      spec: spec('something else'),
      key: 'same-key',
    }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(IdempotencyConflictError);
  });

  it('an invalid chain is refused before anything starts, pointing at stage and field', async () => {
    const bad = spec();
    bad.stages[1]!.request.parameters.duration = 2;
    const err = await startPipeline(stack.h.client, stack.h.config, {
      spec: bad,
      key: 'never-started',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toMatch(
      /stages\.1\.request\.parameters\.duration: with first_clip the duration is the total length/,
    );
    await expect(
      stack.h.client.workflow.getHandle('wanflow-pipeline-never-started').describe(),
    ).rejects.toThrow();
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  });

  it('a worker SIGKILLed in the middle of a stage: the pipeline resumes and no stage is submitted twice', async () => {
    const env = testEnv(stack.servers, 'pipeline-crash');
    const config = {
      ...stack.h.config,
      temporal: { ...stack.h.config.temporal, taskQueue: 'pipeline-crash' },
    };
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 3000 });
    const first = spawnWorkerProcess(env);
    children.push(first);
    const { pipelineId } = await startPipeline(stack.h.client, config, { spec: spec('crash'), key: 'crash' });
    for (let i = 0; i < 300; i++) {
      const state = await getPipelineState(stack.h.client, pipelineId).catch(() => undefined);
      if (state?.stages.extend?.status === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    children.push(spawnWorkerProcess(env));
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('stored');
    expect(stack.servers.simulator.stats().tasksCreated).toBe(4);
    // A kill during a create leaves that activity to time out (90 s) before the reconcile adopts its task.
  }, 300_000);

  it('cancel in the middle: the running stage is kept and collected, later stages never start', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 3000 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: spec('cancel me'),
      key: 'cancel',
    });
    for (let i = 0; i < 200; i++) {
      const state = await getPipelineState(stack.h.client, pipelineId).catch(() => undefined);
      if (state?.stages.explore?.jobs.length === 0 && state.stages.explore.status === 'running') {
        const job = await stack.h.client.workflow
          .getHandle(`wanflow-pipeline-${pipelineId}/explore`)
          .query('jobState')
          .catch(() => undefined);
        if ((job as { providerStatus?: string } | undefined)?.providerStatus === 'RUNNING') break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await cancelPipeline(stack.h.client, pipelineId);
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('canceled');
    expect(record.stages.explore).toMatchObject({ status: 'stored', jobs: [{ keptAfterCancel: true }] });
    expect(['extend', 'cast', 'finish'].map((id) => record.stages[id]!.status)).toEqual([
      'canceled',
      'canceled',
      'canceled',
    ]);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
  });
});
