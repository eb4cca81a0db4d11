// Every recorded history (test/replay/histories, made by `npm run record-histories`) replays against the
// current workflow code without a determinism error, so a change that would break pipelines and jobs
// already running is caught here, not in production. A deliberately drifted workflow proves it can fail.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { workflowBundle } from '../harness/workers';
import { recordedHistories } from './histories';

const histories = recordedHistories();

describe('replay of recorded histories', () => {
  it('covers pipelines and their jobs, and single jobs', () => {
    const ids = histories.map((h) => h.workflowId);
    expect(ids.filter((id) => /^wanflow-pipeline-[^/]+$/.test(id)).length).toBeGreaterThanOrEqual(3);
    expect(ids.filter((id) => id.includes('/')).length).toBeGreaterThanOrEqual(4);
    expect(ids.filter((id) => id.startsWith('wanflow-job-')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(histories.map((h) => [`${h.recordedBy}: ${h.workflowId}`, h] as const))(
    '%s replays on the current code',
    async (_id, h) => {
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), replayName: h.workflowId },
        h.history,
        h.workflowId,
      );
    },
  );

  it('a change that alters the order of commands fails replay (positive control)', async () => {
    const drifted = await bundleWorkflowCode({
      workflowsPath: resolve(__dirname, 'drifted-workflows.ts'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    const job = histories.find((h) => h.workflowId === 'wanflow-job-replay-reconcile')!;
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: drifted, replayName: 'drifted' },
        job.history,
        job.workflowId,
      ),
    ).rejects.toThrow(/[Nn]ondetermin/);
  });
});
