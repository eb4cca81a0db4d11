// The campaign workflow's branches on the time-skipping test server, rows run by real job workflows over
// stubbed activities: a budget held by rows in flight makes the next row wait rather than be refused, and
// a failed row's release lets it run; rows added while it runs join the window; a row whose run already
// exists is not run again. Continue-as-new is tested on the real server (e2e campaign, cluster, replay):
// a campaign continues as new with its rows running, and once a parent has continued as new with children
// running the test server stops skipping time (temporalio/sdk-java#1540), here for every later test too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulationParameters } from '../coordination/schedules';
import type { CampaignInput } from '../../src/workflows/campaign';
import type {
  CampaignPageRef,
  CampaignRowEntry,
  CampaignState,
  RowOutcome,
} from '../../src/shared/campaigns';
import { addCampaignPagesUpdate, CAMPAIGN_FINISHING } from '../../src/workflows/definitions';
import { parseOutcomes } from '../../src/campaigns/report';
import { useTimeSkipping } from '../harness/time-skipping';
import { noCalls, request, stubs, oneYuan } from '../harness/job-stubs';
import type { ActivityStubs } from '../harness/time-skipping';

const ts = useTimeSkipping();

/** Rows cost 1 CNY each (5 s at 0.2); tasks whose ID is in `failing` end FAILED (free). */
function campaignStubs(files: Map<string, unknown>, failing: Set<string> = new Set()) {
  const calls = noCalls();
  let created = 0;
  const estimate = oneYuan;
  const base = stubs(ts, { creates: [], polls: ['SUCCEEDED'], estimate }, calls);
  const activities: ActivityStubs = {
    ...base,
    submitTask: async () => {
      calls.creates += 1;
      return { taskId: `t${++created}` };
    },
    pollTask: async (ref) => {
      calls.polls += 1;
      return failing.has(ref.taskId)
        ? { taskId: ref.taskId, status: 'FAILED', code: 'InternalError', message: 'boom' }
        : { taskId: ref.taskId, status: 'SUCCEEDED', usage: { duration: 5 } };
    },
    readCampaignPage: async (key) => files.get(key) as CampaignRowEntry[],
    writeCampaignPart: async ({ key, outcomes }) => {
      files.set(key, outcomes.map((o) => JSON.stringify(o)).join('\n'));
    },
    finishCampaign: async ({ state }) => {
      files.set('summary', state);
      return { jsonl: 'r.jsonl', csv: 'r.csv' };
    },
  };
  return { activities, calls };
}

function pages(files: Map<string, unknown>, prefix: string, rows: number, perPage = 4): CampaignPageRef[] {
  const refs: CampaignPageRef[] = [];
  for (let i = 0; i < rows; i += perPage) {
    const entries: CampaignRowEntry[] = Array.from({ length: Math.min(perPage, rows - i) }, (_, j) => ({
      key: `${prefix}${i + j}`,
      line: i + j + 2,
      body: request,
      estimate: 1,
      currency: 'CNY',
      models: ['wan2.7-t2v'],
    }));
    const key = `${prefix}-page-${i / perPage}`;
    files.set(key, entries);
    refs.push({ key, rows: entries.length, estimate: entries.length });
  }
  return refs;
}

const outcomes = (files: Map<string, unknown>, state: CampaignState): RowOutcome[] =>
  parseOutcomes(state.parts.map((k) => files.get(k) as string));

let n = 0;
async function run(
  files: Map<string, unknown>,
  input: Omit<CampaignInput, 'campaignId' | 'kind' | 'route' | 'region'>,
  activities: ActivityStubs,
  during?: (workflowId: string) => Promise<void>,
): Promise<CampaignState> {
  const taskQueue = `campaign-branches-${++n}`;
  const campaignId = `c${n}`;
  return ts.withWorker(taskQueue, activities, async () => {
    const handle = await ts.env.client.workflow.start('wanCampaign', {
      taskQueue,
      workflowId: `wanflow-campaign-${campaignId}`,
      args: [{ campaignId, kind: 'job', route: 'modelstudio', region: 'ap-southeast-1', ...input }],
    });
    await during?.(handle.workflowId);
    return (await handle.result()) as CampaignState;
  });
}

