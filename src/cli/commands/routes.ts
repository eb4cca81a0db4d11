// `wanflow routes`: every route, the models and modes it serves, its price and how it reports completion,
// from the same table the request check uses (cli/routes-table.ts).
import { Command, Option } from 'commander';
import { loadPrices } from '../../config/prices';
import { EXIT } from '../../shared/errors';
import { REGION_IDS, type RegionId } from '../../wan/regions';
import { action, type CommandContext } from '../context';
import { routeRows, routesMarkdown } from '../routes-table';

export function routesCommand(ctx: CommandContext): Command {
  return new Command('routes')
    .description('the routes to Wan 2.7: models and modes each serves, its price, how it reports completion')
    .addOption(
      new Option(
        '--region <region>',
        "Model Studio's prices of this region (default DASHSCOPE_API_REGION)",
      ).choices(REGION_IDS),
    )
    .option('--json', 'the table as JSON: one object per route and model')
    .action(
      action(ctx, (opts: { region?: RegionId; json?: boolean }) => {
        const config = ctx.config();
        const region = opts.region ?? config.region;
        const rows = routeRows(loadPrices(config.pricesFile), region);
        ctx.io.out(opts.json ? JSON.stringify(rows) : routesMarkdown(rows, region));
        return Promise.resolve(EXIT.ok);
      }),
    );
}
