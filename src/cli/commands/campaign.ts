// `wanflow campaign`: thousands of rows from one command. `start` plans every row first (a wrong row
// refuses the whole start, naming its line and field; `--dry-run` prints the plan, the estimate and the
// makespan), then follows the campaign; the others read, steer and report on it.
import { Command, Option } from 'commander';
import { dirname, basename, resolve } from 'node:path';
import { connectClient } from '../../client/jobs';
import {
  campaignReport,
  cancelCampaign,
  changeCampaign,
  getCampaignState,
  startCampaign,
  previewCampaign,
  waitForCampaign,
  type CampaignRequest,
} from '../../client/campaigns';
import { readRowsFile } from '../../campaigns/rows';
import { failureGroups, reportCsv, reportJsonl } from '../../campaigns/report';
import { readSpecFile } from '../../pipelines/read';
import { RUN_ID } from '../../shared/ids';
import { EXIT } from '../../shared/errors';
import { REGION_IDS } from '../../wan/regions';
import { ROUTES } from '../../wan/routes';
import { action, type CommandContext } from '../context';
import { UsageError } from '../errors';
import { wholeNumber, wholeNumberIn } from '../flags';
import { exitForCampaign, failureLines, followCampaign, progressLine } from '../campaign-view';

interface StartOptions {
  template?: string;
  name?: string;
  keyColumn?: string;
  window?: number;
  priority?: number;
  budget?: number;
  route?: (typeof ROUTES)[number];
  region?: (typeof REGION_IDS)[number];
  dryRun?: boolean;
  wait: boolean;
  json?: boolean;
  live?: boolean;
}

const ID = 'the campaign ID (`--name` at start; by default the rows file name)';

function amount(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0))
    throw new UsageError(`--budget ${value}: must be a number above 0`);
  return n;
}

