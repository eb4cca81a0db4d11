// The money rules (src/shared/money.ts) and the two ledgers that apply them — an account's day
// (src/coordination/spend-ledger.ts) and a campaign's budget (src/coordination/campaign-ledger.ts) — under
// generated schedules of jobs and rows: reservations asked for in any order, retried, admitted while the
// job is being canceled, settled late; outcomes of every kind, among them creates whose answer was lost
// (the provider may or may not have made and billed the task) and runs that closed without a record; caps
// lowered and raised; the day ending. The provider's true charges are the simulation's own: after every
// step the books must cover them and stay within the cap — no budget is ever passed, counting every
// outcome that is not known as spent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerClosed, reserveSpend, settleSpend } from '../../src/coordination/spend-ledger';
import { CampaignLedger, rowSpent } from '../../src/coordination/campaign-ledger';
import { mayPayAgain, spendOutcome, spentOf, type JobOutcome } from '../../src/shared/money';
import { runEndOf } from '../../src/shared/row-ends';
import type { JobRecord } from '../../src/shared/records';
import type { SpendLedgerState } from '../../src/shared/spend';
import type { CostFigure } from '../../src/wan/pricing';
import { check, simulationParameters, simulationTimeout } from './schedules';

const EPS = 1e-6;

/** How a job ended, and what the provider truly charged for it. */
type Ending =
  | 'stored' // task succeeded, billed as reported
  | 'task_failed' // FAILED: not billed
  | 'canceled_pending' // canceled while PENDING: not billed
  | 'refused' // the create was refused outright: no task
  | 'canceled_before_submit' // canceled while waiting for its slot or reservation: no task
  | 'lost_answer_made' // the create's answer was lost; the task was made, ran and was billed
  | 'lost_answer_none' // the create's answer was lost; no task was made
  | 'sync_lost' // a sync image call whose answer was lost, billed
  | 'expired' // a task whose end was never seen (24 h), billed
  | 'recordless'; // the job's workflow was terminated after its create was billed

const endings: Ending[] = [
  'stored',
  'task_failed',
  'canceled_pending',
  'refused',
  'canceled_before_submit',
  'lost_answer_made',
  'lost_answer_none',
  'sync_lost',
  'expired',
  'recordless',
];

/** The record a job writes for an ending, and the provider's true charge. */
const figure = (amount: number): CostFigure => ({
  amount,
  currency: 'CNY',
  unit: 'second',
  perUnit: 1,
  quantity: amount,
  source: 'simulation',
});

function jobEnd(ending: Ending, estimate: number, billedShare: number): { rec: JobOutcome; truth: number } {
  const cost = { estimated: figure(estimate) };
  const billed = Math.round(estimate * billedShare * 1e6) / 1e6;
  switch (ending) {
    case 'stored':
      return {
        rec: {
          taskId: 't',
          providerStatus: 'SUCCEEDED',
          outputs: [{ key: 'o' } as never],
          cost: { ...cost, billed: figure(billed) },
        },
        truth: billed,
      };
    case 'task_failed':
      return {
        rec: { taskId: 't', providerStatus: 'FAILED', failure: { cause: 'task_failed', message: '' }, cost },
        truth: 0,
      };
    case 'canceled_pending':
      return {
        rec: { taskId: 't', providerStatus: 'CANCELED', failure: { cause: 'canceled', message: '' }, cost },
        truth: 0,
      };
    case 'refused':
      return { rec: { failure: { cause: 'bad_input', message: '' }, cost }, truth: 0 };
    case 'canceled_before_submit':
      return { rec: { failure: { cause: 'canceled', message: '' }, cost }, truth: 0 };
    case 'lost_answer_made':
      return { rec: { failure: { cause: 'ambiguous_submit', message: '' }, cost }, truth: estimate };
    case 'lost_answer_none':
      return { rec: { failure: { cause: 'ambiguous_submit', message: '' }, cost }, truth: 0 };
    case 'sync_lost':
      return { rec: { failure: { cause: 'ambiguous', message: '' }, cost }, truth: estimate };
    case 'expired':
      return {
        rec: { taskId: 't', providerStatus: 'RUNNING', failure: { cause: 'expired', message: '' }, cost },
        truth: estimate,
      };
    case 'recordless':
      return {
        rec: { recordless: true, failure: { cause: 'transient', message: '' }, cost },
        truth: estimate,
      };
  }
}

