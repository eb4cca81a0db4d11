// Every branch of the job workflow's submit, reconcile, poll, give-up and cancel, on the time-skipping
// test server with the real workflow code and stubbed activities (typed from the activity factory). Hours
// of durable timers (the live policy's first poll, the 3.5 h give-up) pass in milliseconds.
import { InvalidRequestError } from '../../src/wan/validation';
import { describe, expect, it } from 'vitest';
import {
  AmbiguousRequestError,
  RateLimitedError,
  RequestRejectedError,
  ResultExpiredError,
  TransientProviderError,
} from '../../src/providers/errors';
import type { JobRecord } from '../../src/shared/records';
import type { FindSubmittedResult } from '../../src/activities/reconcile';
import { finalRecord } from '../../src/client/records';
import { type JobInput } from '../../src/workflows/job-input';
import { jobWorkflowId } from '../../src/shared/ids';
import { jobStateQuery, taskNoticeSignal } from '../../src/workflows/definitions';
import type { ObservedStatus } from '../../src/wan/tasks';
import { useTimeSkipping } from '../harness/time-skipping';
import {
  cancelBetweenPolls,
  noCalls,
  request,
  stubs,
  type Calls,
  type Script,
  oneYuan,
} from '../harness/job-stubs';

const ts = useTimeSkipping();

let n = 0;
async function runJob(s: Script, during?: (workflowId: string, calls: Calls) => Promise<void>) {
  const calls = noCalls();
  const taskQueue = `branches-${++n}`;
  const input: JobInput = { jobId: `b-${n}`, route: 'modelstudio', region: 'cn-beijing', request };
  const record = await ts.withWorker(taskQueue, stubs(ts, s, calls), async () => {
    const handle = await ts.env.client.workflow.start('wanJob', {
      taskQueue,
      workflowId: jobWorkflowId(input.jobId),
      args: [input],
    });
    if (during) await during(handle.workflowId, calls);
    return finalRecord<JobRecord>(handle.result());
  });
  return { record, calls };
}

const ambiguous = () =>
  new AmbiguousRequestError('POST /services/…: network failure (UND_ERR_SOCKET) after the request was sent');
const throttled = () => new RateLimitedError('Throttling.RateQuota', 90_000, { httpStatus: 429 });

