// The account slot state machine (src/coordination/slots.ts) under generated schedules: requests arrive
// with priorities, groups and create locks; holders release, settle, are throttled or terminated; waiters
// leave at any moment (inside a rate window too); grants reach their requester late or not at all; the
// watcher's foreign count comes and lapses; holder checks answer late or fail; the capacity and rate are
// reconfigured; the state crosses continue-as-new (JSON) at any quiet point; time passes. After every step:
// no transition throws, grants stay within the effective limit and the submit rate, no create lock is held
// twice, no withdrawn or closed request is granted, nothing is granted twice, a state that could grant
// either grants or names when to look again. At the end, under a fair schedule (holders finish, time
// passes), every waiter has been granted or has left.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySlotEvent,
  decideSlots,
  effectiveLimit,
  nextGrantable,
  slotsIdle,
  type SlotEffect,
  type SlotEvent,
  type SlotState,
} from '../../src/coordination/slots';
import { check, simulationParameters, simulationTimeout } from './schedules';

type Command =
  | { c: 'acquire'; priority: number; group: number; lock: number; capacity: number; rate: number }
  | { c: 'release'; pick: number }
  | { c: 'withdraw'; pick: number }
  | { c: 'settle'; pick: number }
  | { c: 'throttle'; pick: number }
  | { c: 'terminate'; pick: number }
  | { c: 'foreign'; n: number }
  | { c: 'deliver'; pick: number }
  | { c: 'answerCheck'; fails: boolean }
  | { c: 'decide' }
  | { c: 'advance'; ms: number }
  | { c: 'continueAsNew' };

