// `wanflow list`: pipelines, newest first, filtered by state and labels.
import { Command, Option } from 'commander';
import { connectClient } from '../../client/jobs';
import { listPipelines } from '../../client/runs';
import { EXIT } from '../../shared/errors';
import { action, type CommandContext } from '../context';
import { keyValue, wholeNumberIn } from '../flags';
import { listTable } from '../pipeline-view';

export function listCommand(ctx: CommandContext): Command {
  return new Command('list')
    .description('pipelines, newest first')
    .addOption(
      new Option('--state <state>', 'only pipelines in this state').choices([
        'running',
        'stored',
        'failed',
        'canceled',
      ]),
    )
    .option('--label <key=value>', 'only pipelines with this label (repeatable: all of them)', keyValue)
    .option('--limit <n>', 'at most this many (default 100)', wholeNumberIn(1, 10_000))
    .option('--json', 'the rows as JSON')
    .action(
      action(ctx, async (opts: { state?: string; label?: string[]; limit?: number; json?: boolean }) => {
        const config = ctx.config();
        const client = await connectClient(config);
        const rows = await listPipelines(
          client,
          { state: opts.state, labels: opts.label, limit: opts.limit },
          config.searchAttributes,
        );
        ctx.io.out(opts.json ? JSON.stringify(rows, null, 2) : listTable(rows));
        return EXIT.ok;
      }),
    );
}
