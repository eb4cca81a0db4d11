#!/usr/bin/env node
// The `wanflow` command. Only this file touches argv, stdout and exit codes; commands are data in, data out.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadConfig, type WanflowConfig } from '../config/config';
import { connectClient, startJob, waitForJob } from '../client/jobs';
import { InvalidRequestError } from '../wan/validation';
import { REGION_IDS } from '../wan/regions';
import { startEmbeddedStack } from '../stack/embedded';
import { startSimulator } from '../simulator/server';
import { receiverOptions, startWebhookReceiver } from '../webhooks/receiver';
import { ROUTES } from '../providers/provider';
import { createWanflowWorker } from '../worker/worker';
import { installCompactLogging } from '../worker/logging';
import { progressPrinter, summary } from './progress';
import { requestFromFlags, type RunFlags } from './requests';
import { simulatorFlags, simulatorOptionsFromFlags } from './simulator-flags';
import { isSpecPath, runPipeline } from './pipeline';
import { startPipeline } from '../client/pipelines';
import { runOutputs } from '../client/runs';
import { readSpecFile } from '../pipelines/read';
import { followPipeline } from './watch';
import { pipelineTable } from './pipeline-view';
import { cancel, list, result, setup, status, watch } from './operate';
import { EXIT_HELP, exitForError, exitForStatus } from './exit-codes';
import type { Out } from './io';

const HELP = `wanflow — durable Wan 2.7 video jobs on Temporal

Usage:
  wanflow demo                         start the embedded stack and run the four-stage example pipeline
  wanflow up                           run the embedded stack (Temporal dev server, simulator, worker)
  wanflow worker                       run a worker against TEMPORAL_ADDRESS
  wanflow simulator [flags]            run the Model Studio simulator (see wanflow simulator --help)
  wanflow run [flags]                  start a job and follow it to the stored video
  wanflow run spec.yaml [--key K] [--label k=v]... [--watch] [--json]
                                       start a pipeline (prints its ID; --watch follows it)
  wanflow status <id> [--json]         a pipeline's stages (or a job's record), live while it runs
  wanflow list [--state S] [--label k=v]... [--limit N] [--json]
                                       pipelines, newest first (S: running|stored|failed|canceled)
  wanflow watch <id> [--json]          follow a run: per-stage progress, elapsed time, ETA (--json: NDJSON)
  wanflow cancel <id> [--wait] [--json]
                                       cancel: PENDING tasks are canceled, RUNNING ones collected and kept
  wanflow result <id> [--wait] [--urls [--expires-in S]] [--json]
                                       where the outputs and the manifest are (paths, s3:// or signed URLs)
  wanflow setup                        register wanflow's search attributes on TEMPORAL_ADDRESS's namespace
  wanflow webhooks [--port N]          run the webhook receiver wrapper routes push completion to

run flags:
  --prompt TEXT  --negative-prompt TEXT  --model t2v|i2v|r2v|videoedit|image|image-pro  --resolution 720P|1080P  --duration N
  --ratio 16:9|9:16|1:1|4:3|3:4  --seed N  --no-prompt-extend  --audio URL (t2v driving audio)
  --first-frame URL  --last-frame URL  --first-clip URL  --driving-audio URL  (i2v media roles)
  --reference-image URL  --reference-video URL  (r2v, repeatable; --first-frame for its first frame)
  --video URL  --reference-image URL  --audio-setting auto|origin  (videoedit; --duration 0 keeps the length)
  --model image|image-pro  --image URL (repeatable)  --size 1K|2K|4K|W*H  --n N  (still images)
  --request FILE   a whole request body as JSON instead of the flags above
  --route modelstudio|fal|eachlabs (default modelstudio)  --job-id ID  --region ${REGION_IDS.join('|')}  --no-wait  --json
  --live           reach the paid Model Studio API (needs DASHSCOPE_API_KEY); without it, the simulator

<id> is a pipeline's ID (its --key), a job's ID, or a pipeline's job as <pipeline-id>/<stage>.
${EXIT_HELP}
Configuration comes from the environment; see README.md.`;

const DEMO_SPEC = resolve(__dirname, '../../examples/teaser.yaml');

