// `wanflow webhooks`: the receiver that wrapper routes push completion to, and Model Studio's completion
// events (the account's EventBridge rule); it wakes the job the delivery is for.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { receiverOptions, startWebhookReceiver } from '../../webhooks/receiver';
import { EXIT } from '../../shared/errors';
import { action, type CommandContext } from '../context';
import { wholeNumberIn } from '../flags';
import { untilSignal } from '../signals';

export function webhooksCommand(ctx: CommandContext): Command {
  return new Command('webhooks')
    .description("run the receiver of wrapper routes' webhooks and Model Studio's completion events")
    .option('--port <port>', 'listen port (default WANFLOW_WEBHOOK_PORT, 8091)', wholeNumberIn(0, 65535))
    .option('--host <host>', 'listen address (default 127.0.0.1)')
    .action(
      action(ctx, async (opts: { port?: number; host?: string }) => {
        const config = ctx.config();
        const client = await connectClient(config);
        const receiver = await startWebhookReceiver({
          ...receiverOptions(config, client, ctx.env),
          port: opts.port ?? config.webhookPort,
          host: opts.host,
        });
        ctx.io.err(
          `webhook receiver on ${receiver.url}; set WANFLOW_WEBHOOK_URL on workers to its public address`,
        );
        await untilSignal();
        await receiver.close();
        return EXIT.ok;
      }),
    );
}