describe('submit', () => {
  it('an answered create is polled to its end and stored, under the create lock', async () => {
    const { record, calls } = await runJob({
      creates: ['t1'],
      polls: ['PENDING', 'RUNNING', 'SUCCEEDED'],
      createLock: 'lock-a',
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 't1' });
    // The lock travelled with the create: taken and handed on by it, no activity of its own.
    expect(calls).toMatchObject({
      creates: 1,
      locks: 1,
      submits: 1,
      lockActivities: [],
      polls: 3,
      persists: 1,
    });
  });

  it('a create lock held by a look-alike: nothing is sent until its grant, then the create runs holding it', async () => {
    const { record, calls } = await runJob({
      creates: ['t1'],
      polls: ['SUCCEEDED'],
      createLock: 'lock-b',
      lockTaken: 'by signal',
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 't1' });
    expect(calls).toMatchObject({ creates: 1, locks: 1, submits: 2, lockActivities: [] });
  });

  it('a create lock the create could not ask for is asked for by its own activity, then waited for', async () => {
    const { record, calls } = await runJob({
      creates: ['t1'],
      polls: ['SUCCEEDED'],
      createLock: 'lock-b2',
      lockTaken: 'by signal, no answer',
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 't1' });
    // Asked as one that may have been asked before (the create's request may have reached the lock).
    expect(calls).toMatchObject({
      creates: 1,
      locks: 1,
      submits: 2,
      lockActivities: [{ askedBefore: true }],
    });
  });

  it('a lost answer under a carried lock: the lock is made sure of before the list is read', async () => {
    const { record, calls } = await runJob({
      creates: [ambiguous()],
      finds: [{ kind: 'adopted', taskId: 'found' }],
      polls: ['SUCCEEDED'],
      createLock: 'lock-c',
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 'found', taskAdopted: true });
    expect(calls).toMatchObject({ creates: 1, finds: 1, lockActivities: [{ askedBefore: true }] });
  });

  it('a lost answer whose create had handed its lock on: the job waits in line under a new token (found by reading)', async () => {
    const { record, calls } = await runJob({
      creates: [ambiguous()],
      finds: [{ kind: 'adopted', taskId: 'found' }],
      polls: ['SUCCEEDED'],
      createLock: 'lock-d',
      lockSpent: true,
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 'found', taskAdopted: true });
    expect(calls.lockActivities).toEqual([{ askedBefore: true }, { askedBefore: false }]);
  });

  it('inputs are published only when the request names stored assets (older validations: always)', async () => {
    const runs = [];
    for (const publishes of [false, true, undefined])
      runs.push(await runJob({ creates: ['tp'], polls: ['SUCCEEDED'], publishes }));
    expect(runs.map((r) => r.record.status)).toEqual(['stored', 'stored', 'stored']);
    expect(runs.map((r) => r.calls.publishes)).toEqual([0, 1, 1]);
  });

  it('refusals are resent after a backoff that honours Retry-After', async () => {
    const started = await ts.env.currentTimeMs();
    const { record, calls } = await runJob({
      creates: [throttled(), throttled(), 't2'],
      polls: ['SUCCEEDED'],
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 't2' });
    expect(calls.creates).toBe(3);
    // Two waits of the hinted 90 s, capped at 120 s: at least 180 s of (skipped) workflow time.
    expect((await ts.env.currentTimeMs()) - started).toBeGreaterThanOrEqual(180_000);
  });

  it('a request validation refuses stops the job, naming the field, before anything is paid', async () => {
    const { record, calls } = await runJob({
      invalid: new InvalidRequestError([
        { field: 'input.media.0.url', message: 'each side must be at least 240 px', value: '200x200' },
      ]),
      creates: [],
      polls: [],
    });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'invalid_input' } });
    expect(record.failure!.message).toContain('input.media.0.url');
    expect(calls).toMatchObject({ submits: 0, creates: 0 });
  });

  it('a final refusal stops at once, with its cause', async () => {
    const { record, calls } = await runJob({
      creates: [
        new RequestRejectedError('content_policy', 'DataInspectionFailed: no', {
          code: 'DataInspectionFailed',
        }),
      ],
      polls: [],
    });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'content_policy' } });
    expect(calls.creates).toBe(1);
  });

  it('a lost answer is reconciled and the found task adopted; nothing is resent', async () => {
    const { record, calls } = await runJob({
      creates: [ambiguous()],
      finds: [{ kind: 'adopted', taskId: 'found' }],
      polls: ['SUCCEEDED'],
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 'found', taskAdopted: true });
    expect(calls).toMatchObject({ creates: 1, finds: 1 });
  });

  it('a lost answer that made nothing is sent again', async () => {
    const { record, calls } = await runJob({
      creates: [ambiguous(), 'second'],
      finds: [{ kind: 'none', listed: 3 }],
      polls: ['SUCCEEDED'],
    });
    expect(record).toMatchObject({ status: 'stored', taskId: 'second' });
    expect(record.taskAdopted).toBeFalsy();
    expect(calls).toMatchObject({ creates: 2, finds: 1 });
  });

  it.each([
    [
      'the list cannot settle it',
      { kind: 'ambiguous', reason: '2 unclaimed tasks match', candidates: ['x', 'y'] } as FindSubmittedResult,
      /x, y/,
    ],
    ['the route keeps no list', { kind: 'unsupported' } as FindSubmittedResult, /keeps no task list/],
  ])('a lost answer stops the job when %s, and nothing is resent', async (_, found, message) => {
    const { record, calls } = await runJob({ creates: [ambiguous()], finds: [found], polls: [] });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'ambiguous_submit' } });
    expect(record.failure!.message).toMatch(message);
    expect(calls).toMatchObject({ creates: 1, polls: 0 });
  });
});

