// Stubbed activities for the time-skipping workflow tests: a script says what each create, reconcile and
// poll answers; the stubs count their calls. Typed from the activity factory (ActivityStubs).
import { toFailure } from '../../src/activities/failures';
import type { ValidatedJob } from '../../src/activities/validate';
import type { JobSpend } from '../../src/activities/spend';
import type { FindSubmittedResult } from '../../src/activities/reconcile';
import { lockGrantedSignal } from '../../src/workflows/claims';
import { DEFAULT_JOB_OPTIONS } from '../../src/config/policy';
import { planWork } from '../../src/wan/billing';
import { parseWanRequest } from '../../src/wan/validation';
import type { ObservedStatus } from '../../src/wan/tasks';
import type { CostFigure } from '../../src/wan/pricing';
import type { ActivityStubs, SkippingEnv } from './time-skipping';

export const request = parseWanRequest({
  model: 'wan2.7-t2v',
  input: { prompt: 'a fox' },
  parameters: { resolution: '720P', duration: 5 },
});

/** A price of 1 CNY (5 s at 0.2): what budget tests reserve and bill. */
export const oneYuan: CostFigure = {
  amount: 1,
  currency: 'CNY',
  unit: 'second',
  perUnit: 0.2,
  quantity: 5,
  source: 'test',
};

export interface Script {
  /** One entry per create: a task ID, or an error it throws. */
  creates: (string | Error)[];
  /** One entry per reconcile. */
  finds?: FindSubmittedResult[];
  /** Statuses the polls see, in order; the last repeats. */
  polls: ObservedStatus[];
  createLock?: string;
  /** How the lock is taken: at once (free), by a grant signal after queueing, or by a signal from a lock
   * an older worker answered nothing for. */
  lockTaken?: 'at once' | 'by signal' | 'by signal, no answer';
  /** What validation refuses (the job then stops before anything is paid). */
  invalid?: Error;
  /** The create whose answer was lost had handed its lock on: the lock answers `spent` to its token. */
  lockSpent?: boolean;
  /** Errors the first downloads throw, in order; then the download succeeds. */
  persistFailures?: Error[];
  /** The account's task watcher runs: the submit says so, and the job polls only as a safeguard. */
  watched?: boolean;
  /** What validateJob estimates (the job then bills it when its task reports usage). */
  estimate?: CostFigure;
  /** Cancels are refused with this (400 UnsupportedOperation: the task turned RUNNING meanwhile). */
  cancelRefusal?: Error;
  /** What the polls see once a cancel was asked for (the task the refused cancel left running). */
  afterCancel?: ObservedStatus[];
  /** What the pipeline's check of stored-input routes throws (absent: every route can take them). */
  storedInputsRefusal?: Error;
  /** The account's daily budget (validateJob says so); the ledger answers `admit` after `reserveDelayMs`. */
  spend?: JobSpend;
  reserveDelayMs?: number;
  /** Told when a reservation is asked for (the test can then act while it is in flight). */
  reserving?: () => void;
  /** What validateJob says of stored inputs to publish (absent: as older workers, which do not say). */
  publishes?: boolean;
}

export interface Calls {
  creates: number;
  finds: number;
  polls: number;
  cancels: number;
  persists: number;
  /** Times the create lock was asked for, by the create's activity or by an activity of its own. */
  locks: number;
  /** The lock's own activity (requestCreateLock): whether each call said the token was asked for before. */
  lockActivities: { askedBefore: boolean }[];
  /** submitTask's calls, creates or not (a create whose lock was held sends nothing). */
  submits: number;
  publishes: number;
  /** Polls made before the first cancel. */
  pollsAtCancel: number;
}

