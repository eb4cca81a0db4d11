// `wanflow setup`: register wanflow's search attributes on the configured namespace, once per cluster.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { registerSearchAttributes, searchAttributesUsable } from '../../client/setup';
import { EXIT } from '../../shared/errors';
import { action, type CommandContext } from '../context';

export function setupCommand(ctx: CommandContext): Command {
  return new Command('setup')
    .description("register wanflow's search attributes on TEMPORAL_ADDRESS's namespace (once per cluster)")
    .action(
      action(ctx, async () => {
        const config = ctx.config();
        const client = await connectClient(config);
        const namespace = config.temporal.namespace;
        const added = await registerSearchAttributes(client, namespace);
        // Attributes just added are refused by starts until the frontend's namespace cache refreshes
        // (~10 s on a cluster): the command returns once they are usable, so a start right after works.
        for (let i = 0; i < 120 && !(await searchAttributesUsable(client, namespace)); i++)
          await new Promise((r) => setTimeout(r, 250));
        ctx.io.out(
          added.length
            ? `registered search attributes in namespace ${config.temporal.namespace}: ${added.join(', ')}`
            : `namespace ${config.temporal.namespace} already has wanflow's search attributes`,
        );
        return EXIT.ok;
      }),
    );
}
