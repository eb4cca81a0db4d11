// `wanflow cancel <id>`: PENDING tasks are canceled at the provider (free); RUNNING ones are collected
// and kept, since they are paid for anyway.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { cancelRun, waitForRun } from '../../client/runs';
import { EXIT } from '../../shared/errors';
import type { JobRecord, PipelineRecord } from '../../shared/records';
import { action, type CommandContext } from '../context';
import { exitForStatus } from '../exit-codes';
import { pipelineTable } from '../pipeline-view';
import { summary } from '../progress';
import { RUN_ID_ARGUMENT } from './status';

export function cancelCommand(ctx: CommandContext): Command {
  return new Command('cancel')
    .description('cancel a run: PENDING tasks are canceled, RUNNING ones collected and kept')
    .argument('<id>', RUN_ID_ARGUMENT)
    .option('--wait', 'wait for the run to end and print its record')
    .option('--json', 'the outcome as JSON')
    .action(
      action(ctx, async (id: string, opts: { wait?: boolean; json?: boolean }) => {
        const { io } = ctx;
        const client = await connectClient(ctx.config());
        const run = await cancelRun(client, id);
        if (!run.running) {
          const status = run.record?.status ?? 'closed';
          io.out(
            opts.json
              ? JSON.stringify({ id: run.id, kind: run.kind, canceled: false, status })
              : `${run.kind} ${run.id} already ended: ${status}; nothing to cancel`,
          );
          return EXIT.wrongState;
        }
        if (!opts.wait) {
          io.out(
            opts.json
              ? JSON.stringify({ id: run.id, kind: run.kind, canceled: true })
              : `cancel requested for ${run.kind} ${run.id}`,
          );
          return EXIT.ok;
        }
        const record = await waitForRun(client, run);
        if (opts.json) io.out(JSON.stringify(record, null, 2));
        else
          io.out(
            run.kind === 'pipeline'
              ? pipelineTable(record as PipelineRecord, Date.now())
              : summary(record as JobRecord),
          );
        return exitForStatus(record.status);
      }),
    );
}
