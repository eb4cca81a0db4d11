// The slot workflow is a thin shell: a sample of generated schedules runs against the real workflow on the
// time-skipping server and, step by step, against the pure core (src/coordination/slots.ts); after every
// signal the workflow's state must come to what the core says. Time-dependent events (rates, throttles,
// foreign counts) stay in the core's own simulation (test/coordination), where the clock is the test's.
// Requesters are executions on a queue nobody serves (running: a grant reaches them), or never started
// (the grant fails and the slot goes to the next).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySlotEvent, decideSlots, type SlotEvent, type SlotState } from '../../src/coordination/slots';
import { useTimeSkipping } from '../harness/time-skipping';
import { simulationParameters } from '../coordination/schedules';

const ts = useTimeSkipping();

type Step =
  | { c: 'acquire'; priority: number; group: number; lock: number; started: boolean }
  | { c: 'release'; pick: number }
  | { c: 'settle'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('acquire' as const),
      priority: fc.constantFrom(0, 10),
      group: fc.nat(1),
      lock: fc.nat(2),
      started: fc.constantFrom(true, true, true, false),
    }),
  },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('release' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('settle' as const), pick: fc.nat(20) }) },
);

const CAPACITY = 2;
const SAMPLE = Number(process.env.WANFLOW_SHELL_SAMPLE ?? 12);

/** What a query of the workflow and the core are compared on. */
const view = (s: SlotState) => ({
  waiting: s.waiting.map((w) => w.token),
  holders: s.holders.map((h) => `${h.token}${h.creating ? '*' : ''}`).sort(),
});

const schedulesOf = (seed: number, numRuns: number) =>
  fc.sample(fc.array(step, { minLength: 4, maxLength: 14 }), { numRuns, seed });

describe('the slot workflow equals its core', () => {
  it(`on a sample of ${SAMPLE} generated schedules`, async () => {
    const { seed } = simulationParameters('slots shell = core (time-skipping)', SAMPLE);
    await ts.withWorker('slot-equivalence', { closedWorkflows: async () => [] }, async () => {
      for (const [i, schedule] of schedulesOf(seed!, SAMPLE).entries())
        await runSchedule(`s${i}`, schedule, 'slot-equivalence');
    });
  }, 300_000);

  it('regression (seed 1382703407, schedule 8): the last holder released while grants were on their way; the workflow ended', async () => {
    // The shell woke only for state changes; a grant delivered changes none, so a workflow left idle with
    // grants in flight waited forever instead of ending.
    const schedule: Step[] = [
      { c: 'acquire', priority: 10, group: 1, lock: 0, started: true },
      { c: 'settle', pick: 6 },
      { c: 'release', pick: 20 },
      { c: 'acquire', priority: 10, group: 1, lock: 0, started: true },
      { c: 'settle', pick: 4 },
      { c: 'release', pick: 12 },
      { c: 'release', pick: 4 },
      { c: 'acquire', priority: 0, group: 1, lock: 1, started: true },
      { c: 'acquire', priority: 10, group: 1, lock: 1, started: false },
      { c: 'settle', pick: 6 },
      { c: 'acquire', priority: 0, group: 1, lock: 2, started: true },
      { c: 'release', pick: 20 },
      { c: 'acquire', priority: 0, group: 0, lock: 2, started: true },
      { c: 'acquire', priority: 0, group: 1, lock: 1, started: true },
    ];
    await ts.withWorker('slot-equivalence-r1', { closedWorkflows: async () => [] }, () =>
      runSchedule('r1', schedule, 'slot-equivalence-r1'),
    );
  }, 120_000);
});

async function runSchedule(i: string, schedule: Step[], queue: string): Promise<void> {
  const { client } = ts.env;
  const start: SlotState = {
    capacity: CAPACITY,
    waiting: [],
    holders: [],
    reclaimed: 0,
    checkEveryMs: 3_600_000,
  };
  let core = start;
  const started = new Set<string>();
  const workflowId = `wanflow-slots/modelstudio/cn-beijing/equivalence-${i}/wan2.7-t2v`;
  const slots = client.workflow.getHandle(workflowId);
  // The core steps as the shell does: the event, a decision, and a failed grant given back at once.
  const apply = (event: SlotEvent) => {
    core = applySlotEvent(core, event, 0);
    for (;;) {
      const d = decideSlots(core, 0);
      core = d.state;
      const failed = d.effects.filter((e) => e.kind === 'grant' && !started.has(e.requester));
      if (!failed.length) return;
      for (const f of failed)
        core = applySlotEvent(core, { kind: 'grantFailed', token: (f as { token: string }).token }, 0);
    }
  };
  for (const [n, s] of schedule.entries()) {
    if (s.c === 'acquire') {
      const name = `eq-${i}-${n}`;
      if (s.started) {
        await client.workflow.start('nobodyServesThis', {
          workflowId: name,
          taskQueue: 'slot-equivalence-nobody',
        });
        started.add(name);
      }
      const request = {
        requester: name,
        token: `token-${name}`,
        capacity: CAPACITY,
        priority: s.priority,
        group: `g${s.group}`,
        ...(s.lock ? { lock: `lock-${s.lock}` } : {}),
      };
      apply({ kind: 'acquire', request, checkEveryMs: start.checkEveryMs });
      // As requestSlot does: the slot workflow starts with the request, or takes it if running.
      await client.workflow.signalWithStart('wanAccountSlots', {
        workflowId,
        taskQueue: queue,
        args: [start],
        signal: 'acquireSlot',
        signalArgs: [{ ...request, checkEveryMs: start.checkEveryMs }],
      });
    } else {
      const among = s.c === 'release' ? [...core.holders, ...core.waiting] : core.holders;
      if (!among.length) continue;
      const token = among[s.pick % among.length]!.token;
      apply({ kind: s.c === 'release' ? 'release' : 'settled', token });
      await slots.signal(s.c === 'release' ? 'releaseSlot' : 'createSettled', { token });
    }
    const expected = view(core);
    await expect
      .poll(async () => view(await slots.query<SlotState>('slots')), { timeout: 10_000 })
      .toEqual(expected);
  }
  const left = [...core.holders, ...core.waiting];
  for (const h of left) await slots.signal('releaseSlot', { token: h.token });
  if (left.length) await slots.result();
}