const pick = fc.nat(50);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      c: fc.constant('acquire' as const),
      priority: fc.constantFrom(0, 10),
      group: fc.nat(2),
      lock: fc.nat(3), // 0: no lock
      capacity: fc.constantFrom(1, 2, 3, 5),
      rate: fc.constantFrom(0, 0, 1, 2),
    }),
  },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('release' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('withdraw' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('settle' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('throttle' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('terminate' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('foreign' as const), n: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('deliver' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('answerCheck' as const), fails: fc.boolean() }) },
  { weight: 4, arbitrary: fc.constant({ c: 'decide' as const }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('advance' as const), ms: fc.nat(2500) }) },
  { weight: 1, arbitrary: fc.constant({ c: 'continueAsNew' as const }) },
);

const CHECK_EVERY_MS = 2000;

/** The world around the slot workflow: requesters, grants on their way, a check out, the clock. */
class World {
  state: SlotState = { capacity: 3, waiting: [], holders: [], reclaimed: 0, checkEveryMs: CHECK_EVERY_MS };
  now = 1_000_000;
  wakeAt: number | undefined;
  next = 0;
  /** Requesters whose workflows have closed (terminated, or left after a release). */
  closed = new Set<string>();
  /** Tokens withdrawn or released: never to be granted after. */
  released = new Set<string>();
  granted = new Set<string>();
  /** Holders that know of their grant (the signal arrived) and so can act on it. */
  informed = new Set<string>();
  pending: Extract<SlotEffect, { kind: 'grant' }>[] = [];
  checkOut: Extract<SlotEffect, { kind: 'check' }> | undefined;
  /** Grant instants with the rate in force, for the rate invariant. */
  grantTimes: number[] = [];
  log: unknown[] = [];

  event(e: SlotEvent): void {
    this.log.push(e);
    this.state = applySlotEvent(this.state, e, this.now);
    this.invariants();
  }

  decide(): void {
    const before = this.state;
    const d = decideSlots(before, this.now);
    this.state = d.state;
    this.wakeAt = d.wakeAt;
    const grants = d.effects.filter((e) => e.kind === 'grant');
    this.log.push({ decide: this.now, grants: grants.map((g) => g.token) });
    for (const g of grants) {
      check(!this.granted.has(g.token), 'nothing is granted twice', () => this.log);
      check(!this.released.has(g.token), 'a withdrawn request is never granted', () => this.log);
      this.granted.add(g.token);
      this.pending.push(g);
      this.grantTimes.push(this.now);
    }
    if (grants.length)
      check(
        this.state.holders.length <= effectiveLimit(this.state, this.now),
        'grants stay within the effective limit',
        () => ({ before, after: this.state, log: this.log }),
      );
    const rate = this.state.grantsPerSecond ?? 0;
    if (rate > 0)
      check(
        this.grantTimes.filter((t) => t > this.now - 1000).length <= rate ||
          // a rate lowered by configuration binds from now on; earlier grants were under the old one
          grants.length === 0,
        'grants stay within the submit rate',
        () => this.log,
      );
    for (const e of d.effects)
      if (e.kind === 'check') {
        check(!this.checkOut, 'one holder check at a time', () => this.log);
        this.checkOut = e;
      }
    // Never stuck: a request that may go now is granted, or the machine names when to look again.
    const room = this.state.holders.length < effectiveLimit(this.state, this.now);
    check(
      !(room && nextGrantable(this.state)) || d.wakeAt !== undefined,
      'a grantable request is granted or a wake-up is set',
      () => ({ state: this.state, log: this.log }),
    );
    this.invariants();
  }

  invariants(): void {
    const tokens = [...this.state.waiting, ...this.state.holders].map((r) => r.token);
    check(new Set(tokens).size === tokens.length, 'a token waits or holds once', () => this.log);
    const locks = this.state.holders.filter((h) => h.creating && h.lock).map((h) => h.lock);
    check(new Set(locks).size === locks.length, 'no create lock held twice', () => this.log);
    check(
      this.state.holders.every((h) => this.granted.has(h.token)),
      'holders were granted',
      () => this.log,
    );
    check(
      this.state.waiting.every((w) => !this.released.has(w.token)),
      'a withdrawn request does not wait',
      () => this.log,
    );
  }

  holderAt(i: number) {
    const live = this.state.holders.filter(
      (h) => this.informed.has(h.token) && !this.closed.has(h.requester),
    );
    return live.length ? live[i % live.length] : undefined;
  }

  run(cmd: Command): void {
    switch (cmd.c) {
      case 'acquire': {
        const n = this.next++;
        const request = {
          requester: `r${n}`,
          token: `t${n}`,
          capacity: cmd.capacity,
          grantsPerSecond: cmd.rate,
          priority: cmd.priority,
          group: `g${cmd.group}`,
          ...(cmd.lock ? { lock: `lock-${cmd.lock}` } : {}),
        };
        // A rate change binds from now: the window's earlier grants were made under the old figure.
        if ((this.state.grantsPerSecond ?? 0) !== cmd.rate) this.grantTimes = [];
        return this.event({ kind: 'acquire', request, checkEveryMs: CHECK_EVERY_MS });
      }
      case 'release': {
        const h = this.holderAt(cmd.pick);
        if (!h) return;
        this.released.add(h.token);
        this.closed.add(h.requester); // its job goes on to store and ends
        return this.event({ kind: 'release', token: h.token });
      }
      case 'withdraw': {
        // A job canceled while it waits (or between the grant and its arrival) gives its place back.
        const waiting = [
          ...this.state.waiting,
          ...this.pending.map((p) => ({ token: p.token, requester: p.requester })),
        ].filter((w) => !this.closed.has(w.requester));
        if (!waiting.length) return;
        const w = waiting[cmd.pick % waiting.length]!;
        this.released.add(w.token);
        this.closed.add(w.requester);
        return this.event({ kind: 'release', token: w.token });
      }
      case 'settle': {
        const h = this.holderAt(cmd.pick);
        if (h) this.event({ kind: 'settled', token: h.token });
        return;
      }
      case 'throttle': {
        const h = this.holderAt(cmd.pick);
        if (h) this.event({ kind: 'throttled', token: h.token });
        return;
      }
      case 'terminate': {
        // Terminated by hand: it never releases, settles or answers again.
        const all = [...this.state.waiting, ...this.state.holders].filter(
          (r) => !this.closed.has(r.requester),
        );
        if (all.length) this.closed.add(all[cmd.pick % all.length]!.requester);
        return;
      }
      case 'foreign':
        return this.event({ kind: 'foreign', foreign: cmd.n });
      case 'deliver': {
        if (!this.pending.length) return;
        const [g] = this.pending.splice(cmd.pick % this.pending.length, 1);
        if (this.closed.has(g!.requester)) return this.event({ kind: 'grantFailed', token: g!.token });
        this.informed.add(g!.token);
        return;
      }
      case 'answerCheck': {
        if (!this.checkOut) return;
        const asked = this.checkOut.holders;
        this.checkOut = undefined;
        const closed = cmd.fails ? [] : asked.filter((h) => this.closed.has(h.requester)).map((h) => h.token);
        return this.event({ kind: 'checked', closed });
      }
      case 'decide':
        return this.decide();
      case 'advance':
        this.now += cmd.ms;
        if (this.wakeAt !== undefined && this.now >= this.wakeAt) this.decide();
        return;
      case 'continueAsNew':
        // The shell continues as new only once its grants and check are back.
        if (this.pending.length || this.checkOut) return;
        this.state = JSON.parse(JSON.stringify(this.state)) as SlotState;
        this.log.push('continueAsNew');
        return;
    }
  }

  /**
   * A fair ending: grants arrive, checks answer, holders finish their tasks, time passes. Every waiter is
   * then granted or has left, and the machine falls idle.
   */
  drain(): void {
    for (
      let round = 0;
      round < 400 && !(slotsIdle(this.state) && !this.pending.length && !this.checkOut);
      round++
    ) {
      while (this.pending.length) this.run({ c: 'deliver', pick: 0 });
      if (this.checkOut) this.run({ c: 'answerCheck', fails: false });
      for (const h of [...this.state.holders])
        if (this.informed.has(h.token) && !this.closed.has(h.requester)) {
          this.event({ kind: 'settled', token: h.token });
          this.run({ c: 'release', pick: 0 });
        }
      this.now += CHECK_EVERY_MS;
      this.decide();
    }
    check(this.state.waiting.length === 0, 'every waiter is granted or leaves', () => ({
      state: this.state,
      log: this.log,
    }));
    check(this.state.holders.length === 0, 'every slot comes back', () => ({
      state: this.state,
      log: this.log,
    }));
  }
}

describe('account slots under generated schedules', () => {
  it(
    'keeps every invariant at every step, and every waiter is served',
    () => {
      fc.assert(
        fc.property(fc.array(command, { maxLength: 80 }), (commands) => {
          const world = new World();
          for (const cmd of commands) world.run(cmd);
          world.drain();
        }),
        simulationParameters('slots'),
      );
    },
    simulationTimeout(),
  );
});

describe('account slots: regressions found by reading and by the simulator', () => {
  const request = (n: number, extra: Partial<SlotState['waiting'][number]> = {}) => ({
    requester: `r${n}`,
    token: `t${n}`,
    capacity: 5,
    grantsPerSecond: 1,
    priority: 0,
    group: 'g',
    ...extra,
  });

  it('waiters canceled inside the rate window: nothing is granted to them and nothing throws (finding 1)', () => {
    // 5 slots at 1 create a second: four requests, the first granted; the other three leave while the
    // shell waits for the rate window. The legacy loop then took `splice(-1, 1)[0]` of an empty queue.
    let s: SlotState = { capacity: 5, waiting: [], holders: [], reclaimed: 0, checkEveryMs: 60_000 };
    for (const n of [1, 2, 3, 4])
      s = applySlotEvent(s, { kind: 'acquire', request: request(n), checkEveryMs: 60_000 }, 0);
    const first = decideSlots(s, 0);
    expect(first.effects.filter((e) => e.kind === 'grant').map((e) => e.kind === 'grant' && e.token)).toEqual(
      ['t1'],
    );
    expect(first.wakeAt).toBe(1000);
    s = first.state;
    for (const n of [2, 3, 4]) s = applySlotEvent(s, { kind: 'release', token: `t${n}` }, 500);
    const woke = decideSlots(s, 1000);
    expect(woke.effects.filter((e) => e.kind === 'grant')).toEqual([]);
    expect(woke.state.waiting).toEqual([]);
  });

  it('only lock-blocked requests left after the rate wait: none is granted while its lock is held (finding 1)', () => {
    let s: SlotState = { capacity: 5, waiting: [], holders: [], reclaimed: 0, checkEveryMs: 60_000 };
    for (const n of [1, 2, 3])
      s = applySlotEvent(
        s,
        { kind: 'acquire', request: request(n, { lock: n === 2 ? undefined : 'x' }), checkEveryMs: 60_000 },
        0,
      );
    s = decideSlots(s, 0).state; // t1 holds lock x
    s = applySlotEvent(s, { kind: 'release', token: 't2' }, 10); // the free one leaves in the window
    const woke = decideSlots(s, 1000);
    expect(woke.effects.filter((e) => e.kind === 'grant')).toEqual([]);
    expect(woke.state.waiting.map((w) => w.token)).toEqual(['t3']);
  });

  it('a throttle that arrives during the rate wait is obeyed by the next grant (finding 1)', () => {
    let s: SlotState = { capacity: 2, waiting: [], holders: [], reclaimed: 0, checkEveryMs: 60_000 };
    for (const n of [1, 2])
      s = applySlotEvent(
        s,
        { kind: 'acquire', request: request(n, { capacity: 2 }), checkEveryMs: 60_000 },
        0,
      );
    s = decideSlots(s, 0).state;
    s = applySlotEvent(s, { kind: 'throttled', token: 't1' }, 500); // limit 2 → 1
    expect(decideSlots(s, 1000).effects).toEqual([]);
  });

  it('a busy key still takes back the slot of a holder that closed without releasing (finding 7)', () => {
    let s: SlotState = { capacity: 1, waiting: [], holders: [], reclaimed: 0, checkEveryMs: 2000 };
    s = applySlotEvent(
      s,
      { kind: 'acquire', request: request(1, { capacity: 1, grantsPerSecond: 0 }), checkEveryMs: 2000 },
      0,
    );
    s = decideSlots(s, 0).state;
    // Requests keep arriving every half second: the key is never quiet for a whole period.
    let checkAsked = false;
    for (let t = 500; t <= 3000 && !checkAsked; t += 500) {
      s = applySlotEvent(
        s,
        { kind: 'acquire', request: request(t, { capacity: 1, grantsPerSecond: 0 }), checkEveryMs: 2000 },
        t,
      );
      const d = decideSlots(s, t);
      s = d.state;
      checkAsked = d.effects.some((e) => e.kind === 'check');
    }
    expect(checkAsked).toBe(true);
    s = applySlotEvent(s, { kind: 'checked', closed: ['t1'] }, 2500);
    expect(s.reclaimed).toBe(1);
    expect(decideSlots(s, 2500).effects.filter((e) => e.kind === 'grant')).toHaveLength(1);
  });
});
