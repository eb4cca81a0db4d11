// The create lock (src/coordination/create-lock.ts) under generated schedules: requests arrive, holders
// release, waiters leave, requesters are terminated (a holder then never releases: its lease moves the lock
// on), grants reach their requester late or not at all, the state crosses continue-as-new, time passes. A
// live holder finishes its create within its lease (the lease is far above a create and its reconcile:
// that is the assumption the lock rests on). After every step: no two live jobs hold the lock at once,
// nothing is granted to a request that left or twice, no transition throws; at the end of a fair
// schedule every waiter was granted or left and the lock is idle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyLockEvent,
  decideLock,
  lockIdle,
  type LockEvent,
  type LockState,
} from '../../src/coordination/create-lock';
import { check, simulationParameters, simulationTimeout } from './schedules';

type Command =
  | { c: 'acquire'; lease: number }
  | { c: 'release' }
  | { c: 'withdraw'; pick: number }
  | { c: 'terminate'; pick: number }
  | { c: 'deliver'; pick: number }
  | { c: 'decide' }
  | { c: 'advance'; ms: number }
  | { c: 'continueAsNew' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ c: fc.constant('acquire' as const), lease: fc.constantFrom(1000, 5000) }),
  },
  { weight: 3, arbitrary: fc.constant({ c: 'release' as const }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('withdraw' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('terminate' as const), pick: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('deliver' as const), pick: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.constant({ c: 'decide' as const }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('advance' as const), ms: fc.nat(3000) }) },
  { weight: 1, arbitrary: fc.constant({ c: 'continueAsNew' as const }) },
);

class World {
  state: LockState = { waiting: [] };
  now = 0;
  wakeAt: number | undefined;
  n = 0;
  closed = new Set<string>();
  released = new Set<string>();
  granted = new Set<string>();
  pending: { requester: string; token: string }[] = [];
  /** Live jobs that were told they hold the lock, with when their lease ends. */
  holding = new Map<string, { requester: string; until: number }>();
  leases = new Map<string, number>();
  log: unknown[] = [];

  event(e: LockEvent): void {
    this.log.push(e);
    this.state = applyLockEvent(this.state, e);
  }

  decide(): void {
    const d = decideLock(this.state, this.now);
    this.state = d.state;
    this.wakeAt = d.wakeAt;
    if (!d.grant) return;
    this.log.push({ grant: d.grant.token, at: this.now });
    check(!this.granted.has(d.grant.token), 'nothing is granted twice', () => this.log);
    check(!this.released.has(d.grant.token), 'a request that left is never granted', () => this.log);
    this.granted.add(d.grant.token);
    this.pending.push(d.grant);
  }

  invariants(): void {
    const live = [...this.holding.entries()].filter(([, h]) => !this.closed.has(h.requester));
    check(live.length <= 1, 'no two live jobs hold the lock at once', () => this.log);
  }

  run(cmd: Command): void {
    this.log.push(cmd);
    switch (cmd.c) {
      case 'acquire': {
        const k = this.n++;
        this.leases.set(`t${k}`, cmd.lease);
        this.event({ kind: 'acquire', request: { requester: `r${k}`, token: `t${k}`, leaseMs: cmd.lease } });
        break;
      }
      case 'release': {
        const [token, h] = [...this.holding.entries()].find(([, h]) => !this.closed.has(h.requester)) ?? [];
        if (!token) break;
        this.holding.delete(token);
        this.released.add(token);
        this.closed.add(h!.requester);
        this.event({ kind: 'release', token });
        break;
      }
      case 'withdraw': {
        const waiting = this.state.waiting.filter((w) => !this.closed.has(w.requester));
        if (!waiting.length) break;
        const w = waiting[cmd.pick % waiting.length]!;
        this.released.add(w.token);
        this.closed.add(w.requester);
        this.event({ kind: 'release', token: w.token });
        break;
      }
      case 'terminate': {
        const all = [...this.state.waiting, ...(this.state.holder ? [this.state.holder] : [])].filter(
          (r) => !this.closed.has(r.requester),
        );
        if (all.length) this.closed.add(all[cmd.pick % all.length]!.requester);
        break;
      }
      case 'deliver': {
        if (!this.pending.length) break;
        const [g] = this.pending.splice(cmd.pick % this.pending.length, 1);
        if (this.closed.has(g!.requester)) this.event({ kind: 'grantFailed', token: g!.token });
        // A lease counts from the grant's decision: the job holds for what is left of it.
        else if (this.state.holder?.token === g!.token)
          this.holding.set(g!.token, {
            requester: g!.requester,
            until: this.state.holder.grantedAt + this.leases.get(g!.token)!,
          });
        break;
      }
      case 'decide':
        this.decide();
        break;
      case 'advance': {
        const to = this.now + cmd.ms;
        // A live holder finishes its create within its lease (the assumption), so it releases first.
        for (const [token, h] of [...this.holding.entries()])
          if (!this.closed.has(h.requester) && h.until <= to) {
            this.holding.delete(token);
            this.released.add(token);
            this.closed.add(h.requester);
            this.event({ kind: 'release', token });
          }
        this.now = to;
        if (this.wakeAt !== undefined && this.now >= this.wakeAt) this.decide();
        break;
      }
      case 'continueAsNew':
        if (this.pending.length) break;
        this.state = JSON.parse(JSON.stringify(this.state)) as LockState;
        break;
    }
    this.invariants();
  }

  drain(): void {
    for (let round = 0; round < 200 && !(lockIdle(this.state) && !this.pending.length); round++) {
      while (this.pending.length) this.run({ c: 'deliver', pick: 0 });
      this.run({ c: 'release' });
      this.run({ c: 'advance', ms: 5000 });
      this.run({ c: 'decide' });
    }
    check(lockIdle(this.state) && !this.pending.length, 'every waiter is granted or leaves', () => ({
      state: this.state,
      log: this.log,
    }));
  }
}

describe('the create lock under generated schedules', () => {
  it(
    'is held by one live job at a time, and every waiter is served',
    () => {
      fc.assert(
        fc.property(fc.array(command, { maxLength: 80 }), (commands) => {
          const world = new World();
          for (const cmd of commands) world.run(cmd);
          world.drain();
        }),
        simulationParameters('create lock'),
      );
    },
    simulationTimeout(),
  );

  it('a holder terminated while holding loses the lock when its lease runs out', () => {
    let s: LockState = { waiting: [] };
    for (const n of [1, 2])
      s = applyLockEvent(s, {
        kind: 'acquire',
        request: { requester: `r${n}`, token: `t${n}`, leaseMs: 600_000 },
      });
    const first = decideLock(s, 0);
    expect(first.grant?.token).toBe('t1');
    expect(first.wakeAt).toBe(600_000);
    expect(decideLock(first.state, 599_999).grant).toBeUndefined();
    expect(decideLock(first.state, 600_000).grant?.token).toBe('t2');
  });
});
