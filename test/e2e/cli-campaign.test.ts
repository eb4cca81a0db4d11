// `wanflow campaign` as an operator uses it, on the shipped example: the dry run's plan and estimate, a
// bad row refused before anything is paid (its line and field named, exit 2), a budget that stops the
// rows it cannot pay for (exit 1, failures by cause), the report as CSV, the same file again adding
// nothing, and steering a campaign that has ended refused (exit 5).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { useJobStack } from '../harness/stack';
import { testEnv } from '../harness/servers';
import { wanflow } from '../harness/cli';
import type { CampaignState } from '../../src/shared/campaigns';

const stack = useJobStack('cli-campaign');
const env = () => testEnv(stack.servers, 'cli-campaign');
const examples = resolve(__dirname, '../../examples/campaign');
beforeEach(() => stack.servers.simulator.reset());

/** The example copied to a folder of its own, its rows file named `name`.csv. */
function example(name: string, csv?: string): { rows: string; template: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-cli-campaign-'));
  const template = join(dir, 'product-shots.yaml');
  copyFileSync(join(examples, 'product-shots.yaml'), template);
  const rows = join(dir, `${name}.csv`);
  writeFileSync(rows, csv ?? readFileSync(join(examples, 'product-shots.csv')));
  return { rows, template };
}

/** The campaigns guide's `wanflow campaign start …` command that runs the example (not its dry run), as arguments. */
function readmeExampleArgs(): string[] {
  const readme = readFileSync(resolve(__dirname, '../../docs/campaigns.md'), 'utf8');
  const commands = readme
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(
      (line) => line.startsWith('wanflow campaign start examples/campaign/') && !line.includes('--dry-run'),
    );
  expect(commands).toHaveLength(1);
  return commands[0]!.split(/\s+/).slice(1);
}

describe('wanflow campaign', () => {
  it("the campaigns guide's example, as written, stores every row and exits 0", async () => {
    const args = readmeExampleArgs();
    const { rows, template } = example('product-shots');
    const local = args.map((a) =>
      a === 'examples/campaign/product-shots.csv'
        ? rows
        : a === 'examples/campaign/product-shots.yaml'
          ? template
          : a,
    );
    const r = await wanflow([...local, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const finished = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { state: CampaignState };
    expect(finished.state.counters).toMatchObject({ total: 6, stored: 6 });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(6);
    // `wanflow list` shows the campaign (not its rows) beside pipelines and jobs.
    const listed = await wanflow(['list', '--kind', 'campaign', '--json'], env());
    const runs = JSON.parse(listed.stdout) as { id: string; kind: string }[];
    expect(runs.map((r) => r.id)).toContain('product-shots');
    expect(runs.every((r) => r.kind === 'campaign' && !r.id.includes('~'))).toBe(true);
  });

  it('--dry-run prints every row, the exact estimate and the makespan, and starts nothing', async () => {
    const { rows, template } = example('dry');
    const r = await wanflow(
      ['campaign', 'start', rows, '--template', template, '--key-column', 'sku', '--dry-run', '--json'],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      rows: number;
      new: number;
      estimate: Record<string, number>;
      makespanSeconds: number;
    };
    // Four 2 s rows and two 3 s rows of 720P at 0.6 CNY a second.
    expect(plan).toMatchObject({ rows: 6, new: 6, estimate: { CNY: 8.4 } });
    expect(plan.makespanSeconds).toBeGreaterThan(0);
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  });

  it('a bad row refuses the whole start before anything is paid, naming its line and field', async () => {
    const csv = readFileSync(join(examples, 'product-shots.csv'), 'utf8').replace(
      'sku-002,a leather backpack,cool,2',
      'sku-002,a leather backpack,cool,ninety',
    );
    const { rows, template } = example('bad', csv);
    const r = await wanflow(
      ['campaign', 'start', rows, '--template', template, '--key-column', 'sku'],
      env(),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rows\[line 3\]\.parameters\.duration/);
    expect(r.stderr).toMatch(/ninety/);
    expect(stack.servers.simulator.stats().createRequests).toBe(0);
  });

  it('a budget stops the rows it cannot pay for; the report and the failures say so; the same file adds nothing', async () => {
    const { rows, template } = example('budget');
    const r = await wanflow(
      ['campaign', 'start', rows, '--template', template, '--key-column', 'sku', '--budget', '4', '--json'],
      env(),
    );
    // Rows not stored: exit 1.
    expect(r.code, r.stderr).toBe(1);
    const finished = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      event: string;
      state: CampaignState;
    };
    expect(finished.event).toBe('finished');
    // In file order: 1.2 + 1.2 fit; 1.8 would pass 4; 1.2 fits (3.6); the last two would pass it.
    expect(finished.state.counters).toMatchObject({ stored: 3, budgetExhausted: 3 });
    expect(finished.state.spent.CNY).toBeCloseTo(3.6, 6);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(3);

    const csv = await wanflow(['campaign', 'report', 'budget', '--csv'], env());
    expect(csv.code, csv.stderr).toBe(0);
    const report = parse(csv.stdout, { columns: true }) as { key: string; status: string; billed: string }[];
    expect(Object.fromEntries(report.map((row) => [row.key, row.status]))).toEqual({
      'sku-001': 'stored',
      'sku-002': 'stored',
      'sku-003': 'budget_exhausted',
      'sku-004': 'stored',
      'sku-005': 'budget_exhausted',
      'sku-006': 'budget_exhausted',
    });
    const failures = await wanflow(['campaign', 'report', 'budget', '--failures'], env());
    expect(failures.stdout).toMatch(/budget_exhausted: 3 rows/);
    expect(failures.stdout).toMatch(/Raise the budget/);

    const again = await wanflow(
      ['campaign', 'start', rows, '--template', template, '--key-column', 'sku', '--no-wait', '--json'],
      env(),
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ campaign: 'budget', added: 0, known: 6 });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(3);

    const pause = await wanflow(['campaign', 'pause', 'budget'], env());
    expect(pause.code).toBe(5);
    expect(pause.stderr).toMatch(/not running/);
    const missing = await wanflow(['campaign', 'status', 'no-such-campaign'], env());
    expect(missing.code).toBe(4);
  });
});