describe('the money rules', () => {
  it('an outcome not known is spent; only a provider proof or a clear refusal is free; no retry after the unknown', () => {
    for (const ending of endings) {
      const { rec, truth } = jobEnd(ending, 6, 1);
      // Never under-booked: what the books say it spent covers what the provider charged.
      expect(spentOf(rec, 6), ending).toBeGreaterThanOrEqual(truth);
      // A second paid attempt only where the provider charged nothing and said so.
      if (mayPayAgain(rec)) expect(truth, ending).toBe(0);
    }
    expect(spendOutcome(jobEnd('lost_answer_none', 6, 1).rec).kind).toBe('unknown');
    expect(mayPayAgain(jobEnd('sync_lost', 6, 1).rec)).toBe(false); // finding 4
    expect(spentOf(jobEnd('lost_answer_made', 6, 1).rec, 6)).toBe(6); // finding 3
  });
});

type DayCommand =
  | { c: 'reserve'; amount: number; retry: boolean }
  | { c: 'end'; pick: number; ending: number; share: number }
  | { c: 'cap'; cap: number }
  | { c: 'advance'; ms: number }
  | { c: 'continueAsNew' };

const dayCommand: fc.Arbitrary<DayCommand> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant('reserve' as const),
      amount: fc.integer({ min: 1, max: 40 }).map((n) => n / 4),
      retry: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant('end' as const),
      pick: fc.nat(20),
      ending: fc.nat(endings.length - 1),
      share: fc.constantFrom(1, 1, 0.5, 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ c: fc.constant('cap' as const), cap: fc.integer({ min: 0, max: 60 }) }),
  },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('advance' as const), ms: fc.nat(3_600_000) }) },
  { weight: 1, arbitrary: fc.constant({ c: 'continueAsNew' as const }) },
);

describe("an account's daily budget under generated schedules", () => {
  it(
    'never passes its cap, counting every outcome not known as spent, and closes once the day is over',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 60 }),
          fc.array(dayCommand, { maxLength: 60 }),
          (cap0, commands) => {
            let now = 0;
            const endsAt = 6 * 3_600_000;
            let state: SpendLedgerState = {
              budget: { cap: cap0, currency: 'CNY' },
              endsAt,
              spent: {},
              holds: {},
            };
            let cap = cap0;
            const held: { token: string; amount: number }[] = [];
            let truth = 0;
            let n = 0;
            const log: unknown[] = [];
            const invariants = () => {
              const spent = state.spent.CNY ?? 0;
              const reserved = Object.values(state.holds).reduce((a, b) => a + b, 0);
              check(spent >= truth - EPS, 'the books cover every true charge', () => log);
              // Charges never pass the lowest cap they were admitted under: each admit checked spent + reserved.
              check(truth <= Math.max(cap0, maxCap) + EPS, 'no budget is passed', () => log);
              check(
                Object.values(state.holds).every((a) => a > 0),
                'holds are positive',
                () => log,
              );
              check(reserved >= 0, 'reserved is never negative', () => log);
            };
            let maxCap = cap0;
            for (const cmd of commands) {
              log.push(cmd);
              switch (cmd.c) {
                case 'reserve': {
                  const token = cmd.retry && held.length ? held[held.length - 1]!.token : `j${n++}`;
                  const before = Object.keys(state.holds).length;
                  const step = reserveSpend(state, {
                    token,
                    amount: cmd.amount,
                    currency: 'CNY',
                    budget: { cap, currency: 'CNY' },
                  });
                  // Admitted, the job holds it — a cancel that lands meanwhile settles it later (spend-hold.ts).
                  if (step.answer.decision === 'admit' && !held.some((h) => h.token === token))
                    held.push({ token, amount: cmd.amount });
                  if (step.answer.decision === 'admit') {
                    const s = step.state;
                    const spent = s.spent.CNY ?? 0;
                    const reserved = Object.values(s.holds).reduce((a, b) => a + b, 0);
                    // A retried reserve of a held token adds nothing; a new one fits the cap in force.
                    if (Object.keys(s.holds).length > before)
                      check(
                        spent + reserved <= cap + EPS,
                        'spent + reserved ≤ cap at every admit',
                        () => log,
                      );
                  }
                  state = step.state;
                  break;
                }
                case 'end': {
                  if (!held.length) break;
                  const [h] = held.splice(cmd.pick % held.length, 1);
                  const { rec, truth: t } = jobEnd(endings[cmd.ending]!, h!.amount, cmd.share);
                  truth += t;
                  state = settleSpend(state, h!.token, spentOf(rec, h!.amount));
                  // A settle told twice (a signal resent) changes nothing.
                  state = settleSpend(state, h!.token, spentOf(rec, h!.amount));
                  break;
                }
                case 'cap':
                  // A lower cap binds new reservations; what was admitted under the old one may still be spent.
                  cap = cmd.cap;
                  maxCap = Math.max(maxCap, cap);
                  break;
                case 'advance':
                  now += cmd.ms;
                  break;
                case 'continueAsNew':
                  state = JSON.parse(JSON.stringify(state)) as SpendLedgerState;
                  break;
              }
              invariants();
              if (ledgerClosed(state, now))
                check(held.length === 0, 'the books close only with nothing held', () => log);
            }
            // Every job ends; the day ends: the books close.
            for (const h of held.splice(0))
              state = settleSpend(state, h.token, spentOf(jobEnd('refused', h.amount, 1).rec, h.amount));
            expect(ledgerClosed(state, endsAt + 1)).toBe(true);
          },
        ),
        simulationParameters('daily budget'),
      );
    },
    simulationTimeout(),
  );
});