describe('campaign workflow', () => {
  it('a row waits for the budget held by rows in flight; a failed row releases its share and the next one runs', async () => {
    const files = new Map<string, unknown>();
    // t1 fails (free): its reservation comes back, so the third row fits; the fourth never does.
    const { activities, calls } = campaignStubs(files, new Set(['t1']));
    const state = await run(
      files,
      { pages: pages(files, 'b', 4), window: 4, priority: 0, budget: { currency: 'CNY', cap: 2 } },
      activities,
    );
    expect(state.counters).toMatchObject({ stored: 2, failed: 1, budgetExhausted: 1 });
    expect(state.spent.CNY).toBe(2);
    expect(state.reserved).toBe(0);
    expect(calls.creates).toBe(3);
    const byKey = Object.fromEntries(outcomes(files, state).map((o) => [o.key, o.status]));
    // b0 and b1 start together; whichever created t1 failed. b2 waited for it, b3 could never fit.
    expect([byKey.b0, byKey.b1].sort()).toEqual(['failed', 'stored']);
    expect({ b2: byKey.b2, b3: byKey.b3 }).toEqual({ b2: 'stored', b3: 'budget_exhausted' });
  });

  it('rows added while it runs join the window; a row whose run exists already is not run again', async () => {
    const files = new Map<string, unknown>();
    const { activities, calls } = campaignStubs(files);
    const more = pages(files, 'm', 3);
    // The same key twice (a start repeated after a crash): the second is refused by its run's ID.
    const again = pages(files, 'a', 1);
    files.set(again[0]!.key, [{ ...(files.get(more[0]!.key) as CampaignRowEntry[])[0]! }]);
    const state = await run(
      files,
      { pages: pages(files, 'p', 2), window: 2, priority: 0 },
      activities,
      async (id) => {
        const handle = ts.env.client.workflow.getHandle(id);
        await handle.executeUpdate(addCampaignPagesUpdate, { args: [more] });
        await handle.executeUpdate(addCampaignPagesUpdate, { args: [again] });
      },
    );
    expect(state.counters).toMatchObject({ total: 6, stored: 5, alreadyRan: 1 });
    expect(calls.creates).toBe(5);
    const ran = outcomes(files, state).filter((o) => o.status === 'already_ran');
    expect(ran.map((o) => o.key)).toEqual(['m0']);
  });

  it('a cancel during a report part’s write keeps every outcome: none dropped, none overwritten (finding 5)', async () => {
    const files = new Map<string, unknown>();
    const { activities } = campaignStubs(files);
    // A budget of nothing: every row ends budget_exhausted at once and the part is written while the
    // window is empty; the write takes 2 s and the cancel lands inside it.
    let writing: () => void = () => undefined;
    const writeStarted = new Promise<void>((r) => (writing = r));
    const slowWrite: ActivityStubs = {
      ...activities,
      writeCampaignPart: async (input) => {
        writing();
        await new Promise((r) => setTimeout(r, 2000));
        return activities.writeCampaignPart!(input);
      },
    };
    const state = await run(
      files,
      { pages: pages(files, 'w', 3), window: 2, priority: 0, budget: { currency: 'CNY', cap: 0 } },
      slowWrite,
      async (id) => {
        await writeStarted;
        await ts.env.client.workflow.getHandle(id).cancel();
      },
    );
    expect(
      outcomes(files, state)
        .map((o) => o.key)
        .sort(),
    ).toEqual(['w0', 'w1', 'w2']);
    expect(new Set(state.parts).size).toBe(state.parts.length);
  });

  // ~65 s: the time-skipping server answers an update sent during the last activity only once its wait for
  // the next workflow task has run out.
  it('rows added while it finishes are refused, not dropped (finding 6)', async () => {
    const files = new Map<string, unknown>();
    const { activities } = campaignStubs(files);
    let finishing: () => void = () => undefined;
    const reached = new Promise<void>((r) => (finishing = r));
    const slowFinish: ActivityStubs = {
      ...activities,
      finishCampaign: async (input) => {
        finishing();
        await new Promise((r) => setTimeout(r, 1500));
        return activities.finishCampaign!(input);
      },
    };
    const late = pages(files, 'late', 1);
    let refusal: unknown;
    const state = await run(
      files,
      { pages: pages(files, 'f', 1), window: 1, priority: 0 },
      slowFinish,
      async (id) => {
        await reached;
        refusal = await ts.env.client.workflow
          .getHandle(id)
          .executeUpdate(addCampaignPagesUpdate, { args: [late] })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
      },
    );
    expect(String((refusal as { cause?: Error } | undefined)?.cause?.message)).toMatch(CAMPAIGN_FINISHING);
    // Not counted as the campaign's either: the client starts the campaign again with them.
    expect(state.counters.total).toBe(1);
  });
});

