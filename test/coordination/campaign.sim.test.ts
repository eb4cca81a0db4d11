// A campaign's books (src/coordination/campaign.ts) under generated schedules: rows admitted through a
// window under a budget; runs ending in any order, told twice (signal and child result), with outcomes of
// every kind; report parts written late or failing; rows added at any moment, also while the campaign
// finishes or cancels; window, pause and cap changed; cancels; continue-as-new with rows handed over.
// After every step: every reported row is reported once, the counters add up, the window holds, the
// budget is never passed. At the end: every row added was run, refused by the budget, or left unrun by a
// cancel; every admitted row is in the report exactly once; rows added while finishing were refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPages,
  admitRow,
  campaignDone,
  cancelCampaign,
  carryOver,
  changeCampaign,
  closeBooks,
  countPages,
  mayAdmit,
  newCampaignState,
  openBook,
  partDue,
  partWritten,
  rowEnded,
  type CampaignBook,
} from '../../src/coordination/campaign';
import type { CampaignRowEntry, CampaignState, RowOutcome } from '../../src/shared/campaigns';
import { check, simulationParameters, simulationTimeout } from './schedules';

type Command =
  | { c: 'admit'; suggested: boolean }
  | { c: 'end'; pick: number; kind: number; twice: boolean }
  | { c: 'write' }
  | { c: 'writeDone'; fails: boolean }
  | { c: 'add'; rows: number; estimate: number }
  | { c: 'change'; window?: number; paused?: boolean; cap?: number }
  | { c: 'cancel' }
  | { c: 'continueAsNew' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      c: fc.constant('admit' as const),
      suggested: fc.constantFrom(false, false, false, true),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      c: fc.constant('end' as const),
      pick: fc.nat(10),
      kind: fc.nat(5),
      twice: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ c: 'write' as const }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('writeDone' as const), fails: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      c: fc.constant('add' as const),
      rows: fc.integer({ min: 1, max: 4 }),
      estimate: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        c: fc.constant('change' as const),
        window: fc.integer({ min: 1, max: 4 }),
        paused: fc.boolean(),
        cap: fc.integer({ min: 0, max: 20 }),
      },
      { requiredKeys: ['c'] },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ c: 'cancel' as const }) },
  { weight: 2, arbitrary: fc.constant({ c: 'continueAsNew' as const }) },
);

const PART_ROWS = 3;
const RULES = { rowsPerGeneration: 3 };
const KINDS = ['stored', 'failed', 'canceled', 'expired', 'lost', 'recordless'] as const;

function initial(cap: number): CampaignState {
  const state = newCampaignState({ campaignId: 'sim', kind: 'job', window: 2, priority: 0 }, 't0');
  return { ...state, budget: { currency: 'CNY', cap } };
}

class World {
  rows: CampaignRowEntry[] = [];
  book: CampaignBook;
  written = new Map<string, string[]>();
  writing: { key: string; outcomes: RowOutcome[] } | undefined;
  refusedAdds = 0;
  truth = 0;
  cap: number;
  maxCap: number;
  log: unknown[] = [];

  constructor(cap: number, first: number, estimate: number) {
    this.cap = cap;
    this.maxCap = cap;
    this.book = openBook(countPages(initial(cap), [this.page(first, estimate)]));
  }

  page(n: number, estimate: number) {
    const at = this.rows.length;
    for (let i = 0; i < n; i++)
      this.rows.push({
        key: `r${at + i}`,
        line: at + i + 2,
        body: {},
        estimate,
        currency: 'CNY',
        models: [],
      });
    return { key: `page-${at}`, rows: n, estimate: n * estimate };
  }

  reported(): string[] {
    return [...[...this.written.values()].flat(), ...this.book.outcomes.map((o) => o.key)];
  }

  invariants(): void {
    const reported = this.reported();
    check(new Set(reported).size === reported.length, 'every row is reported once', () => this.log);
    const c = this.book.state.counters;
    check(
      c.admitted === c.running + c.stored + c.failed + c.canceled + c.alreadyRan + c.budgetExhausted,
      'the counters add up',
      () => ({ c, log: this.log }),
    );
    check(c.running === this.book.inflight.length, 'running rows are the window', () => this.log);
    check(
      this.book.next <= c.total && c.total === this.rows.length,
      'rows known are rows added',
      () => this.log,
    );
    check(this.truth <= this.maxCap + 1e-6, 'no budget is passed', () => this.log);
  }