export function campaignCommand(ctx: CommandContext): Command {
  const campaign = new Command('campaign').description(
    'run thousands of rows under the account limits and a budget: start, status, watch, pause, resume, set, cancel, report',
  );
  campaign.addCommand(startCommand(ctx));
  campaign.addCommand(
    new Command('status')
      .description("a campaign's progress and spend, once")
      .argument('<id>', ID)
      .option('--json', 'the state as JSON')
      .action(
        action(ctx, async (id: string, opts: { json?: boolean }) => {
          const config = ctx.config();
          const state = await getCampaignState(await connectClient(config), config, id);
          ctx.io.out(opts.json ? JSON.stringify(state, null, 2) : progressLine(state, Date.now()));
          return EXIT.ok;
        }),
      ),
  );
  campaign.addCommand(
    new Command('watch')
      .description('follow a campaign until it ends (a line when it changes; --json: NDJSON)')
      .argument('<id>', ID)
      .option('--json', 'NDJSON progress events, then the final state')
      .action(action(ctx, async (id: string, opts: { json?: boolean }) => follow(ctx, id, opts.json))),
  );
  const change = (name: string, description: string, paused: boolean) =>
    new Command(name)
      .description(description)
      .argument('<id>', ID)
      .option('--json', 'the state after it, as JSON')
      .action(
        action(ctx, async (id: string, opts: { json?: boolean }) => {
          const state = await changeCampaign(await connectClient(ctx.config()), id, { paused });
          ctx.io.out(opts.json ? JSON.stringify(state, null, 2) : progressLine(state, Date.now()));
          return EXIT.ok;
        }),
      );
  campaign.addCommand(change('pause', 'admit no new row; rows running go on', true));
  campaign.addCommand(change('resume', 'admit rows again', false));
  campaign.addCommand(
    new Command('set')
      .description("change a running campaign's window, priority or budget")
      .argument('<id>', ID)
      .option('--window <rows>', 'rows in flight at once', wholeNumberIn(1, 10_000))
      .option(
        '--priority <n>',
        "rows admitted from now on: lower goes first in the account slots' queue",
        wholeNumber,
      )
      .option('--budget <amount>', 'a new hard cap, in the currency of its prices', amount)
      .option('--json', 'the state after it, as JSON')
      .action(
        action(
          ctx,
          async (
            id: string,
            opts: { window?: number; priority?: number; budget?: number; json?: boolean },
          ) => {
            if (opts.window === undefined && opts.priority === undefined && opts.budget === undefined)
              throw new UsageError('nothing to set: give --window, --priority or --budget');
            const state = await changeCampaign(await connectClient(ctx.config()), id, {
              window: opts.window,
              priority: opts.priority,
              budgetCap: opts.budget,
            });
            ctx.io.out(opts.json ? JSON.stringify(state, null, 2) : progressLine(state, Date.now()));
            return EXIT.ok;
          },
        ),
      ),
  );
  campaign.addCommand(
    new Command('cancel')
      .description('cancel: rows not started never start, PENDING tasks are canceled, RUNNING ones collected')
      .argument('<id>', ID)
      .option('--wait', 'wait for the rows in flight to end, then print the summary')
      .option('--json', 'the outcome as JSON')
      .action(
        action(ctx, async (id: string, opts: { wait?: boolean; json?: boolean }) => {
          const client = await connectClient(ctx.config());
          await cancelCampaign(client, id);
          if (!opts.wait) {
            ctx.io.out(
              opts.json ? JSON.stringify({ id, canceled: true }) : `cancel requested for campaign ${id}`,
            );
            return EXIT.ok;
          }
          const state = await waitForCampaign(client, id);
          ctx.io.out(opts.json ? JSON.stringify(state, null, 2) : progressLine(state, Date.now()));
          return exitForCampaign(state);
        }),
      ),
  );
  campaign.addCommand(
    new Command('report')
      .description("every row's status, tasks, outputs and cost (JSONL; --csv), and failures by cause")
      .argument('<id>', ID)
      .option('--csv', 'CSV instead of JSONL')
      .option('--failures', 'only the failures, grouped by cause with their remedies')
      .action(
        action(ctx, async (id: string, opts: { csv?: boolean; failures?: boolean }) => {
          const config = ctx.config();
          const rows = await campaignReport(await connectClient(config), config, id);
          if (opts.failures) {
            const lines = failureLines(failureGroups(rows));
            ctx.io.out(lines.length ? lines.join('\n') : 'no failures');
          } else ctx.io.out((opts.csv ? reportCsv(rows) : reportJsonl(rows)).trimEnd());
          return EXIT.ok;
        }),
      ),
  );
  return campaign;
}

