// A four-stage production pipeline (t2v → i2v continuation → r2v → videoedit) end to end on real
// servers: chained outputs, idempotent starts, whole-spec validation, cancel. Crashes: pipeline-crashes.test.ts.
import { describe, expect, it, beforeEach } from 'vitest';
import { useJobStack } from '../harness/stack';
import { historyText, inspectStored, readJson } from '../harness/jobs';
import type { JobRecord } from '../../src/shared/records';
import { cancelPipeline, getPipelineState, startPipeline, waitForPipeline } from '../../src/client/pipelines';
import { IdempotencyConflictError } from '../../src/client/start-once';
import { InvalidRequestError } from '../../src/wan/validation';
import { fourStageSpec } from '../harness/pipelines';

const stack = useJobStack('pipeline-e2e');
beforeEach(() => stack.servers.simulator.reset());

const spec = fourStageSpec;

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
    const extend = await readJson<JobRecord>(stack.h.store, record.stages.extend!.jobs[0]!.manifestKey!);
    expect(extend.request).toMatchObject({
      input: { media: [{ url: `asset://${record.stages.explore!.outputs[0]}` }] },
    });
    expect(record.stages.finish!.jobs[0]!.usage).toMatchObject({ inputVideoDuration: 2 });
    // No URL that can expire, and no key, sits in the pipeline's history or any of its jobs'.
    for (const workflowId of [
      'wanflow-pipeline-four-stage',
      ...Object.keys(sizes).map((id) => `wanflow-pipeline-four-stage/${id}`),
    ]) {
      const history = await historyText(stack.h.client, workflowId);
      if (!workflowId.endsWith('/explore')) expect(history).toContain('asset://pipelines/four-stage/jobs/');
      for (const secret of ['X-Amz-Signature', 'Signature=', stack.servers.simulator.defaultKey])
        expect(history, `${workflowId} holds ${secret}`).not.toContain(secret);
    }
    // 2 + 4 + (2 + 4 input) + (2 + 2 input) seconds at ¥0.6.
    expect(record.cost).toMatchObject({ estimated: { CNY: 9.6 }, billed: { CNY: 9.6 } });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(4);
  });

  it('independent stages run side by side; candidates differ by seed', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 1500 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: {
        version: 1,
        stages: [
          {
            id: 'poster',
            request: {
              model: 'wan2.7-image',
              input: { messages: [{ role: 'user', content: [{ text: 'a lighthouse poster' }] }] },
            },
          },
          {
            id: 'clips',
            request: {
              model: 'wan2.7-t2v',
              input: { prompt: 'waves at night' },
              parameters: { resolution: '720P', duration: 2, seed: 7 },
            },
            candidates: 2,
            onFailure: 'retry-new-seed',
          },
          {
            id: 'animate',
            request: {
              model: 'wan2.7-i2v',
              input: {
                prompt: 'the poster comes alive',
                media: [{ type: 'first_frame', url: 'stage:poster' }],
              },
              parameters: { resolution: '720P', duration: 2 },
            },
          },
        ],
      },
      key: 'side-by-side',
    });
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('stored');
    const { poster, clips, animate } = record.stages as Record<string, (typeof record.stages)[string]>;
    // poster and clips overlapped; animate waited for poster only.
    expect(Date.parse(poster!.started!)).toBeLessThan(Date.parse(clips!.finished!));
    expect(Date.parse(clips!.started!)).toBeLessThan(Date.parse(poster!.finished!));
    expect(Date.parse(animate!.started!)).toBeGreaterThanOrEqual(Date.parse(poster!.finished!));
    const animated = await readJson<JobRecord>(stack.h.store, animate!.jobs[0]!.manifestKey!);
    expect(animated.request).toMatchObject({
      input: { media: [{ url: `asset://${poster!.outputs[0]}` }] },
    });
    // Two candidates side by side, the first with the stage's own seed, the second moved on.
    expect(clips!.jobs.map((j) => [j.jobId, j.status, j.seed]).sort()).toEqual([
      ['side-by-side/clips-c1', 'stored', 7],
      ['side-by-side/clips-c2', 'stored', 1007],
    ]);
    expect(clips!.outputs).toEqual([clips!.jobs.find((j) => j.jobId.endsWith('-c1'))!.outputs![0]!.key]);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(4);
  });

  it('a stage that fails content inspection retries once with a new seed', async () => {
    stack.servers.simulator.setFaults({ dataInspectionTask: 1 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: {
        version: 1,
        stages: [
          {
            id: 'shot',
            request: {
              model: 'wan2.7-t2v',
              input: { prompt: 'a kite over dunes' },
              parameters: { resolution: '720P', duration: 2, seed: 7 },
            },
            onFailure: 'retry-new-seed',
          },
        ],
      },
      key: 'new-seed',
    });
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('stored');
    expect(record.stages.shot!.jobs.map((j) => [j.jobId, j.status, j.seed])).toEqual([
      ['new-seed/shot', 'failed', 7],
      ['new-seed/shot-retry', 'stored', 100_007],
    ]);
    expect(record.stages.shot!.jobs[0]!.failure?.cause).toBe('content_policy');
    expect(stack.servers.simulator.stats().tasksCreated).toBe(2);
  });

  it('a stage that fails on its route falls back to another route once', async () => {
    stack.servers.simulator.setFaults({ dataInspectionTask: 1 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: {
        version: 1,
        stages: [
          {
            id: 'shot',
            request: {
              model: 'wan2.7-t2v',
              input: { prompt: 'a kite over dunes' },
              parameters: { resolution: '720P', duration: 2 },
            },
            onFailure: 'fallback-route',
            fallbackRoute: 'fal',
          },
        ],
      },
      key: 'fallback',
    });
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('stored');
    expect(record.stages.shot!.jobs.map((j) => [j.jobId, j.route, j.status])).toEqual([
      ['fallback/shot', 'modelstudio', 'failed'],
      ['fallback/shot-retry', 'fal', 'stored'],
    ]);
    expect(record.stages.shot!.jobs[0]!.failure?.cause).toBe('content_policy');
    // One Model Studio create, one fal.ai create: two tasks in all.
    expect(stack.servers.simulator.stats()).toMatchObject({
      createRequests: 1,
      falCreates: 1,
      tasksCreated: 2,
    });
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

  it("a later stage's unreadable input refuses the whole spec before the first stage is paid", async () => {
    const bad = spec('preflight all');
    (bad.stages[2]!.request.input.media as { type: string; url: string }[]).push({
      type: 'reference_image',
      url: 'http://127.0.0.1:9/nothing-here.png',
    });
    const err = await startPipeline(stack.h.client, stack.h.config, {
      spec: bad,
      key: 'preflight-all',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).problems).toMatchObject([
      { field: 'stages.2.request.input.media.1.url' },
    ]);
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  });

  it('a job terminated under the pipeline becomes a failed stage with a record, and the manifest is written', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 4000 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: spec('terminated job'),
      key: 'terminated-job',
    });
    const job = stack.h.client.workflow.getHandle(`wanflow-pipeline-${pipelineId}/explore`);
    for (let i = 0; i < 200; i++) {
      if ((await job.describe().catch(() => undefined))?.status.name === 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await job.terminate('operator stopped it');
    const record = await waitForPipeline(stack.h.client, pipelineId);
    expect(record.status).toBe('failed');
    expect(record.stages.explore).toMatchObject({
      status: 'failed',
      jobs: [{ status: 'failed', failure: { message: expect.stringMatching(/ended without a record/) } }],
    });
    expect(['extend', 'cast', 'finish'].map((id) => record.stages[id]!.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(await stack.h.store.exists(record.manifestKey!)).toBe(true);
  });
});
