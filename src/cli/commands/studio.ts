// `wanflow studio`: the web page where a team sees its runs and their videos, live, and steers them.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { EXIT } from '../../shared/errors';
import { createStore } from '../../storage';
import { serveStudio } from '../../studio/server';
import { action, type CommandContext } from '../context';
import { wholeNumberIn } from '../flags';
import { untilSignal } from '../signals';

interface StudioFlags {
  host: string;
  port?: number;
  allowedHost: string[];
}

export function studioCommand(ctx: CommandContext): Command {
  return new Command('studio')
    .description('a web page of runs and their videos: watch them live, cancel, pause and resume')
    .option(
      '--host <address>',
      'listen address (beyond loopback: WANFLOW_STUDIO_TOKEN is required)',
      '127.0.0.1',
    )
    .option(
      '--port <port>',
      'listen port (0: any free one; default WANFLOW_STUDIO_PORT, 8094)',
      wholeNumberIn(0, 65535),
    )
    .option(
      '--allowed-host <name>',
      'a Host name visitors may use besides loopback (repeatable; behind a proxy)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .action(
      action(ctx, async (opts: StudioFlags) => {
        const config = ctx.config();
        const client = await connectClient(config);
        const studio = await serveStudio({
          client,
          config,
          store: createStore(config.storage),
          token: config.studioToken,
          allowedHosts: opts.allowedHost,
          host: opts.host,
          port: opts.port ?? config.studioPort,
        });
        ctx.io.err(
          `wanflow studio on ${studio.url}${config.studioToken ? ' (open it once with ?token=…)' : ''}`,
        );
        await untilSignal();
        await studio.close();
        await client.connection.close();
        return EXIT.ok;
      }),
    );
}
