// Running wanflow's services: `demo` (the embedded stack and the four-stage teaser, start to stored
// videos), `up` (the embedded stack until Ctrl-C) and `worker` (a worker against TEMPORAL_ADDRESS).
import { Command } from 'commander';
import { resolve } from 'node:path';
import { connectClient } from '../../client/jobs';
import { startPipeline } from '../../client/pipelines';
import { runOutputs } from '../../client/runs';
import { readSpecFile } from '../../pipelines/read';
import { EXIT } from '../../shared/errors';
import { pipelineWorkflowId } from '../../shared/ids';
import { installCompactLogging } from '../../worker/logging';
import { action, type CommandContext } from '../context';
import { followRun } from '../follow';
import { untilSignal } from '../signals';

const DEMO_SPEC = resolve(__dirname, '../../../examples/teaser.yaml');

export function demoCommand(ctx: CommandContext): Command {
  return new Command('demo')
    .description('start the embedded stack and run the four-stage example pipeline to stored videos')
    .action(
      action(ctx, async () => {
        const { io } = ctx;
        const config = ctx.config();
        installCompactLogging(config.logLevel, ctx.io.err, config.metricsAddress);
        const { startEmbeddedStack } = await import('../../stack/embedded');
        const stack = await startEmbeddedStack(config, ctx.env, io.err);
        try {
          const client = await connectClient(config);
          const { pipelineId } = await startPipeline(client, config, { spec: readSpecFile(DEMO_SPEC) });
          io.err(
            `started pipeline ${pipelineId} from examples/teaser.yaml: text-to-video → continuation → reference-to-video → edit`,
          );
          const run = {
            kind: 'pipeline' as const,
            id: pipelineId,
            workflowId: pipelineWorkflowId(pipelineId),
          };
          const { code, record } = await followRun(client, run, false, io);
          io.out('  outputs');
          for (const o of runOutputs('pipeline', record))
            io.out(
              `  ${(o.stage ?? '').padEnd(12)} ${o.location}  (${o.width}x${o.height}, ${o.durationSeconds?.toFixed(2)} s)`,
            );
          // At a terminal the stack stays up for the studio; a script gets its exit code at once.
          const studio = `${stack.studioUrl}runs/${encodeURIComponent(pipelineId)}`;
          if (process.stdin.isTTY) {
            io.out(`  studio: ${studio}  (the stack stays up for it; Ctrl-C stops it)`);
            await untilSignal();
          } else io.out(`  studio: ${studio}  (served while \`wanflow up\` runs)`);
          return code;
        } finally {
          await stack.stop();
        }
      }),
    );
}

export function upCommand(ctx: CommandContext): Command {
  return new Command('up')
    .description('run the embedded stack (Temporal dev server, simulator, worker) until Ctrl-C')
    .action(
      action(ctx, async () => {
        const config = ctx.config();
        installCompactLogging(config.logLevel, ctx.io.err, config.metricsAddress);
        const { startEmbeddedStack } = await import('../../stack/embedded');
        const stack = await startEmbeddedStack(config, ctx.env, ctx.io.err);
        ctx.io.err('embedded stack running; Ctrl-C stops it');
        await untilSignal();
        await stack.stop();
        return EXIT.ok;
      }),
    );
}

export function workerCommand(ctx: CommandContext): Command {
  return new Command('worker')
    .description("run a worker against TEMPORAL_ADDRESS's namespace and task queue")
    .action(
      action(ctx, async () => {
        const config = ctx.config();
        installCompactLogging(config.logLevel, ctx.io.err, config.metricsAddress);
        const { createWanflowWorker } = await import('../../worker/worker');
        const w = await createWanflowWorker({
          config,
          env: ctx.env,
          log: (line) => ctx.io.err(`worker: ${line}`),
        });
        ctx.io.err(
          `worker on ${config.temporal.address}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
        );
        await w.run();
        return EXIT.ok;
      }),
    );
}
