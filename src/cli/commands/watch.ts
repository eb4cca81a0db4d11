// `wanflow watch <id>`: follow a run to its end: per-stage progress, elapsed time, ETA.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { findRun } from '../../client/runs';
import { action, type CommandContext } from '../context';
import { followRun } from '../follow';
import { RUN_ID_ARGUMENT } from './status';

export function watchCommand(ctx: CommandContext): Command {
  return new Command('watch')
    .description('follow a run to its end: per-stage progress, elapsed time, ETA')
    .argument('<id>', RUN_ID_ARGUMENT)
    .option('--json', 'NDJSON progress events, the last one holding the final record')
    .action(
      action(ctx, async (id: string, opts: { json?: boolean }) => {
        const client = await connectClient(ctx.config());
        return (await followRun(client, await findRun(client, id), opts.json, ctx.io)).code;
      }),
    );
}