describe("a campaign's budget under generated schedules", () => {
  it(
    'admits, waits and refuses rows so that the true charges never pass the cap; every row is run or refused',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.array(fc.record({ estimate: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 30 }),
          fc.array(
            fc.record({
              ending: fc.nat(endings.length - 1),
              share: fc.constantFrom(1, 1, 0.5, 0),
              pipeline: fc.boolean(),
            }),
            { maxLength: 30 },
          ),
          fc.array(fc.nat(10), { maxLength: 80 }),
          (cap, rows, outcomes, choices) => {
            const ledger = new CampaignLedger({ cap, currency: 'CNY' }, {});
            let next = 0;
            let truth = 0;
            const running: { i: number; estimate: number }[] = [];
            const ran = new Set<number>();
            const refused = new Set<number>();
            let o = 0;
            const log: unknown[] = [];
            const endRow = (pick: number) => {
              const [row] = running.splice(pick % running.length, 1);
              const { ending, share, pipeline } = outcomes[o++ % Math.max(1, outcomes.length)] ?? {
                ending: 0,
                share: 1,
                pipeline: false,
              };
              const { rec, truth: t } = jobEnd(endings[ending]!, row!.estimate, share);
              truth += t;
              log.push({ end: row!.i, ending: endings[ending], t });
              const full = { jobId: 'j', status: 'failed', ...rec } as JobRecord;
              const end =
                endings[ending] === 'recordless'
                  ? { recordless: true }
                  : pipeline
                    ? runEndOf({
                        pipelineId: 'p',
                        order: ['s'],
                        stages: { s: { jobs: [full] } },
                        cost: { billed: full.cost.billed ? { CNY: full.cost.billed.amount } : {} },
                        status: 'failed',
                      } as never)
                    : runEndOf(full);
              ledger.settle(row!.estimate, rowSpent({ estimate: row!.estimate, currency: 'CNY' }, end));
              ran.add(row!.i);
            };
            const admit = () => {
              while (next < rows.length) {
                const estimate = rows[next]!.estimate;
                const d = ledger.decide(estimate, 'CNY');
                if (d === 'wait') return;
                if (d === 'exhausted') refused.add(next);
                else {
                  ledger.reserve(estimate);
                  running.push({ i: next, estimate });
                  check(
                    (ledger.spent.CNY ?? 0) + ledger.reserved <= cap + EPS,
                    'spent + reserved ≤ cap at every admit',
                    () => log,
                  );
                }
                next += 1;
              }
            };
            for (const choice of choices) {
              admit();
              if (running.length && choice < 7) endRow(choice);
              check((ledger.spent.CNY ?? 0) >= truth - EPS, 'the books cover every true charge', () => log);
              check(truth <= cap + EPS, 'no budget is passed', () => log);
            }
            // A fair ending: rows end, the window admits what fits.
            for (let guard = 0; guard < 100 && (running.length || next < rows.length); guard++) {
              admit();
              if (running.length) endRow(0);
            }
            check(truth <= cap + EPS, 'no budget is passed', () => log);
            check(ran.size + refused.size === rows.length, 'every row is run or refused', () => ({
              ran: [...ran],
              refused: [...refused],
              rows: rows.length,
            }));
            expect(ledger.reserved).toBe(0);
          },
        ),
        simulationParameters('campaign budget'),
      );
    },
    simulationTimeout(),
  );
});