describe('poll and give-up', () => {
  it('an unrecognised status is polled through', async () => {
    const { record } = await runJob({ creates: ['t'], polls: ['RUNNING', 'UNRECOGNIZED', 'SUCCEEDED'] });
    expect(record.status).toBe('stored');
  });

  it('UNKNOWN ends the job expired, not failed or stored', async () => {
    const { record, calls } = await runJob({ creates: ['t'], polls: ['UNKNOWN'] });
    expect(record).toMatchObject({ status: 'expired', failure: { cause: 'expired' } });
    expect(calls.persists).toBe(0);
  });

  it('a task still PENDING at the give-up time (3.5 h) is canceled and not billed', async () => {
    const { record, calls } = await runJob({ creates: ['t'], polls: ['PENDING'] });
    expect(record).toMatchObject({ status: 'failed', failure: { cause: 'timeout' } });
    expect(record.failure!.message).toMatch(/PENDING after 210 min and was canceled/);
    expect(calls.cancels).toBe(1);
  });

  it('a give-up cancel refused (the task turned RUNNING meanwhile) is collected and stored, not booked free (finding 2)', async () => {
    const { record, calls } = await runJob({
      creates: ['t'],
      polls: ['PENDING'],
      cancelRefusal: new RequestRejectedError(
        'bad_input',
        'UnsupportedOperation: Failed to cancel the task, please confirm if the task is in PENDING status.',
        { httpStatus: 400, code: 'UnsupportedOperation' },
      ),
      afterCancel: ['RUNNING', 'RUNNING', 'SUCCEEDED'],
    });
    expect(record).toMatchObject({ status: 'stored', overdue: true, providerStatus: 'SUCCEEDED' });
    expect(record.failure).toBeUndefined();
    expect(calls).toMatchObject({ cancels: 1, persists: 1 });
  });

  it('a task still RUNNING at the give-up time is kept and collected when it ends', async () => {
    // 3.5 h at the 30 s ceiling is ~420 polls; then every 5 min. SUCCEEDED comes at poll 440.
    const polls: ObservedStatus[] = [...Array(440).fill('RUNNING'), 'SUCCEEDED'];
    const { record, calls } = await runJob({ creates: ['t'], polls });
    expect(record).toMatchObject({ status: 'stored', overdue: true });
    expect(calls.cancels).toBe(0);
  });
});

describe('persist', () => {
  it('a paid task’s download is retried through transient failures for as long as its URL lives', async () => {
    const outage = Array.from(
      { length: 8 },
      () => new TransientProviderError('HTTP 503', { httpStatus: 503 }),
    );
    const { record, calls } = await runJob({ creates: ['t'], polls: ['SUCCEEDED'], persistFailures: outage });
    expect(record.status).toBe('stored');
    expect(calls.persists).toBe(9);
  });

  it('an expired result URL ends the job expired, not retried', async () => {
    const { record, calls } = await runJob({
      creates: ['t'],
      polls: ['SUCCEEDED'],
      persistFailures: [new ResultExpiredError('the result URL of task t expired')],
    });
    expect(record).toMatchObject({ status: 'expired', providerStatus: 'SUCCEEDED' });
    expect(calls.persists).toBe(1);
  });
});