function startCommand(ctx: CommandContext): Command {
  return new Command('start')
    .description('plan every row, then run the new ones (the same file again adds nothing)')
    .argument(
      '<rows>',
      'rows: CSV with a header, or JSONL (without --template: one whole job request per line)',
    )
    .option('--template <file>', 'a job request or pipeline spec (YAML/JSON) with {{column}} placeholders')
    .option('--name <id>', "the campaign's ID (default: the rows file's name)")
    .option('--key-column <column>', "a column of unique row keys (default: a hash of the row's values)")
    .option(
      '--window <rows>',
      'rows in flight at once (default: twice the account limit)',
      wholeNumberIn(1, 10_000),
    )
    .option(
      '--priority <n>',
      "the rows' place in the account slots' queues: lower first (default 0)",
      wholeNumber,
    )
    .option('--budget <amount>', "a hard cap on the campaign's spend, in its prices' currency", amount)
    .addOption(new Option('--route <route>', 'the route job rows go through').choices(ROUTES))
    .addOption(
      new Option('--region <region>', "job rows' region (default DASHSCOPE_API_REGION)").choices(REGION_IDS),
    )
    .option('--dry-run', 'print the rows, the estimate and the makespan; start nothing')
    .option('--no-wait', "print the campaign's ID and return once it is started")
    .option('--json', 'JSON: the plan (--dry-run), or NDJSON progress and the final state')
    .option('--live', 'reach the paid API (needs its key); without it, the simulator')
    .action(
      action(ctx, async (rowsFile: string, opts: StartOptions) => {
        const config = ctx.config(opts.live);
        const request = campaignRequest(rowsFile, opts);
        if (opts.dryRun) {
          const preview = await previewCampaign(config, request);
          const view = {
            campaign: request.campaignId,
            rows: preview.plan.rows.length,
            new: preview.newRows.length,
            known: preview.knownRows,
            duplicates: preview.plan.duplicates,
            estimate: preview.newEstimate,
            unpriced: preview.plan.unpriced,
            makespanSeconds: preview.plan.makespanSeconds,
            window: preview.window,
          };
          if (opts.json) ctx.io.out(JSON.stringify({ ...view, planned: preview.newRows }, null, 2));
          else {
            for (const row of preview.newRows)
              ctx.io.out(
                `line ${row.line}  ${row.key}  ${row.tasks.map((t) => `${t.model}${t.estimate ? ` ${t.estimate.amount} ${t.estimate.currency}` : ''}`).join(' + ')}`,
              );
            const estimate =
              Object.entries(view.estimate)
                .map(([c, n]) => `${n} ${c}`)
                .join(' + ') || 'nothing';
            ctx.io.out(
              `${view.new} new rows (${view.known} already in the campaign, ${view.duplicates.length} repeated in the file): estimate ${estimate}${view.unpriced ? ` (+${view.unpriced} rows without a price)` : ''}; at least ${Math.ceil(view.makespanSeconds / 60)} min under the account limits; window ${view.window}`,
            );
          }
          return EXIT.ok;
        }
        const client = await connectClient(config);
        const started = await startCampaign(client, config, request);
        if (!opts.json)
          ctx.io.err(
            `campaign ${started.campaignId}: ${started.added} rows added${started.known ? `, ${started.known} already in it` : ''}`,
          );
        if (!opts.wait) {
          ctx.io.out(
            opts.json
              ? JSON.stringify({ campaign: started.campaignId, added: started.added, known: started.known })
              : started.campaignId,
          );
          return EXIT.ok;
        }
        return follow(ctx, started.campaignId, opts.json, opts.live);
      }),
    );
}

function campaignRequest(rowsFile: string, opts: StartOptions): CampaignRequest {
  const rows = readRowsFile(rowsFile);
  const body = opts.template === undefined ? undefined : readSpecFile(opts.template, 'template');
  const kind = typeof body === 'object' && body !== null && 'stages' in body ? 'pipeline' : 'job';
  if (kind === 'pipeline' && (opts.route || opts.region))
    throw new UsageError(
      `--${opts.route ? 'route' : 'region'} is for job rows; a pipeline's stages name their own`,
    );
  const name = opts.name ?? basename(rowsFile).replace(/\.[^.]*$/, '');
  if (opts.name === undefined && !RUN_ID.test(name))
    throw new UsageError(`the rows file's name ${JSON.stringify(name)} cannot name a campaign: give --name`);
  return {
    campaignId: name,
    template: { kind, ...(body !== undefined ? { body } : {}), route: opts.route, region: opts.region },
    rows,
    keyColumn: opts.keyColumn,
    // Local files named in rows are found next to the rows file (and the template's, the same folder).
    baseDir: dirname(resolve(rowsFile)),
    window: opts.window,
    priority: opts.priority,
    budget: opts.budget,
  };
}

async function follow(ctx: CommandContext, id: string, json?: boolean, live?: boolean): Promise<number> {
  const config = ctx.config(live);
  const client = await connectClient(config);
  const state = await followCampaign(client, config, id, json, ctx.io);
  if (json) ctx.io.out(JSON.stringify({ event: 'finished', state }));
  else {
    ctx.io.out(progressLine(state, Date.now()));
    const lines = failureLines(failureGroups(await campaignReport(client, config, id)));
    if (lines.length) ctx.io.out(['failures by cause:', ...lines].join('\n'));
    if (state.reportKeys) ctx.io.out(`report: ${state.reportKeys.jsonl}, ${state.reportKeys.csv}`);
  }
  return exitForCampaign(state);
}
