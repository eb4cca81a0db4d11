// `wanflow simulator` flags and how they map to SimulatorOptions.
import { faultsSchema, type SimulatorOptions } from '../simulator/options';

export const simulatorFlags = {
  port: { type: 'string' },
  host: { type: 'string' },
  region: { type: 'string' },
  key: { type: 'string', multiple: true },
  'queue-ms': { type: 'string' },
  'run-ms': { type: 'string' },
  'run-per-second-ms': { type: 'string' },
  'task-ttl-ms': { type: 'string' },
  'result-url-ttl-s': { type: 'string' },
  'cache-dir': { type: 'string' },
  'public-url': { type: 'string' },
  fault: { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const;

type Values = {
  [K in keyof typeof simulatorFlags]?: (typeof simulatorFlags)[K] extends { multiple: true }
    ? string[]
    : (typeof simulatorFlags)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

const HELP = `wanflow simulator — a stand-in for Alibaba Model Studio's Wan 2.7 video API

  --port N                  listen port (default 8090; 0 picks a free one)
  --host H                  listen address (default 127.0.0.1)
  --region R                region whose host this impersonates (default cn-beijing)
  --key KEY=REGION          accept KEY as a key bound to REGION (repeatable); a key of another region
                            gets 401 InvalidApiKey. The default key sk-wanflow-simulator is always accepted.
  --queue-ms N              time a task stays PENDING (default 1000)
  --run-ms N                base RUNNING time (default 2000)
  --run-per-second-ms N     extra RUNNING time per output second (default 200)
  --task-ttl-ms N           after this a task answers UNKNOWN (default 24 h)
  --result-url-ttl-s N      lifetime of signed result URLs (default 86400)
  --cache-dir DIR           where rendered MP4s are cached
  --public-url URL          base URL clients reach this server at
  --fault NAME=N            inject a fault (repeatable): ${Object.keys(faultsSchema.shape).join(', ')}

Tests and scripts read counts at GET /_sim/stats, set faults with POST /_sim/faults (JSON), and
clear both with POST /_sim/reset.`;

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${flag}: ${JSON.stringify(v)} is not a number`);
  return n;
}

export function simulatorOptionsFromFlags(v: Values): SimulatorOptions {
  const keys = Object.fromEntries(
    (v.key ?? []).map((pair) => {
      const [key, region] = pair.split('=');
      if (!key || !region) throw new Error(`--key ${pair}: expected KEY=REGION`);
      return [key, region];
    }),
  );
  const faults = Object.fromEntries(
    (v.fault ?? []).map((pair) => {
      const [name, value] = pair.split('=');
      if (!name || !(name in faultsSchema.shape))
        throw new Error(
          `--fault ${pair}: unknown fault; known: ${Object.keys(faultsSchema.shape).join(', ')}`,
        );
      // Counts and times are numbers; switches (closeAfterBody) booleans; shapes (listShape) words.
      const v = value ?? '1';
      return [name, /^\d+$/.test(v) ? num(v, 'fault') : v === 'true' ? true : v === 'false' ? false : v];
    }),
  );
  return {
    port: num(v.port, 'port'),
    host: v.host,
    region: v.region as SimulatorOptions['region'],
    keys: keys as SimulatorOptions['keys'],
    queueMs: num(v['queue-ms'], 'queue-ms'),
    runMs: num(v['run-ms'], 'run-ms'),
    runPerOutputSecondMs: num(v['run-per-second-ms'], 'run-per-second-ms'),
    taskTtlMs: num(v['task-ttl-ms'], 'task-ttl-ms'),
    resultUrlTtlSeconds: num(v['result-url-ttl-s'], 'result-url-ttl-s'),
    cacheDir: v['cache-dir'],
    publicUrl: v['public-url'],
    faults: faultsSchema.parse(faults),
  };
}
simulatorOptionsFromFlags.help = HELP;
