// The pipeline workflow's cancel and failure branches on the time-skipping test server, with stubbed
// activities: a cancel is final (no retry job after it), while without one a refused stage retries once.
import { describe, expect, it } from 'vitest';
import type { PipelineRecord } from '../../src/shared/records';
import { finalRecord } from '../../src/client/records';
import { planPipeline } from '../../src/pipelines/validate';
import type { PipelineInput } from '../../src/workflows/pipeline-stage';
import type { ObservedStatus } from '../../src/wan/tasks';
import { RequestRejectedError, ResultExpiredError } from '../../src/providers/errors';
import { InvalidRequestError } from '../../src/wan/validation';
import { useTimeSkipping } from '../harness/time-skipping';
import { cancelBetweenPolls, noCalls, stubs, type Calls, type Script } from '../harness/job-stubs';

const ts = useTimeSkipping();

const spec = {
  version: 1,
  stages: [
    {
      id: 'shot',
      request: {
        model: 'wan2.7-t2v',
        input: { prompt: 'a fox' },
        parameters: { resolution: '720P', duration: 5 },
      },
      onFailure: 'retry-new-seed',
    },
    {
      id: 'edit',
      request: { model: 'wan2.7-videoedit', input: { media: [{ type: 'video', url: 'stage:shot' }] } },
    },
  ],
};

let n = 0;
async function runPipeline(s: Script, during: (workflowId: string, calls: Calls) => Promise<void>) {
  const calls = noCalls();
  const taskQueue = `pipeline-branches-${++n}`;
  const input: PipelineInput = { pipelineId: `p${n}`, plan: planPipeline(spec) };
  const record = await ts.withWorker(taskQueue, stubs(ts, s, calls), async () => {
    const handle = await ts.env.client.workflow.start('wanPipeline', {
      taskQueue,
      workflowId: `wanflow-pipeline-${input.pipelineId}`,
      args: [input],
    });
    await during(handle.workflowId, calls);
    return finalRecord<PipelineRecord>(handle.result());
  });
  return { record, calls };
}

describe('pipeline cancel and failures', () => {
  it('a job that fails after the pipeline was canceled is not retried with a new seed', async () => {
    // The shot's task is RUNNING when the cancel comes (so it is kept), then fails: the stage's
    // retry-new-seed would pay a second task, but a cancel is final.
    const polls: ObservedStatus[] = [...Array(8).fill('RUNNING'), 'FAILED'];
    const { record, calls } = await runPipeline({ creates: ['t1', 't2'], polls }, cancelBetweenPolls(ts, 2));
    expect(record.status).toBe('canceled');
    expect(record.stages.shot!.jobIds).toHaveLength(1);
    expect(record.stages.edit!.status).toBe('canceled');
    expect(calls.creates).toBe(1);
  });

  it('a task whose end was never seen (expired) is not paid for again by a retry (finding 4)', async () => {
    const { record, calls } = await runPipeline({ creates: ['t1', 't2'], polls: ['UNKNOWN'] }, () =>
      Promise.resolve(),
    );
    expect(record.stages.shot!.jobIds).toEqual([`p${n}/shot`]);
    expect(record.stages.shot!.status).toBe('failed');
    expect(calls.creates).toBe(1);
  });

  it('a later stage on a route that cannot take stored inputs is refused before the first is paid (finding 9)', async () => {
    const refusal = new InvalidRequestError([
      { field: 'stages.1.route', value: 'fal', message: 'fal.ai cannot take this stage’s stored inputs' },
    ]);
    const { record, calls } = await runPipeline(
      { creates: ['t1', 't2'], polls: ['SUCCEEDED'], storedInputsRefusal: refusal },
      () => Promise.resolve(),
    );
    expect(record.status).toBe('failed');
    expect(record.stages.shot!.status).toBe('skipped');
    expect(record.stages.edit).toMatchObject({
      status: 'failed',
      failure: {
        cause: 'invalid_input',
        message: expect.stringMatching(/^stages\.1\.route: fal\.ai cannot/),
      },
    });
    expect(calls.creates).toBe(0);
  });

  it('without a cancel, a stage refused by content inspection retries once with a new seed', async () => {
    const refused = new RequestRejectedError('content_policy', 'DataInspectionFailed', {
      code: 'DataInspectionFailed',
    });
    const { record, calls } = await runPipeline(
      { creates: [refused, 't2', 't3'], polls: ['SUCCEEDED'] },
      () => Promise.resolve(),
    );
    expect(record.status).toBe('stored');
    expect(record.stages.shot!.jobIds).toEqual([`p${n}/shot`, `p${n}/shot-retry`]);
    expect(calls.creates).toBe(3);
  });
  it('a stage whose task succeeded but could not be stored is not paid for again with a new seed', async () => {
    const { record, calls } = await runPipeline(
      { creates: ['t1', 't2'], polls: ['SUCCEEDED'], persistFailures: [new ResultExpiredError('expired')] },
      () => Promise.resolve(),
    );
    expect(record.status).toBe('failed');
    expect(record.stages.shot).toMatchObject({ status: 'failed', jobIds: [`p${n}/shot`] });
    expect(calls.creates).toBe(1);
  });

  // A job terminated under its pipeline is tested on the real dev server (test/e2e/pipeline.test.ts): the
  // Java time-skipping server does not tell a parent that its child was terminated.
});