describe('cancel', () => {
  // Two polls answer (the first comes at 63 s of workflow time), then the job is canceled.
  const cancelAfterPolls = cancelBetweenPolls(ts, 2);

  it('a PENDING task is canceled at the provider: canceled, nothing stored', async () => {
    const { record, calls } = await runJob({ creates: ['t'], polls: ['PENDING'] }, cancelAfterPolls);
    expect(record).toMatchObject({ status: 'canceled', providerStatus: 'CANCELED' });
    expect(calls).toMatchObject({ cancels: 1, persists: 0 });
  });

  it('a RUNNING task is paid anyway: collected, stored and marked kept', async () => {
    const polls: ObservedStatus[] = [...Array(30).fill('RUNNING'), 'SUCCEEDED'];
    const { record, calls } = await runJob({ creates: ['t'], polls }, cancelAfterPolls);
    expect(record).toMatchObject({ status: 'stored', keptAfterCancel: true });
    expect(calls).toMatchObject({ cancels: 0, persists: 1 });
  });

  it('a cancel while the daily budget reservation is made: nothing is created, and the reservation is settled at nothing (finding 8)', async () => {
    const estimate = oneYuan;
    const spend = { ledger: 'wanflow-spend/test', cap: 10, currency: 'CNY', recheckMs: 60_000 };
    let workflowId = '';
    let reserving: () => void = () => undefined;
    const reserveAsked = new Promise<void>((r) => (reserving = r));
    const { record, calls } = await runJob(
      { creates: ['t'], polls: ['SUCCEEDED'], estimate, spend, reserveDelayMs: 1500, reserving },
      async (id) => {
        workflowId = id;
        // The reservation is in flight (its ledger admits it 1.5 s later) when the cancel comes.
        await reserveAsked;
        await ts.env.client.workflow.getHandle(id).cancel();
      },
    );
    expect(record.status).toBe('canceled');
    expect(calls.creates).toBe(0);
    const events = (await ts.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const settles = events.flatMap((e) => {
      const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
      if (a?.signalName !== 'settleSpend') return [];
      const data = a.input?.payloads?.[0]?.data;
      return [
        {
          to: a.workflowExecution?.workflowId,
          body: JSON.parse(Buffer.from(data!).toString('utf8')) as unknown,
        },
      ];
    });
    expect(settles).toEqual([
      { to: 'wanflow-spend/test/today', body: expect.objectContaining({ billed: 0 }) },
    ]);
  });

  it('a cancel during the backoff between refusals ends the job with nothing paid', async () => {
    const { record, calls } = await runJob({ creates: [throttled(), 'never'], polls: [] }, async (id) => {
      // The first create is refused at once; the backoff (≥ 90 s of workflow time) is where the cancel lands.
      await new Promise((r) => setTimeout(r, 500));
      await ts.env.client.workflow.getHandle(id).cancel();
    });
    expect(record).toMatchObject({ status: 'canceled' });
    expect(record.failure!.message).toMatch(/nothing was paid/);
    expect(calls.creates).toBe(1);
  });
});

describe('a task the account watcher follows', () => {
  // The live policy: a 720P 5 s task is expected to take 105 s.
  it('without a notice, the job queries only on its safety timer: twice the expected time, then doubling', async () => {
    const started = await ts.env.currentTimeMs();
    const { record, calls } = await runJob({
      creates: ['t1'],
      watched: true,
      polls: ['RUNNING', 'SUCCEEDED'],
    });
    expect(record).toMatchObject({ status: 'stored', taskWatched: true, polls: 2 });
    expect(calls.polls).toBe(2);
    expect((await ts.env.currentTimeMs()) - started).toBeGreaterThanOrEqual(210_000 + 420_000);
  });

  it('a notice naming its task wakes it at once; one naming another task does not', async () => {
    const { record, calls } = await runJob(
      { creates: ['t1'], watched: true, polls: ['SUCCEEDED'] },
      async (workflowId) => {
        const handle = ts.env.client.workflow.getHandle(workflowId);
        // Time stands still until the result is awaited: wait for the job to reach its wait.
        while ((await handle.query(jobStateQuery)).status !== 'submitted')
          await new Promise((r) => setTimeout(r, 50));
        await handle.signal(taskNoticeSignal, { route: 'modelstudio', requestId: '', taskId: 'another' });
        await handle.signal(taskNoticeSignal, { route: 'modelstudio', requestId: '', taskId: 't1' });
      },
    );
    expect(record).toMatchObject({ status: 'stored', notices: 1, polls: 1 });
    expect(calls.polls).toBe(1);
    expect(waited(record)).toBeLessThan(210_000);
  });
});

/** Workflow time from the task's submit to its output stored. */
const waited = (r: JobRecord) => Date.parse(r.timestamps.stored!) - Date.parse(r.timestamps.submitted!);
