// `wanflow spend`: what an account has spent and holds in a billing day against its daily budget
// (WANFLOW_DAILY_BUDGET), from the day's ledger.
import { Command, InvalidArgumentError, Option } from 'commander';
import { connectClient } from '../../client/jobs';
import { dailySpend, type DailySpend } from '../../client/spend';
import { EXIT } from '../../shared/errors';
import { billingDay } from '../../shared/spend';
import { REGION_IDS, type RegionId } from '../../wan/regions';
import { ROUTES, type RouteId } from '../../wan/routes';
import { spendLedgerPrefix } from '../../worker/worker';
import { action, type CommandContext } from '../context';

interface SpendOptions {
  day?: string;
  route: RouteId;
  region?: RegionId;
  json?: boolean;
}

export function spendCommand(ctx: CommandContext): Command {
  return new Command('spend')
    .description("an account's spend in a billing day (UTC+8) against its daily budget")
    .option('--day <YYYY-MM-DD>', 'the billing day (default: today, UTC+8)', billingDate)
    .addOption(
      new Option('--route <route>', 'the route whose account').choices(ROUTES).default('modelstudio'),
    )
    .addOption(
      new Option('--region <region>', "the account's region (default DASHSCOPE_API_REGION)").choices(
        REGION_IDS,
      ),
    )
    .option('--json', 'the day as JSON: day, ledger, open, spent, reserved, holding, cap, currency')
    .action(
      action(ctx, async (opts: SpendOptions) => {
        const config = ctx.config();
        const region = opts.region ?? config.region;
        const day = opts.day ?? billingDay(Date.now()).day;
        const prefix = spendLedgerPrefix(config, ctx.env, opts.route, region);
        const client = await connectClient(config);
        try {
          const spend = await dailySpend(client, prefix, day);
          if (opts.json) ctx.io.out(JSON.stringify(spend ?? { day, ledger: `${prefix}/${day}`, spent: 0 }));
          else ctx.io.out(spend ? spendLine(spend) : `${day}: nothing reserved or spent (${prefix}/${day})`);
          if (!config.dailyBudget && !opts.json)
            ctx.io.err('no daily budget is set now (WANFLOW_DAILY_BUDGET): jobs are not held to one');
          return EXIT.ok;
        } finally {
          await client.connection.close();
        }
      }),
    );
}

/** A billing day as typed: a real calendar date. */
function billingDate(value: string): string {
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!ok) throw new InvalidArgumentError('must be a calendar date, YYYY-MM-DD');
  return value;
}

function spendLine(s: DailySpend): string {
  const money = (n: number) => n.toFixed(2);
  if (s.cap === undefined)
    return `${s.day}: spent ${money(s.spent)} ${s.currency}, as the jobs that ended booked it (no daily budget held them; an outcome not known counts as spent); ledger ${s.ledger}`;
  const left = Math.max(0, s.cap - s.spent - s.reserved);
  return [
    `${s.day}: spent ${money(s.spent)} ${s.currency}, reserved ${money(s.reserved)} by ${s.holding} job(s) running,`,
    `of a daily budget of ${money(s.cap)} ${s.currency} (${money(left)} left); ledger ${s.ledger}, ${s.open ? 'open' : 'closed'}`,
  ].join(' ');
}
