// `wanflow setup`: register wanflow's search attributes on the configured namespace, once per cluster.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { registerSearchAttributes } from '../../client/setup';
import { EXIT } from '../../shared/errors';
import { action, type CommandContext } from '../context';

export function setupCommand(ctx: CommandContext): Command {
  return new Command('setup')
    .description("register wanflow's search attributes on TEMPORAL_ADDRESS's namespace (once per cluster)")
    .action(
      action(ctx, async () => {
        const config = ctx.config();
        const added = await registerSearchAttributes(await connectClient(config), config.temporal.namespace);
        ctx.io.out(
          added.length
            ? `registered search attributes in namespace ${config.temporal.namespace}: ${added.join(', ')}`
            : `namespace ${config.temporal.namespace} already has wanflow's search attributes`,
        );
        return EXIT.ok;
      }),
    );
}
