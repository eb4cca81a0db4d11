// Taking a create lock from the activity: started already held where nobody holds it (granted at once),
// queued where a look-alike holds it (granted later by a signal) — and, the case found by reading, a
// retried activity whose first attempt started the lock held by this very request: the lock would take
// its acquire as known and never grant it again, so the retry asks the lock and answers granted. Then the
// lock carried by the create itself (submitUnderLock): taken, created, handed on in one activity.
import { describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { requestCreateLock } from '../../src/activities/claims';
import type { LockState } from '../../src/coordination/create-lock';
import { MockActivityEnvironment } from '@temporalio/testing';
import { submitUnderLock, type LockOps, type SubmitInput } from '../../src/activities/submit';
import type { ActivityDeps } from '../../src/activities/deps';
import type { TaskClaims } from '../../src/activities/claims';
import { parseVideoRequest } from '../../src/wan/validation';

const input = { lockId: 'wanflow-create-lock/x', requester: 'wanflow-job-a', token: 't-a', leaseMs: 60_000 };

/** A client whose lock is already running with `state` (undefined: no lock runs), recording its calls. */
function fakeClient(state: LockState | undefined) {
  const calls: string[] = [];
  const client = {
    workflow: {
      start: async (_type: string, o: { args: [LockState] }) => {
        calls.push('start');
        if (state) throw new WorkflowExecutionAlreadyStartedError('running', input.lockId, 'wanCreateLock');
        state = o.args[0];
      },
      signalWithStart: async () => void calls.push('signalWithStart'),
      getHandle: () => ({
        query: async () => {
          calls.push('query');
          return state;
        },
      }),
    },
  } as unknown as Client;
  return { client, calls, state: () => state };
}

describe('requestCreateLock', () => {
  it('starts a lock nobody holds already held by the request: granted at once', async () => {
    const f = fakeClient(undefined);
    expect(await requestCreateLock(input, f.client, 'q', 1)).toEqual({ granted: true });
    expect(f.calls).toEqual(['start']);
    expect(f.state()?.holder?.token).toBe('t-a');
  });

  it('joins the queue of a lock a look-alike holds: granted later, by a signal', async () => {
    const f = fakeClient({ waiting: [], holder: { ...input, token: 't-b', grantedAt: 0 } });
    expect(await requestCreateLock(input, f.client, 'q', 1)).toEqual({ granted: false });
    expect(f.calls).toEqual(['start', 'signalWithStart']);
  });

  it('a retry whose first attempt started the lock held by this request answers granted, without queueing', async () => {
    const f = fakeClient({ waiting: [], holder: { ...input, grantedAt: 0 } });
    expect(await requestCreateLock(input, f.client, 'q', 2)).toEqual({ granted: true });
    expect(f.calls).toEqual(['start', 'query']);
    // A retry while another request holds it queues as any request does.
    const g = fakeClient({ waiting: [], holder: { ...input, token: 't-b', grantedAt: 0 } });
    expect(await requestCreateLock(input, g.client, 'q', 2)).toEqual({ granted: false });
    expect(g.calls).toEqual(['start', 'query', 'signalWithStart']);
  });

  it('asked again after a create that carried it lost its answer: read first, as a retry is', async () => {
    const f = fakeClient({ waiting: [], holder: { ...input, grantedAt: 0 } });
    expect(await requestCreateLock({ ...input, askedBefore: true }, f.client, 'q', 1)).toEqual({
      granted: true,
    });
    expect(f.calls).toEqual(['start', 'query']);
    // That create had handed the lock on before its answer was lost: the lock would ignore this token's
    // acquire (released tokens are not queued again), so the answer says to ask with a new one.
    const h = fakeClient({
      waiting: [],
      holder: { ...input, token: 't-b', grantedAt: 0 },
      released: ['t-a'],
    });
    expect(await requestCreateLock({ ...input, askedBefore: true }, h.client, 'q', 1)).toEqual({
      granted: false,
      spent: true,
    });
    expect(h.calls).toEqual(['start', 'query']);
    // The flag is the asker's, not the lock's: it is never kept in the lock's state.
    const g = fakeClient(undefined);
    await requestCreateLock({ ...input, askedBefore: true }, g.client, 'q', 1);
    expect(g.state()?.holder).not.toHaveProperty('askedBefore');
  });
});

describe('submitUnderLock: the create lock carried by the create', () => {
  const request = parseVideoRequest({
    model: 'wan2.7-t2v',
    input: { prompt: 'a look-alike' },
    parameters: { resolution: '720P', duration: 5 },
  });
  const ask = { lockId: 'wanflow-create-lock/y', requester: 'wanflow-job-b', token: 't-b', leaseMs: 60_000 };

  /** A provider that counts creates, claims that always succeed, and lock operations as told. */
  function harness(lock: { request?: 'granted' | 'queued' | 'throws'; release?: 'ok' | 'throws' }) {
    const seen = { creates: 0, requests: 0, releases: 0 };
    const deps = {
      provider: () => ({
        createTask: async () => ({ taskId: `task-${++seen.creates}` }),
      }),
      store: { kind: 'fs' },
      policy: () => ({}),
    } as unknown as ActivityDeps;
    const claims: TaskClaims = { claim: async (_t, owner) => owner, ownerOf: async () => undefined };
    const locks: LockOps = {
      request: async () => {
        seen.requests += 1;
        if (lock.request === 'throws') throw new Error('Temporal unreachable');
        return { granted: lock.request !== 'queued' };
      },
      release: async () => {
        seen.releases += 1;
        if (lock.release === 'throws') throw new Error('Temporal unreachable');
      },
    };
    const submit = (input: SubmitInput) =>
      new MockActivityEnvironment().run(() => submitUnderLock(deps, claims, input, locks));
    return { seen, submit };
  }
  const base: SubmitInput = { route: 'modelstudio', region: 'cn-beijing', request };

  it('a free lock is taken, the task created and claimed, and the lock handed on: one activity', async () => {
    const h = harness({ request: 'granted' });
    expect(await h.submit({ ...base, lock: ask })).toEqual({ taskId: 'task-1', lockReleased: true });
    expect(h.seen).toEqual({ creates: 1, requests: 1, releases: 1 });
  });

  it('a lock a look-alike holds: nothing is sent, the grant is waited for by the workflow', async () => {
    const h = harness({ request: 'queued' });
    expect(await h.submit({ ...base, lock: ask })).toEqual({ lock: 'queued' });
    expect(h.seen).toEqual({ creates: 0, requests: 1, releases: 0 });
  });

  it('a lock that cannot be asked for: nothing is sent, the workflow asks through its own activity', async () => {
    const h = harness({ request: 'throws' });
    expect(await h.submit({ ...base, lock: ask })).toEqual({ lock: 'unasked' });
    expect(h.seen.creates).toBe(0);
  });

  it('a lock already held is not asked for again; a failed hand-on never fails the paid create', async () => {
    const h = harness({ release: 'throws' });
    expect(await h.submit({ ...base, lock: { ...ask, held: true } })).toEqual({ taskId: 'task-1' });
    expect(h.seen).toEqual({ creates: 1, requests: 0, releases: 1 });
  });

  it('without a lock, a create is just a create', async () => {
    const h = harness({});
    expect(await h.submit(base)).toEqual({ taskId: 'task-1' });
    expect(h.seen).toEqual({ creates: 1, requests: 0, releases: 0 });
  });
});
