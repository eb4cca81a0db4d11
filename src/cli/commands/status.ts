// `wanflow status <id>`: a pipeline's stages (live jobs included while it runs), or a job's record.
import { Command } from 'commander';
import { connectClient } from '../../client/jobs';
import { findRun, type Run } from '../../client/runs';
import { EXIT } from '../../shared/errors';
import { action, type CommandContext } from '../context';
import { pipelineTable } from '../pipeline-view';
import { summary } from '../progress';
import { liveJobs } from '../watch';

export const RUN_ID_ARGUMENT =
  "a pipeline's ID (its --key), a job's ID, or a pipeline's job as <pipeline-id>/<stage>";

export function statusCommand(ctx: CommandContext): Command {
  return new Command('status')
    .description("a pipeline's stages (or a job's record), live while it runs")
    .argument('<id>', RUN_ID_ARGUMENT)
    .option('--json', 'the run as JSON: kind, running, started, record')
    .action(
      action(ctx, async (id: string, opts: { json?: boolean }) => {
        const client = await connectClient(ctx.config());
        const run = await findRun(client, id);
        const { io } = ctx;
        if (opts.json) {
          const { kind, running, started, unanswered, record } = run;
          io.out(JSON.stringify({ kind, running, started, unanswered, record }, null, 2));
        } else if (!run.record) io.out(noRecord(run));
        else if (run.kind === 'job') io.out(summary(run.record));
        else
          io.out(
            pipelineTable(run.record, Date.now(), run.running ? await liveJobs(client, run.record) : {}),
          );
        return EXIT.ok;
      }),
    );
}

/** Why a run has no record: no worker answered for a running one, or it was terminated by hand. */
export function noRecord(run: Run): string {
  return run.running
    ? `${run.kind} ${run.id}: running since ${run.started}, but no worker answered for its state (${run.unanswered}); is \`wanflow worker\` running on this task queue?`
    : `${run.kind} ${run.id}: closed without a record (terminated?)`;
}
