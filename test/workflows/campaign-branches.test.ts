// The campaign workflow's branches on the time-skipping test server, rows run by real job workflows over
// stubbed activities: generations continued as new keep every row once; a budget held by rows in flight
// makes the next row wait rather than be refused, and a failed row's release lets it run; rows added
// while it runs join the window; a row whose run already exists is not run again; rows running at
// continue-as-new are handed to the next run (their ends told by signal). (A pause, a cancel and a row
// terminated by hand after a hand-over are in test/e2e/campaign.test.ts: see `run`.)
import { Context } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import type { CampaignInput } from '../../src/workflows/campaign';
import type {
  CampaignPageRef,
  CampaignRowEntry,
  CampaignState,
  RowOutcome,
} from '../../src/shared/campaigns';
import { addCampaignPagesUpdate, campaignStateQuery } from '../../src/workflows/definitions';
import { parseOutcomes } from '../../src/campaigns/report';
import { useTimeSkipping } from '../harness/time-skipping';
import { noCalls, request, stubs } from '../harness/job-stubs';
import type { ActivityStubs } from '../harness/time-skipping';
import { endedRowRuns } from '../../src/activities/row-runs';
import { campaignRowWorkflowId } from '../../src/shared/ids';
import { taskNoticeSignal } from '../../src/shared/notices';

const ts = useTimeSkipping();

/**
 * Rows cost 1 CNY each (5 s at 0.2); tasks whose ID is in `failing` end FAILED (free). With `tasks`, every
 * task is watched (its job waits for a notice, see `run`'s `wake`) and stays RUNNING while `tasks.held`.
 */
function campaignStubs(
  files: Map<string, unknown>,
  failing: Set<string> = new Set(),
  tasks?: { held: boolean },
) {
  const calls = noCalls();
  let created = 0;
  const estimate = {
    amount: 1,
    currency: 'CNY',
    unit: 'second' as const,
    perUnit: 0.2,
    quantity: 5,
    source: 'test',
  };
  const base = stubs(ts, { creates: [], polls: ['SUCCEEDED'], estimate }, calls);
  const activities: ActivityStubs = {
    ...base,
    submitTask: async () => {
      calls.creates += 1;
      return { taskId: `t${++created}`, ...(tasks ? { watched: true } : {}) };
    },
    pollTask: async (ref) => {
      calls.polls += 1;
      if (tasks?.held) return { taskId: ref.taskId, status: 'RUNNING' };
      return failing.has(ref.taskId)
        ? { taskId: ref.taskId, status: 'FAILED', code: 'InternalError', message: 'boom' }
        : { taskId: ref.taskId, status: 'SUCCEEDED', usage: { duration: 5 } };
    },
    // The real check, against the test server its worker runs on.
    endedRowRuns: (input) => endedRowRuns(Context.current().client, input),
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
/**
 * Runs a campaign to its end. `wake` (rows' keys) stands in for the account's task watcher: a notice to
 * each row's job every 50 ms ends its wait at once. Campaigns that continue as new with rows running need
 * it: once a parent has continued as new with children running, the test server stops skipping time
 * (temporalio/sdk-java#1540; here for every later test too, so those campaigns run last and wait on no
 * timer). The real server has no such gap: the cluster campaign hands its rows over through real timers,
 * and a pause, a cancel and a handed-over row terminated by hand are tested there
 * (test/e2e/campaign.test.ts).
 */
async function run(
  files: Map<string, unknown>,
  input: Omit<CampaignInput, 'campaignId' | 'kind' | 'route' | 'region'>,
  activities: ActivityStubs,
  during?: (workflowId: string) => Promise<void>,
  wake?: string[],
): Promise<CampaignState> {
  const taskQueue = `campaign-branches-${++n}`;
  const campaignId = `c${n}`;
  return ts.withWorker(taskQueue, activities, async () => {
    const handle = await ts.env.client.workflow.start('wanCampaign', {
      taskQueue,
      workflowId: `wanflow-campaign-${campaignId}`,
      args: [{ campaignId, kind: 'job', route: 'modelstudio', region: 'ap-southeast-1', ...input }],
    });
    let done = false;
    const waking = (async () => {
      while (wake && !done) {
        for (const key of wake)
          await ts.env.client.workflow
            .getHandle(campaignRowWorkflowId(campaignId, key))
            .signal(taskNoticeSignal, { route: 'modelstudio', requestId: '' })
            .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await during?.(handle.workflowId);
      return (await handle.result()) as CampaignState;
    } finally {
      done = true;
      await waking;
    }
  });
}

const keys = (prefix: string, rows: number) => Array.from({ length: rows }, (_, i) => `${prefix}${i}`);

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

  it('continues as new every few rows: 11 rows over several generations, each run once', async () => {
    const files = new Map<string, unknown>();
    const { activities, calls } = campaignStubs(files, new Set(), { held: false });
    const state = await run(
      files,
      { pages: pages(files, 'r', 11), window: 3, priority: 0, rowsPerGeneration: 4 },
      activities,
      undefined,
      keys('r', 11),
    );
    expect(state.status).toBe('completed');
    expect(state.generation).toBeGreaterThanOrEqual(2);
    expect(state.counters).toMatchObject({ total: 11, admitted: 11, running: 0, stored: 11 });
    const done = outcomes(files, state);
    expect(done.map((o) => o.key).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `r${i}`).sort());
    expect(calls.creates).toBe(11);
    expect(state.spent.CNY).toBe(11);
  });

  it('rows running at continue-as-new are handed to the next run, which hears how they end', async () => {
    const files = new Map<string, unknown>();
    const tasks = { held: true };
    const { activities, calls } = campaignStubs(files, new Set(), tasks);
    let handed: CampaignState | undefined;
    const state = await run(
      files,
      { pages: pages(files, 'h', 6), window: 3, priority: 0, rowsPerGeneration: 3 },
      activities,
      async (id) => {
        // The first run admits three rows and continues as new at once, their tasks still RUNNING.
        handed = await until(id, (s) => s.generation === 1);
        tasks.held = false;
      },
      keys('h', 6),
    );
    expect(handed).toMatchObject({ status: 'running', counters: { admitted: 3, running: 3, stored: 0 } });
    expect(handed!.reserved).toBe(3);
    expect(state.counters).toMatchObject({ total: 6, admitted: 6, running: 0, stored: 6 });
    expect(state.generation).toBeGreaterThanOrEqual(2);
    expect(
      outcomes(files, state)
        .map((o) => o.key)
        .sort(),
    ).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5']);
    expect(calls.creates).toBe(6);
    expect({ spent: state.spent.CNY, reserved: state.reserved }).toEqual({ spent: 6, reserved: 0 });
  });
});

/** Queries the campaign until its state passes `test` (real time: the test server skips none meanwhile). */
async function until(id: string, test: (s: CampaignState) => boolean): Promise<CampaignState> {
  const handle = ts.env.client.workflow.getHandle(id);
  for (;;) {
    const s = await handle.query(campaignStateQuery).catch(() => undefined);
    if (s && test(s)) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}
