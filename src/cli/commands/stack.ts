// Running wanflow's services: `demo` (the embedded stack and the four-stage teaser, start to stored
// videos), `up` (the embedded stack until Ctrl-C) and `worker` (a worker against TEMPORAL_ADDRESS).
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidRequestError } from '../../wan/validation';
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

const EXAMPLES = resolve(__dirname, '../../../examples');

/** The shipped pipeline examples, by name: `examples/<name>.yaml`. */
export function exampleSpecs(): string[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

function exampleSpec(name: string): string {
  if (!exampleSpecs().includes(name))
    throw new InvalidRequestError([
      { field: '--example', value: name, message: `is not a shipped example: ${exampleSpecs().join(', ')}` },
    ]);
  return join(EXAMPLES, `${name}.yaml`);
}

export function demoCommand(ctx: CommandContext): Command {
  return new Command('demo')
    .description(
      'start the embedded stack and run an example pipeline (the four-stage teaser) to stored videos',
    )
    .option('--example <name>', `the example to run: ${exampleSpecs().join(', ')}`, 'teaser')
    .action(
      action(ctx, async (opts: { example: string }) => {
        const { io } = ctx;
        const file = exampleSpec(opts.example);
        const config = ctx.config();
        installCompactLogging(config.logLevel, ctx.io.err, config.metricsAddress);
        const { startEmbeddedStack } = await import('../../stack/embedded');
        const stack = await startEmbeddedStack(config, ctx.env, io.err);
        try {
          const client = await connectClient(config);
          const spec = readSpecFile(file);
          const { pipelineId } = await startPipeline(client, config, { spec });
          io.err(
            `started pipeline ${pipelineId} from examples/${opts.example}.yaml: ${stagesOf(spec).join(' → ')}`,
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
              `  ${(o.stage ?? '').padEnd(12)} ${o.location}  (${o.width}x${o.height}${o.durationSeconds === undefined ? '' : `, ${o.durationSeconds.toFixed(2)} s`})`,
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

/** Each stage as `id (model)`. */
function stagesOf(spec: unknown): string[] {
  return ((spec as { stages?: { id?: string; request?: { model?: string } }[] }).stages ?? []).map(
    (s) => `${s.id} (${s.request?.model})`,
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
