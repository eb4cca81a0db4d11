// The create lock workflow is a thin shell: a sample of generated schedules of requests (from running
// requesters, and from ones that never ran: their grant fails and the lock moves on) and releases (of the
// holder and of waiters) runs against the real `wanCreateLock` on the time-skipping server and against the
// pure core (src/coordination/create-lock.ts); after every step the lock's holder and queue are the core's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyLockEvent,
  decideLock,
  type LockEvent,
  type LockState,
} from '../../src/coordination/create-lock';
import { createLockQuery } from '../../src/workflows/claims';
import { useTimeSkipping } from '../harness/time-skipping';
import { simulationParameters } from '../coordination/schedules';

const ts = useTimeSkipping();

type Step = { c: 'acquire'; started: boolean } | { c: 'release'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ c: fc.constant('acquire' as const), started: fc.constantFrom(true, true, false) }),
  },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('release' as const), pick: fc.nat(10) }) },
);

const SAMPLE = Number(process.env.WANFLOW_SHELL_SAMPLE ?? 12);
// Far above the schedule's length: leases do not run out here (the core's simulation covers them).
const LEASE_MS = 3_600_000;

const view = (s: LockState) => ({ holder: s.holder?.token, waiting: s.waiting.map((w) => w.token) });

describe('the create lock workflow equals its core', () => {
  it(`on a sample of ${SAMPLE} generated schedules`, async () => {
    const { seed } = simulationParameters('create lock shell = core (time-skipping)', SAMPLE);
    const schedules = fc.sample(fc.array(step, { minLength: 3, maxLength: 12 }), { numRuns: SAMPLE, seed });
    await ts.withWorker('lock-equivalence', {}, async () => {
      for (const [i, schedule] of schedules.entries()) {
        const lockId = `wanflow-create-lock/equivalence/${i}`;
        const lock = ts.env.client.workflow.getHandle(lockId);
        const started = new Set<string>();
        let core: LockState = { waiting: [] };
        // The core steps as the shell does: the event, a decision, and a failed grant moving on at once.
        const apply = (event: LockEvent) => {
          core = applyLockEvent(core, event);
          for (;;) {
            const d = decideLock(core, 0);
            core = d.state;
            if (!d.grant || started.has(d.grant.requester)) return;
            core = applyLockEvent(core, { kind: 'grantFailed', token: d.grant.token });
          }
        };
        for (const [n, s] of schedule.entries()) {
          if (s.c === 'acquire') {
            const requester = `lock-eq-${i}-${n}`;
            if (s.started) {
              await ts.env.client.workflow.start('nobodyServesThis', {
                workflowId: requester,
                taskQueue: 'lock-equivalence-nobody',
              });
              started.add(requester);
            }
            const request = { requester, token: `token-${requester}`, leaseMs: LEASE_MS };
            apply({ kind: 'acquire', request });
            // As requestCreateLock does: the lock starts with the request, or takes it if running.
            await ts.env.client.workflow.signalWithStart('wanCreateLock', {
              workflowId: lockId,
              taskQueue: 'lock-equivalence',
              args: [[]],
              signal: 'acquireCreateLock',
              signalArgs: [request],
            });
          } else {
            const among = [...(core.holder ? [core.holder] : []), ...core.waiting];
            if (!among.length) continue;
            const token = among[s.pick % among.length]!.token;
            apply({ kind: 'release', token });
            await lock.signal('releaseCreateLock', { token });
          }
          const expected = view(core);
          if (!expected.holder && !expected.waiting.length) {
            await lock.result(); // idle: the lock ends
            continue;
          }
          await expect.poll(async () => view(await lock.query(createLockQuery))).toEqual(expected);
        }
        const left = [...(core.holder ? [core.holder] : []), ...core.waiting];
        for (const r of left) await lock.signal('releaseCreateLock', { token: r.token });
        if (left.length) await lock.result();
      }
    });
  }, 300_000);
});