async function main(argv: string[], io: Out): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'demo' || command === 'up' || command === 'worker') {
    installCompactLogging((process.env.WANFLOW_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN');
  }
  switch (command) {
    case 'run':
      return isSpecPath(rest[0]) ? runPipeline(rest, io) : run(rest, io);
    case 'status':
      return status(rest, io);
    case 'list':
      return list(rest, io);
    case 'watch':
      return watch(rest, io);
    case 'cancel':
      return cancel(rest, io);
    case 'result':
      return result(rest, io);
    case 'setup':
      return setup(rest, io);
    case 'demo':
      return demo(io);
    case 'up':
      return up(io);
    case 'worker':
      return worker(io);
    case 'simulator':
      return simulator(rest, io);
    case 'webhooks':
      return webhooks(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(HELP);
      return 0;
    default:
      io.err(`unknown command ${JSON.stringify(command)}\n\n${HELP}`);
      return 2;
  }
}

function configFrom(live: boolean | undefined): WanflowConfig {
  return loadConfig(live ? { ...process.env, WANFLOW_LIVE: '1' } : process.env);
}

async function run(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      request: { type: 'string' },
      model: { type: 'string' },
      prompt: { type: 'string' },
      'negative-prompt': { type: 'string' },
      'first-frame': { type: 'string' },
      'last-frame': { type: 'string' },
      'first-clip': { type: 'string' },
      'reference-image': { type: 'string', multiple: true },
      'reference-video': { type: 'string', multiple: true },
      video: { type: 'string' },
      image: { type: 'string', multiple: true },
      size: { type: 'string' },
      n: { type: 'string' },
      'audio-setting': { type: 'string' },
      'driving-audio': { type: 'string' },
      audio: { type: 'string' },
      resolution: { type: 'string' },
      duration: { type: 'string' },
      ratio: { type: 'string' },
      seed: { type: 'string' },
      'no-prompt-extend': { type: 'boolean' },
      'job-id': { type: 'string' },
      region: { type: 'string' },
      route: { type: 'string' },
      'no-wait': { type: 'boolean' },
      json: { type: 'boolean' },
      live: { type: 'boolean' },
    },
  });
  const config = configFrom(values.live);
  const region = oneOf('region', values.region, REGION_IDS);
  const route = oneOf('route', values.route, ROUTES);
  const client = await connectClient(config);
  const { jobId } = await startJob(client, config, {
    request: requestFromFlags(values as RunFlags),
    route,
    jobId: values['job-id'],
    region,
  });
  if (values['no-wait']) {
    io.out(values.json ? JSON.stringify({ jobId }) : jobId);
    return 0;
  }
  const record = await waitForJob(client, jobId, values.json ? undefined : progressPrinter(io.err));
  io.out(values.json ? JSON.stringify(record, null, 2) : summary(record));
  return exitForStatus(record.status);
}

/** The shipped four-stage teaser on the embedded stack: one command from nothing to stored videos. */
async function demo(io: Out): Promise<number> {
  const config = loadConfig();
  const stack = await startEmbeddedStack(config, process.env, io.err);
  try {
    const client = await connectClient(config);
    const { pipelineId } = await startPipeline(client, config, { spec: readSpecFile(DEMO_SPEC) });
    io.err(
      `started pipeline ${pipelineId} from examples/teaser.yaml: text-to-video → continuation → reference-to-video → edit`,
    );
    const record = await followPipeline(client, pipelineId, { progress: io.err });
    io.out(pipelineTable(record, Date.now()));
    io.out('  outputs');
    for (const o of runOutputs('pipeline', record))
      io.out(
        `  ${(o.stage ?? '').padEnd(12)} ${o.location}  (${o.width}x${o.height}, ${o.durationSeconds?.toFixed(2)} s)`,
      );
    return exitForStatus(record.status);
  } finally {
    await stack.stop();
  }
}

async function up(io: Out): Promise<number> {
  const stack = await startEmbeddedStack(loadConfig(), process.env, io.err);
  io.err('embedded stack running; Ctrl-C stops it');
  await untilSignal();
  await stack.stop();
  return 0;
}

async function worker(io: Out): Promise<number> {
  const config = loadConfig();
  const w = await createWanflowWorker({ config });
  io.err(
    `worker on ${config.temporal.address}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
  );
  await w.run();
  return 0;
}

async function simulator(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: simulatorFlags });
  if (values.help) {
    io.out(simulatorOptionsFromFlags.help);
    return 0;
  }
  const sim = await startSimulator(simulatorOptionsFromFlags(values));
  io.err(
    `Model Studio simulator: DASHSCOPE_HTTP_BASE_URL=${sim.baseUrl} DASHSCOPE_API_KEY=${sim.defaultKey}`,
  );
  await untilSignal();
  await sim.close();
  return 0;
}

async function webhooks(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const config = loadConfig();
  const client = await connectClient(config);
  const receiver = await startWebhookReceiver({
    ...receiverOptions(config, client),
    port: Number(values.port ?? 8091),
    host: values.host,
  });
  io.err(`webhook receiver on ${receiver.url}; set WANFLOW_WEBHOOK_URL on workers to its public address`);
  await untilSignal();
  await receiver.close();
  return 0;
}

/** A flag whose value must be one of a list: refused with the field and the choices otherwise. */
function oneOf<T extends string>(
  field: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
  throw new InvalidRequestError([{ field, value, message: `must be one of ${choices.join(', ')}` }]);
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

main(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error & { remedy?: string };
    console.error(`wanflow: ${e.message}${e.remedy ? `\n  remedy: ${e.remedy}` : ''}`);
    process.exit(exitForError(err));
  },
);
