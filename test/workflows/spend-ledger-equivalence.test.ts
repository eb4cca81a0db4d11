// The daily budget ledger is a thin shell: a sample of generated schedules of reservations (new and
// retried), settles (told twice too) and bookings runs against the real `wanSpendLedger` on the
// time-skipping server and against the pure core (src/coordination/spend-ledger.ts); every answer and,
// after every step, the books must be the core's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookSpend, reserveSpend, settleSpend } from '../../src/coordination/spend-ledger';
import {
  bookSpendSignal,
  reserveSpendUpdate,
  settleSpendSignal,
  spendLedgerQuery,
  type SpendLedgerState,
} from '../../src/shared/spend';
import { useTimeSkipping } from '../harness/time-skipping';
import { simulationParameters } from '../coordination/schedules';

const ts = useTimeSkipping();

type Step =
  | { c: 'reserve'; amount: number; retry: boolean; cap: number }
  | { c: 'settle'; pick: number; share: number }
  | { c: 'book'; amount: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('reserve' as const),
      amount: fc.integer({ min: 1, max: 8 }).map((n) => n / 2),
      retry: fc.boolean(),
      cap: fc.constantFrom(6, 6, 10),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('settle' as const),
      pick: fc.nat(10),
      share: fc.constantFrom(0, 0.5, 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ c: fc.constant('book' as const), amount: fc.integer({ min: 1, max: 4 }) }),
  },
);

const SAMPLE = Number(process.env.WANFLOW_SHELL_SAMPLE ?? 12);

describe('the spend ledger workflow equals its core', () => {
  it(`on a sample of ${SAMPLE} generated schedules`, async () => {
    const { seed } = simulationParameters('spend ledger shell = core (time-skipping)', SAMPLE);
    const schedules = fc.sample(fc.array(step, { minLength: 3, maxLength: 12 }), { numRuns: SAMPLE, seed });
    await ts.withWorker('ledger-equivalence', {}, async () => {
      for (const [i, schedule] of schedules.entries()) {
        // A day that ends far in the future: the ledger stays open through the schedule.
        const start: SpendLedgerState = { endsAt: Date.now() + 30 * 86_400_000, spent: {}, holds: {} };
        let core = start;
        const handle = await ts.env.client.workflow.start('wanSpendLedger', {
          workflowId: `wanflow-spend/equivalence/${i}/day`,
          taskQueue: 'ledger-equivalence',
          args: [start],
        });
        const tokens: string[] = [];
        for (const [n, s] of schedule.entries()) {
          if (s.c === 'reserve') {
            const token = s.retry && tokens.length ? tokens[tokens.length - 1]! : `t${n}`;
            const r = { token, amount: s.amount, currency: 'CNY', budget: { cap: s.cap, currency: 'CNY' } };
            const stepped = reserveSpend(core, r);
            core = stepped.state;
            expect(await handle.executeUpdate(reserveSpendUpdate, { args: [r] })).toEqual(stepped.answer);
            if (stepped.answer.decision === 'admit' && !tokens.includes(token)) tokens.push(token);
          } else if (s.c === 'settle') {
            if (!tokens.length) continue;
            const token = tokens.splice(s.pick % tokens.length, 1)[0]!;
            const billed = (core.holds[token] ?? 0) * s.share;
            core = settleSpend(settleSpend(core, token, billed), token, billed);
            await handle.signal(settleSpendSignal, { token, billed });
            await handle.signal(settleSpendSignal, { token, billed });
          } else {
            core = bookSpend(core, s.amount, 'CNY');
            await handle.signal(bookSpendSignal, { amounts: { CNY: s.amount }, jobs: 1 });
          }
          const expected = { holds: core.holds, spent: core.spent };
          await expect
            .poll(async () => {
              const q = await handle.query(spendLedgerQuery);
              return { holds: q.holds, spent: q.spent };
            })
            .toEqual(expected);
        }
        await handle.terminate('schedule done');
      }
    });
  }, 300_000);
});
