// An account's daily budget against the simulator: jobs started at once reserve their exact price in the
// day's ledger before their create, so exactly as many run as the cap pays for and the rest end
// `budget_exhausted` without a task; a task that fails is free, and its reservation goes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, testEnv, type TestServers } from '../harness/servers';
import { startInProcessWorker, type InProcessWorker } from '../harness/workers';
import { jobHarness, uniqueId, type JobHarness } from '../harness/jobs';
import { startJob, waitForJob } from '../../src/client/jobs';
import { spendResolver } from '../../src/worker/worker';
import { billingDay, settleSpendSignal, spendLedgerQuery } from '../../src/shared/spend';
import { reserveSpend } from '../../src/activities/spend';
import type { JobRecord } from '../../src/shared/records';
import { wanflow } from '../harness/cli';

// Each test an account of its own: a day's ledger remembers what the account spent. The third has no
// daily budget: its day has books all the same.
const KEYS = ['sk-daily-budget-account-01', 'sk-daily-budget-account-02', 'sk-daily-books-account-03'];
// 2 s of 720P t2v: 1.2 CNY; the cap pays for two.
const CAP = '2.4 CNY';
let servers: TestServers;
const workers: InProcessWorker[] = [];
const harnesses: JobHarness[] = [];
const envs: NodeJS.ProcessEnv[] = [];

beforeAll(async () => {
  servers = await startTestServers({ keys: Object.fromEntries(KEYS.map((k) => [k, 'cn-beijing'])) });
  for (const [i, key] of KEYS.entries()) {
    const budget = i < 2 ? { WANFLOW_DAILY_BUDGET: CAP } : {};
    const env = testEnv(servers, `daily-budget-${i}`, { DASHSCOPE_API_KEY: key, ...budget });
    envs.push(env);
    workers.push(await startInProcessWorker(env));
    harnesses.push(await jobHarness(env));
  }
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const h of harnesses) await h.client.connection.close();
  await servers?.stop();
});

const t2v = (prompt: string) => ({
  model: 'wan2.7-t2v',
  input: { prompt },
  parameters: { resolution: '720P', duration: 2 },
});

async function run(h: JobHarness, prompts: string[]): Promise<JobRecord[]> {
  const ids = await Promise.all(
    prompts.map(
      async (p) => (await startJob(h.client, h.config, { request: t2v(p), jobId: uniqueId('daily') })).jobId,
    ),
  );
  return Promise.all(ids.map((id) => waitForJob(h.client, id)));
}

async function ledger(i: number) {
  const id = `${spendResolver(harnesses[i]!.config, envs[i]!)!('modelstudio', 'cn-beijing')!.ledger}/${billingDay(Date.now()).day}`;
  return harnesses[i]!.client.workflow.getHandle(id).query(spendLedgerQuery);
}

const tasksOf = (prefix: string) => servers.simulator.tasks().filter((t) => t.prompt?.startsWith(prefix));

