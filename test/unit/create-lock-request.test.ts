// Taking a create lock from the activity: started already held where nobody holds it (granted at once),
// queued where a look-alike holds it (granted later by a signal) — and, the case found by reading, a
// retried activity whose first attempt started the lock held by this very request: the lock would take
// its acquire as known and never grant it again, so the retry asks the lock and answers granted.
import { describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { requestCreateLock } from '../../src/activities/claims';
import type { LockState } from '../../src/coordination/create-lock';

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
});