// A sample of generated campaigns on the real workflow (the books' own simulation is
// test/coordination/campaign.sim.test.ts): rows, window, cap, failing tasks and rows added while it runs
// vary; the same invariants must hold on what the workflow reports.
describe('campaign workflow on generated schedules', () => {
  const SAMPLE = Number(process.env.WANFLOW_SHELL_SAMPLE ?? 12) / 2;
  it(`keeps the books' invariants on a sample of ${SAMPLE}`, async () => {
    const { seed } = simulationParameters('campaign shell (time-skipping)', SAMPLE);
    const schedules = fc.sample(
      fc.record({
        rows: fc.integer({ min: 1, max: 6 }),
        window: fc.integer({ min: 1, max: 3 }),
        cap: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        failing: fc.uniqueArray(fc.integer({ min: 1, max: 10 }), { maxLength: 4 }),
        added: fc.integer({ min: 0, max: 3 }),
      }),
      { numRuns: SAMPLE, seed },
    );
    for (const g of schedules) {
      const files = new Map<string, unknown>();
      const { activities } = campaignStubs(files, new Set(g.failing.map((t) => `t${t}`)));
      const first = pages(files, 'g', g.rows);
      const more = g.added ? pages(files, 'x', g.added) : [];
      let addedRows = 0;
      const state = await run(
        files,
        {
          pages: first,
          window: g.window,
          priority: 0,
          ...(g.cap !== undefined ? { budget: { currency: 'CNY', cap: g.cap } } : {}),
        },
        activities,
        async (id) => {
          if (!more.length) return;
          // Taken while it runs; refused (or too late: it ended) otherwise — then not the campaign's.
          await ts.env.client.workflow
            .getHandle(id)
            .executeUpdate(addCampaignPagesUpdate, { args: [more] })
            .then(
              () => (addedRows = g.added),
              () => undefined,
            );
        },
      );
      const reported = outcomes(files, state).map((o) => o.key);
      const c = state.counters;
      const context = JSON.stringify({ g, c, reported });
      expect(new Set(reported).size, context).toBe(reported.length);
      expect(reported.length, context).toBe(c.admitted);
      expect(c.admitted, context).toBe(c.stored + c.failed + c.canceled + c.alreadyRan + c.budgetExhausted);
      expect(c.total, context).toBe(g.rows + addedRows);
      expect(c.admitted, context).toBe(c.total);
      expect(state.reserved, context).toBe(0);
      if (g.cap !== undefined) expect(state.spent.CNY ?? 0, context).toBeLessThanOrEqual(g.cap);
      expect(state.spent.CNY ?? 0, context).toBe(c.stored);
    }
  }, 300_000);
});