describe('a daily budget per account', () => {
  it('five jobs at once against a cap that pays for two: two tasks, spend equal to the cap, three refused unpaid', async () => {
    const records = await run(
      harnesses[0]!,
      [0, 1, 2, 3, 4].map((i) => `daily at once ${i}`),
    );
    const stored = records.filter((r) => r.status === 'stored');
    const refused = records.filter((r) => r.failure?.cause === 'budget_exhausted');
    expect(stored).toHaveLength(2);
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.status === 'failed' && r.taskId === undefined)).toBe(true);
    expect(refused[0]!.failure!.message).toMatch(/daily budget of 2\.4 CNY has 2\.4 spent/);
    expect(refused[0]!.failure!.remedy).toMatch(/WANFLOW_DAILY_BUDGET/);
    expect(tasksOf('daily at once')).toHaveLength(2);
    const books = await ledger(0);
    expect(books.spent.CNY).toBe(2.4);
    expect(books.holds).toEqual({});
  }, 180_000);

  it('`wanflow spend` shows the day as its ledger keeps it; a bad day is refused, naming the flag', async () => {
    const text = await wanflow(['spend'], envs[0]!);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^\d{4}-\d{2}-\d{2}: spent 2\.40 CNY, reserved 0\.00 by 0 job\(s\) running, of a daily budget of 2\.40 CNY \(0\.00 left\)/,
    );
    const json = await wanflow(['spend', '--json'], envs[0]!);
    expect(JSON.parse(json.stdout)).toMatchObject({
      day: billingDay(Date.now()).day,
      open: true,
      spent: 2.4,
      reserved: 0,
      holding: 0,
      cap: 2.4,
      currency: 'CNY',
    });
    const none = await wanflow(['spend', '--day', '2020-01-01'], envs[0]!);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toMatch(/^2020-01-01: nothing reserved or spent/);
    const bad = await wanflow(['spend', '--day', '2026-02-30'], envs[0]!);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--day.*2026-02-30.*calendar date/);
  }, 60_000);

  it('a failed task is free: its reservation goes back and the next jobs fill the day', async () => {
    servers.simulator.setFaults({ dataInspectionTask: 1 });
    const [failed] = await run(harnesses[1]!, ['daily failing']);
    expect(failed).toMatchObject({
      status: 'failed',
      providerStatus: 'FAILED',
      failure: { cause: 'content_policy' },
    });
    expect((await ledger(1)).spent.CNY ?? 0).toBe(0);
    const records = await run(harnesses[1]!, ['daily after 0', 'daily after 1', 'daily after 2']);
    expect(records.filter((r) => r.status === 'stored')).toHaveLength(2);
    expect(records.filter((r) => r.failure?.cause === 'budget_exhausted')).toHaveLength(1);
    expect(tasksOf('daily after')).toHaveLength(2);
    expect((await ledger(1)).spent.CNY).toBe(2.4);
  }, 180_000);

  it('without a daily budget, the day still has books: what each job spent, and `wanflow spend` says so (finding 10)', async () => {
    servers.simulator.setFaults({ dataInspectionTask: 1 });
    const [failed] = await run(harnesses[2]!, ['daily books failing']);
    expect(failed).toMatchObject({ providerStatus: 'FAILED' });
    const [stored] = await run(harnesses[2]!, ['daily books stored']);
    expect(stored).toMatchObject({ status: 'stored', cost: { billed: { amount: 1.2 } } });
    const json = await wanflow(['spend', '--json'], envs[2]!);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      spent: 1.2,
      reserved: 0,
      currency: 'CNY',
      source: 'books',
    });
    expect(JSON.parse(json.stdout).cap).toBeUndefined();
    const text = await wanflow(['spend'], envs[2]!);
    expect(text.stdout).toMatch(
      /spent 1\.20 CNY, as the jobs that ended booked it \(no daily budget held them/,
    );
  }, 180_000);

  it("a day's ledger, once closed, is never started again: a reserve that reaches it late goes to the next day", async () => {
    const h = harnesses[0]!;
    // A minute before midnight (UTC+8) on a day long past: the ledger closes as soon as nothing is held.
    const lateNow = () => Date.parse('2026-01-01T15:59:30Z');
    const spend = {
      ledger: `wanflow-spend/test/${uniqueId('midnight')}`,
      cap: 10,
      currency: 'CNY',
      recheckMs: 1000,
    };
    const first = await reserveSpend(
      { spend, token: 't1', amount: 1, currency: 'CNY' },
      h.client,
      'daily-budget-0',
      lateNow,
    );
    expect(first).toMatchObject({ decision: 'admit', ledgerId: `${spend.ledger}/2026-01-01` });
    const closed = h.client.workflow.getHandle(first.ledgerId);
    await closed.signal(settleSpendSignal, { token: 't1', billed: 1 });
    await closed.result();
    // Started again, it would hold the day's books at zero: the next day's ledger takes the reservation.
    const late = await reserveSpend(
      { spend, token: 't2', amount: 1, currency: 'CNY' },
      h.client,
      'daily-budget-0',
      lateNow,
    );
    expect(late).toMatchObject({ decision: 'admit', ledgerId: `${spend.ledger}/2026-01-02`, spent: 0 });
  }, 60_000);
});
