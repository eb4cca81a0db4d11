// `wanflow simulator`: the stand-in for Model Studio (and the wrapper routes) that tests and the embedded
// stack run against. Its flags map onto SimulatorOptions; faults are named by the simulator's own schema.
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from '../../shared/errors';
import { REGION_IDS } from '../../wan/regions';
import { action, type CommandContext } from '../context';
import { wholeNumber, wholeNumberIn } from '../flags';
import { untilSignal } from '../signals';

interface SimulatorFlags {
  port?: number;
  host?: string;
  region?: (typeof REGION_IDS)[number];
  key?: [string, Region][];
  queueMs?: number;
  runMs?: number;
  runPerSecondMs?: number;
  taskTtlMs?: number;
  resultUrlTtlS?: number;
  cacheDir?: string;
  legible?: boolean;
  publicUrl?: string;
  fault?: [string, string][];
  concurrentTasks?: [string, number][];
  submitsPerSecond?: number;
  queriesPerSecond?: number;
  burst?: { floorPerSecond: number; growth: number };
}

/** `FLOOR:GROWTH`: the burst guard's creates a second it always allows, and the growth over the minute. */
function burstGuard(value: string): { floorPerSecond: number; growth: number } {
  const [floor, growth] = value.split(':').map(Number);
  if (!floor || !growth || floor < 1 || growth < 1)
    throw new InvalidArgumentError('expected FLOOR:GROWTH, both numbers ≥ 1 (e.g. 5:2)');
  return { floorPerSecond: floor, growth };
}

/** `MODEL=K`, repeatable. */
function modelCap(value: string, previous: [string, number][] = []): [string, number][] {
  const [model, k] = value.split('=');
  if (!model || !k || !/^[1-9]\d*$/.test(k))
    throw new InvalidArgumentError('expected MODEL=K, K a whole number ≥ 1');
  return [...previous, [model, Number(k)]];
}

/** `KEY=REGION`, repeatable. */
type Region = (typeof REGION_IDS)[number];
function keyRegion(value: string, previous: [string, Region][] = []): [string, Region][] {
  const [key, region] = value.split('=');
  if (!key || !region || !(REGION_IDS as readonly string[]).includes(region))
    throw new InvalidArgumentError(`expected KEY=REGION, REGION one of ${REGION_IDS.join(', ')}`);
  return [...previous, [key, region as Region]];
}

/** `NAME=VALUE` (or `NAME`, meaning 1), repeatable; the simulator's fault schema judges the names. */
function fault(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf('=');
  return [...previous, at === -1 ? [value, '1'] : [value.slice(0, at), value.slice(at + 1)]];
}

export function simulatorCommand(ctx: CommandContext): Command {
  return new Command('simulator')
    .description("run the stand-in for Model Studio's Wan 2.7 API (and the wrapper routes)")
    .option('--port <port>', 'listen port; 0 picks a free one', wholeNumberIn(0, 65535), 8090)
    .option('--host <host>', 'listen address', '127.0.0.1')
    .addOption(new Option('--region <region>', 'the region whose host this impersonates').choices(REGION_IDS))
    .option('--key <KEY=REGION>', 'accept KEY as a key bound to REGION (repeatable)', keyRegion)
    .option('--queue-ms <ms>', 'time a task stays PENDING (default 1000)', wholeNumber)
    .option('--run-ms <ms>', 'base RUNNING time (default 2000)', wholeNumber)
    .option('--run-per-second-ms <ms>', 'extra RUNNING time per output second (default 200)', wholeNumber)
    .option('--task-ttl-ms <ms>', 'after this a task answers UNKNOWN (default 24 h)', wholeNumber)
    .option('--result-url-ttl-s <s>', 'lifetime of signed result URLs (default 86400)', wholeNumber)
    .option('--cache-dir <dir>', 'where rendered MP4s are cached')
    .option(
      '--legible',
      "draw each result's model, seed and prompt into its frames (an ffmpeg run per prompt)",
    )
    .option('--public-url <url>', 'base URL clients reach this server at')
    .option(
      '--concurrent-tasks <MODEL=K>',
      'at most K tasks of MODEL in progress per key (repeatable)',
      modelCap,
    )
    .option('--submits-per-second <n>', 'creates per second per key and model', wholeNumber)
    .option('--queries-per-second <n>', 'task queries per second per key (the real service: 20)', wholeNumber)
    .option(
      '--burst <FLOOR:GROWTH>',
      "burst guard: a second with FLOOR creates and GROWTH× the last minute's rate gets 429 Throttling.BurstRate",
      burstGuard,
    )
    .option('--fault <NAME=VALUE>', 'inject a fault (repeatable); GET /_sim/faults lists them', fault)
    .addHelpText(
      'after',
      '\nTests and scripts read counts at GET /_sim/stats, read and set faults and account limits at\n/_sim/faults and /_sim/limits (GET, POST JSON), and clear them with POST /_sim/reset.',
    )
    .action(
      action(ctx, async (f: SimulatorFlags) => {
        const { startSimulator } = await import('../../simulator/server');
        const { faultsFromPairs } = await import('../../simulator/options');
        const sim = await startSimulator({
          port: f.port,
          host: f.host,
          region: f.region,
          keys: Object.fromEntries(f.key ?? []),
          queueMs: f.queueMs,
          runMs: f.runMs,
          runPerOutputSecondMs: f.runPerSecondMs,
          taskTtlMs: f.taskTtlMs,
          resultUrlTtlSeconds: f.resultUrlTtlS,
          cacheDir: f.cacheDir,
          legible: f.legible ?? false,
          publicUrl: f.publicUrl,
          faults: faultsFromPairs(f.fault ?? []),
          accountLimits: {
            concurrentTasks: Object.fromEntries(f.concurrentTasks ?? []),
            submitsPerSecond: f.submitsPerSecond ?? 0,
            queriesPerSecond: f.queriesPerSecond ?? 0,
            ...(f.burst ? { burst: f.burst } : {}),
          },
        });
        ctx.io.err(
          `Model Studio simulator: DASHSCOPE_HTTP_BASE_URL=${sim.baseUrl} DASHSCOPE_API_KEY=${sim.defaultKey}`,
        );
        await untilSignal();
        await sim.close();
        return EXIT.ok;
      }),
    );
}