  run(cmd: Command): void {
    this.log.push(cmd);
    switch (cmd.c) {
      case 'admit':
        while (mayAdmit(this.book)) {
          const row = this.rows[this.book.next]!;
          const step = admitRow(this.book, row, RULES, 'now', cmd.suggested);
          if (step.decision === 'wait') break;
          this.book = step.book;
          if (step.decision === 'admit') {
            const s = this.book.state;
            check(
              (s.spent.CNY ?? 0) + s.reserved <= (s.budget?.cap ?? Infinity) + 1e-6,
              'spent + reserved ≤ cap at every admit',
              () => this.log,
            );
            check(this.book.inflight.length <= s.window, 'the window holds at every admit', () => this.log);
          }
        }
        break;
      case 'end': {
        if (!this.book.inflight.length) break;
        const row = this.book.inflight[cmd.pick % this.book.inflight.length]!;
        const kind = KINDS[cmd.kind]!;
        const est = row.estimate ?? 0;
        // The provider's true charge, and how the run reports it (shared/row-ends.ts).
        const truth =
          kind === 'stored' || kind === 'expired' || kind === 'lost' || kind === 'recordless' ? est : 0;
        this.truth += truth;
        const outcome: RowOutcome = {
          key: row.key,
          line: row.line,
          runId: row.key,
          taskIds: [],
          outputs: [],
          status:
            kind === 'stored'
              ? 'stored'
              : kind === 'canceled'
                ? 'canceled'
                : kind === 'expired'
                  ? 'expired'
                  : 'failed',
          ...(kind === 'stored' ? { billed: est, currency: 'CNY' } : {}),
          ...(kind === 'expired' || kind === 'lost' ? { atRisk: est, currency: 'CNY' } : {}),
          ...(kind === 'recordless' ? { recordless: true } : {}),
          finished: 'now',
        };
        this.book = rowEnded(this.book, row.key, outcome);
        if (cmd.twice) this.book = rowEnded(this.book, row.key, outcome);
        break;
      }
      case 'write': {
        if (this.writing) break;
        const due = partDue(this.book, this.book.inflight.length === 0 || this.book.draining, PART_ROWS);
        if (due) this.writing = { key: `part-${due.index}`, outcomes: due.outcomes };
        break;
      }
      case 'writeDone': {
        if (!this.writing) break;
        const w = this.writing;
        this.writing = undefined;
        if (cmd.fails) break; // retried later: the outcomes stay in the buffer
        check(!this.written.has(w.key), 'no part is written over another', () => this.log);
        this.written.set(
          w.key,
          w.outcomes.map((o) => o.key),
        );
        this.book = partWritten(this.book, w.key, w.outcomes.length);
        break;
      }
      case 'add': {
        const before = this.rows.length;
        const ref = this.page(cmd.rows, cmd.estimate);
        const added = addPages(this.book, [ref]);
        if ('book' in added) this.book = added.book;
        else {
          this.rows.length = before; // refused: the client starts the campaign again with them
          this.refusedAdds += 1;
        }
        break;
      }
      case 'change':
        if (cmd.cap !== undefined) this.maxCap = Math.max(this.maxCap, cmd.cap);
        this.book = changeCampaign(this.book, { window: cmd.window, paused: cmd.paused, budgetCap: cmd.cap });
        break;
      case 'cancel':
        this.book = cancelCampaign(this.book);
        break;
      case 'continueAsNew': {
        // The shell continues as new once draining, with no write out and no outcome unwritten.
        if (!this.book.draining || this.writing || this.book.outcomes.length || this.book.canceled) break;
        const carry = JSON.parse(JSON.stringify(carryOver(this.book))) as ReturnType<typeof carryOver>;
        this.book = openBook(carry.state, carry.next, carry.inflight);
        break;
      }
    }
    this.invariants();
  }

  /** A fair ending: runs end, parts are written, the campaign finishes; then nothing more is taken. */
  finish(): void {
    if (this.book.state.status === 'paused') this.book = changeCampaign(this.book, { paused: false });
    for (
      let guard = 0;
      guard < 500 && !campaignDone(this.book) && !(this.book.canceled && !this.book.inflight.length);
      guard++
    ) {
      this.run({ c: 'writeDone', fails: false });
      this.run({ c: 'admit', suggested: false });
      if (this.book.draining && !this.book.inflight.length) this.run({ c: 'continueAsNew' });
      if (this.book.draining) {
        this.run({ c: 'write' });
        this.run({ c: 'writeDone', fails: false });
        this.run({ c: 'continueAsNew' });
      }
      if (this.book.inflight.length) this.run({ c: 'end', pick: 0, kind: guard % 6, twice: false });
    }
    for (let guard = 0; guard < 100 && (this.writing || this.book.outcomes.length); guard++) {
      this.run({ c: 'writeDone', fails: false });
      const due = partDue(this.book, true, PART_ROWS);
      if (due) this.writing = { key: `part-${due.index}`, outcomes: due.outcomes };
    }
    this.book = closeBooks(this.book);
    const late = addPages(this.book, [{ key: 'late', rows: 1, estimate: 1 }]);
    check('refused' in late, 'rows added while finishing are refused', () => this.log);
    const reported = new Set(this.reported());
    const c = this.book.state.counters;
    check(reported.size === c.admitted, 'every admitted row is reported exactly once', () => ({
      c,
      reported: [...reported],
      log: this.log,
    }));
    if (!this.book.canceled)
      check(
        this.rows.every((r) => reported.has(r.key)),
        'every row added was run or refused',
        () => ({ c, log: this.log }),
      );
  }
}

describe("a campaign's books under generated schedules", () => {
  it(
    'report every admitted row once, run or refuse every added row, and never pass the budget',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 20 }),
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 1, max: 4 }),
          fc.array(command, { maxLength: 80 }),
          (cap, first, estimate, commands) => {
            const world = new World(cap, first, estimate);
            for (const cmd of commands) world.run(cmd);
            world.finish();
            // Every row ended: nothing stays reserved.
            expect(world.book.state.reserved).toBe(0);
          },
        ),
        simulationParameters('campaign books'),
      );
    },
    simulationTimeout(),
  );
});
