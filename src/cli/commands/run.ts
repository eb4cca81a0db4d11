// `wanflow run`: start a job or a pipeline and follow it until its outputs are stored. A file (or `-`,
// standard input) holds a pipeline spec (it has `stages`) or one job's request body; without one, the
// request flags build a job. Both follow to the end by default; --no-wait prints the ID and returns.
import { Command, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { connectClient, startJob } from '../../client/jobs';
import { startPipeline } from '../../client/pipelines';
import { pipelineWorkflowId } from '../../shared/ids';
import { parseSpecText, readSpecFile } from '../../pipelines/read';
import { REGION_IDS } from '../../wan/regions';
import { ROUTES } from '../../wan/routes';
import { jobWorkflowId } from '../../shared/ids';
import { action, type CommandContext } from '../context';
import { UsageError } from '../errors';
import { keyValue, pairs } from '../flags';
import { followRun } from '../follow';
import {
  addRequestFlags,
  REQUEST_FLAGS,
  requestFlagGiven,
  requestFromFlags,
  type RequestFlags,
} from '../requests';

interface RunOptions extends RequestFlags {
  key?: string;
  label?: string[];
  route?: (typeof ROUTES)[number];
  region?: (typeof REGION_IDS)[number];
  wait: boolean;
  json?: boolean;
  live?: boolean;
}

export function runCommand(ctx: CommandContext): Command {
  const command = new Command('run')
    .description('start a job or a pipeline and follow it until its outputs are stored')
    .argument('[file]', 'a pipeline spec or one job\'s request body, YAML or JSON; "-" reads standard input')
    .option('--key <id>', "the run's ID: the same key gives back the same run, nothing is paid twice")
    .option('--label <key=value>', "a label joining the pipeline spec's labels (repeatable)", keyValue)
    .addOption(new Option('--route <route>', 'the route a job goes through').choices(ROUTES))
    .addOption(
      new Option('--region <region>', "a job's region (default DASHSCOPE_API_REGION)").choices(REGION_IDS),
    )
    .option('--no-wait', "print the run's ID and return at once")
    .option('--json', "NDJSON: a pipeline's progress events, then the final record (--no-wait: the ID)")
    .option('--live', 'reach the paid API (needs its key); without it, the simulator');
  addRequestFlags(command);
  return command.action(
    action(ctx, async (file: string | undefined, opts: RunOptions) => {
      const start =
        file === undefined
          ? { kind: 'job' as const, body: requestFromFlags(opts), baseDir: undefined }
          : await fromFile(ctx, file, opts);
      const config = ctx.config(opts.live);
      const client = await connectClient(config);
      let run: { kind: 'job' | 'pipeline'; id: string; workflowId: string };
      if (start.kind === 'pipeline') {
        if (opts.route || opts.region)
          throw new UsageError(
            `--${opts.route ? 'route' : 'region'} is for a job; a pipeline's stages name their own`,
          );
        const spec = start.body as { labels?: Record<string, string> };
        // Labels from the command line join the spec's (and count in its identity under a key).
        if (opts.label?.length) spec.labels = { ...spec.labels, ...pairs(opts.label) };
        const { pipelineId } = await startPipeline(client, config, {
          spec,
          key: opts.key,
          baseDir: start.baseDir,
        });
        run = { kind: 'pipeline', id: pipelineId, workflowId: pipelineWorkflowId(pipelineId) };
      } else {
        if (opts.label?.length) throw new UsageError('--label is for a pipeline; a job has no labels');
        const { jobId } = await startJob(client, config, {
          request: start.body,
          route: opts.route,
          region: opts.region,
          jobId: opts.key,
          baseDir: start.baseDir,
        });
        run = { kind: 'job', id: jobId, workflowId: jobWorkflowId(jobId) };
      }
      if (!opts.wait) {
        ctx.io.out(opts.json ? JSON.stringify({ kind: run.kind, id: run.id }) : run.id);
        return 0;
      }
      if (!opts.json) ctx.io.err(`${run.kind} ${run.id}`);
      return (await followRun(client, run, opts.json, ctx.io)).code;
    }),
  );
}

/** A spec or a request body from a file or standard input; request flags beside it are a mistake. */
async function fromFile(
  ctx: CommandContext,
  file: string,
  opts: RunOptions,
): Promise<{ kind: 'job' | 'pipeline'; body: unknown; baseDir: string }> {
  const given = REQUEST_FLAGS.filter((f) => requestFlagGiven(opts, f.key)).map((f) => f.flag.split(' ')[0]);
  if (given.length)
    throw new UsageError(
      `${given.join(', ')} cannot be combined with a file: put the fields in the file, or leave it out`,
    );
  const body =
    file === '-' ? parseSpecText(await ctx.io.stdin(), 'spec', 'standard input') : readSpecFile(file);
  // Files the document names are found next to it (standard input: the current folder).
  const baseDir = file === '-' ? process.cwd() : dirname(resolve(file));
  const isPipeline = typeof body === 'object' && body !== null && 'stages' in body;
  return { kind: isPipeline ? 'pipeline' : 'job', body, baseDir };
}
