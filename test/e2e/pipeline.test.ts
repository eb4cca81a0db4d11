// A four-stage production pipeline (t2v → i2v continuation → r2v → videoedit) end to end on real
// servers: chained outputs, idempotent starts, whole-spec validation, cancel. Crashes: pipeline-crashes.test.ts.
import { describe, expect, it, beforeEach } from 'vitest';
import { useJobStack } from '../harness/stack';
import { inspectStored } from '../harness/jobs';
import {
  IdempotencyConflictError,
  cancelPipeline,
  getPipelineState,
  startPipeline,
  waitForPipeline,
} from '../../src/client/pipelines';
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
