// `wanflow result <id>`: where a run's outputs and manifest are: paths, s3:// locations or signed URLs.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { findRun, runOutputs, waitForRun } from '../../client/runs';
import { EXIT } from '../../shared/errors';
import { createStore } from '../../storage';
import { action, type CommandContext } from '../context';
import { exitForStatus } from '../exit-codes';
import { wholeNumberIn } from '../flags';
import { noRecord, RUN_ID_ARGUMENT } from './status';

interface ResultOptions {
  wait?: boolean;
  urls?: boolean;
  expiresIn: number;
  json?: boolean;
}

export function resultCommand(ctx: CommandContext): Command {
  return new Command('result')
    .description('where the outputs and the manifest are (paths, s3:// or signed URLs)')
    .argument('<id>', RUN_ID_ARGUMENT)
    .option('--wait', 'wait for a running run to end first')
    .option('--urls', 'signed URLs instead of locations')
    .option(
      '--expires-in <seconds>',
      'how long signed URLs work, up to 7 days',
      wholeNumberIn(1, 7 * 86400),
      3600,
    )
    .option('--json', 'the outputs and manifest as JSON')
    .action(
      action(ctx, async (id: string, opts: ResultOptions) => {
        const { io } = ctx;
        const config = ctx.config();
        const client = await connectClient(config);
        const run = await findRun(client, id);
        if (run.running && !opts.wait) {
          io.err(
            `${run.kind} ${run.id} is still running; wait with --wait or follow it with \`wanflow watch ${run.id}\``,
          );
          return EXIT.wrongState;
        }
        const record = run.running ? await waitForRun(client, run) : run.record;
        if (!record) {
          io.err(noRecord(run));
          return EXIT.failed;
        }
        const store = createStore(config.storage);
        const outputs = runOutputs(run.kind, record);
        if (opts.urls) for (const o of outputs) o.url = await store.url(o.key, opts.expiresIn);
        const manifest = record.manifestKey
          ? {
              key: record.manifestKey,
              location: store.location(record.manifestKey),
              url: opts.urls ? await store.url(record.manifestKey, opts.expiresIn) : undefined,
            }
          : undefined;
        if (opts.json)
          io.out(
            JSON.stringify({ id: run.id, kind: run.kind, status: record.status, outputs, manifest }, null, 2),
          );
        else {
          for (const o of outputs) io.out(`${(o.stage ?? o.jobId).padEnd(12)} ${o.url ?? o.location}`);
          if (manifest) io.out(`${'manifest'.padEnd(12)} ${manifest.url ?? manifest.location}`);
          if (record.status !== 'stored') io.err(`${run.kind} ${run.id} ended ${record.status}`);
        }
        return exitForStatus(record.status);
      }),
    );
}