export function stubs(ts: SkippingEnv, s: Script, calls: Calls): ActivityStubs {
  const fail = (e: Error) => {
    throw toFailure(e);
  };
  // Queued: the lock workflow grants it by a signal (here at once, as a lock whose holder released).
  const grant = (ask: { requester: string; token: string }) =>
    ts.env.client.workflow.getHandle(ask.requester).signal(lockGrantedSignal, { token: ask.token });
  return {
    validateJob: async (): Promise<ValidatedJob> =>
      s.invalid
        ? fail(s.invalid)
        : {
            request,
            recordedRequest: request,
            mediaRoles: [],
            sourceAssets: [],
            plan: planWork(request, 0),
            policy: DEFAULT_JOB_OPTIONS,
            createLock: s.createLock,
            estimate: s.estimate,
            ...(s.spend ? { spend: s.spend } : {}),
            ...(s.publishes !== undefined ? { publishes: s.publishes } : {}),
          },
    reserveSpend: async (input) => {
      s.reserving?.();
      await new Promise((r) => setTimeout(r, s.reserveDelayMs ?? 0));
      return {
        decision: 'admit',
        ledgerId: `${input.spend.ledger}/today`,
        spent: 0,
        reserved: input.amount,
        cap: input.spend.cap,
        currency: input.currency,
      };
    },
    checkStoredInputRoutes: async () => {
      if (s.storedInputsRefusal) fail(s.storedInputsRefusal);
    },
    publishInputs: async () => {
      calls.publishes += 1;
      return { request };
    },
    requestCreateLock: async (input) => {
      calls.lockActivities.push({ askedBefore: input.askedBefore === true });
      // Asked again after a create that carried it: the lock answers from its state (granted at once here,
      // or, `lockSpent`, the lost create had handed it on: ask again with a new token).
      if (input.askedBefore && s.lockSpent) return { granted: false, spent: true };
      if (input.askedBefore && calls.locks) return { granted: true };
      calls.locks += 1;
      const taken = s.lockTaken ?? 'at once';
      if (taken === 'at once') return { granted: true };
      await grant(input);
      return (taken === 'by signal' ? { granted: false } : undefined) as unknown as { granted: boolean };
    },
    submitTask: async (input) => {
      calls.submits += 1;
      // The create carries its lock (workers since 0.1.0): free, it is taken here; held by a look-alike,
      // nothing is sent (the grant follows); 'by signal, no answer': it could not be asked for here.
      if (input.lock && !input.lock.held) {
        const taken = s.lockTaken ?? 'at once';
        if (taken === 'by signal, no answer') return { lock: 'unasked' as const };
        calls.locks += 1;
        if (taken === 'by signal') {
          await grant(input.lock);
          return { lock: 'queued' as const };
        }
      }
      const next = s.creates[calls.creates++];
      if (next === undefined) throw new Error('more creates than scripted');
      return typeof next === 'string'
        ? {
            taskId: next,
            ...(s.watched ? { watched: true } : {}),
            ...(input.lock ? { lockReleased: true } : {}),
          }
        : fail(next);
    },
    findSubmittedTask: async () => {
      const found = s.finds?.[calls.finds++];
      if (!found) throw new Error('more reconciles than scripted');
      return found;
    },
    pollTask: async (ref) => {
      const n = calls.polls++;
      const after = calls.cancels && s.afterCancel ? s.afterCancel : undefined;
      const polls = after ?? s.polls;
      const i = after ? n - calls.pollsAtCancel : n;
      return { taskId: ref.taskId, status: polls[Math.min(i, polls.length - 1)]! };
    },
    cancelTask: async () => {
      calls.cancels += 1;
      calls.pollsAtCancel = calls.polls;
      if (s.cancelRefusal) fail(s.cancelRefusal);
    },
    persistOutput: async (input) => {
      const failure = s.persistFailures?.[calls.persists];
      calls.persists += 1;
      if (failure) fail(failure);
      return [
        {
          key: `jobs/${input.jobId}/output.mp4`,
          sizeBytes: 1,
          sha256: 'x',
          contentType: 'video/mp4',
          location: 'x',
        },
      ];
    },
    recordJob: async (record) => ({
      key: `jobs/${record.jobId}/manifest.json`,
      sizeBytes: 1,
      sha256: 'x',
      contentType: 'application/json',
      location: 'x',
    }),
    recordPipeline: async (record) => ({
      key: `pipelines/${record.pipelineId}/manifest.json`,
      sizeBytes: 1,
      sha256: 'x',
      contentType: 'application/json',
      location: 'x',
    }),
  };
}

/**
 * Cancels a polling workflow once `polls` polls have answered, while it waits for the next one: never as a
 * poll completes. The time-skipping server loses the workflow task that cancels an activity completing at
 * that moment (temporalio/sdk-typescript#1058), and time then stops skipping for the rest of the file.
 * Time moves only in these sleeps, so once a poll has answered the job's next one is a timer away.
 */
export function cancelBetweenPolls(ts: SkippingEnv, polls: number) {
  return async (workflowId: string, calls: Calls): Promise<void> => {
    while (calls.polls < polls) await ts.env.sleep(5_000);
    await new Promise((r) => setTimeout(r, 300));
    await ts.env.client.workflow.getHandle(workflowId).cancel();
  };
}

export const noCalls = (): Calls => ({
  creates: 0,
  finds: 0,
  polls: 0,
  cancels: 0,
  persists: 0,
  locks: 0,
  lockActivities: [],
  submits: 0,
  publishes: 0,
  pollsAtCancel: 0,
});
