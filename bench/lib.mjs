// What the process benches share: a worker process of its own, its memory and CPU read from /proc,
// percentiles, and the provider's end of a task as a record states it.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startTemporalDevServer } = require('../dist/stack/temporal.js');
const { freePort } = require('../dist/stack/service.js');
const { startSimulator } = require('../dist/simulator/server.js');

/**
 * A Temporal dev server and a simulator in `dir`, every task taking `taskMs` whatever its length (so the
 * provider's time is known exactly); `sim` adds simulator options. `env` reaches them (stored inputs
 * uploaded, as the filesystem store's are).
 */
export async function startBenchServers(dir, taskMs, sim = {}) {
  const port = await freePort();
  const temporal = await startTemporalDevServer({ dbFile: join(dir, 't.sqlite'), port, logDir: dir });
  const simulator = await startSimulator({
    port: 0,
    queueMs: 0,
    runMs: taskMs,
    runPerOutputSecondMs: 0,
    cacheDir: join(dir, 'sim'),
    ...sim,
  });
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    DASHSCOPE_HTTP_BASE_URL: simulator.baseUrl,
    WANFLOW_SIMULATOR_URL: simulator.url,
    WANFLOW_DATA_DIR: join(dir, 'data'),
    WANFLOW_INPUT_PUBLISHING: 'upload',
  };
  return { temporal, sim: simulator, env };
}

/**
 * Renders the simulator's clips for these requests before anything is measured: the simulator makes each
 * distinct clip once (ffmpeg, seconds of CPU), and a measured run that made them would hold its first
 * tasks' ends back by that and share the machine with it. A throwaway simulator on the same cache folder,
 * its tasks done at once.
 */
export async function prerenderClips(dir, requests) {
  const { ModelStudioProvider } = require('../dist/providers/modelstudio/client.js');
  const { parseVideoRequest } = require('../dist/wan/validation.js');
  const warm = await startSimulator({
    port: 0,
    queueMs: 0,
    runMs: 0,
    runPerOutputSecondMs: 0,
    cacheDir: join(dir, 'sim'),
  });
  try {
    const provider = new ModelStudioProvider({ baseUrl: warm.baseUrl, apiKey: warm.defaultKey });
    await Promise.all(
      requests.map(async (r) => {
        const { taskId } = await provider.createTask(parseVideoRequest(r));
        while ((await provider.getTask(taskId)).status !== 'SUCCEEDED')
          await new Promise((ok) => setTimeout(ok, 200));
      }),
    );
  } finally {
    await warm.close();
  }
}

/** Resident memory of a process, MiB (0 once it is gone). */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

// Linux's clock ticks per second (USER_HZ): 100 on every kernel this runs on.
const TICKS_PER_S = 100;

/** CPU time a process and the children it waited for (ffmpeg, ffprobe) have used so far, ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses: utime, stime, cutime and
  // cstime are 14–17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (
    ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_S
  );
}

/**
 * The CPU a process's threads have used so far, ms, summed by thread name: for a wanflow worker its
 * main thread (activities, the SDK's JavaScript), its workflow thread, V8's helpers (garbage collection,
 * compilation), the SDK core's Rust runtime (gRPC) and libuv's pool (file writes); then the threads that
 * have ended and the children waited for.
 */
export function threadCpuMs(pid) {
  const byName = {};
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  const own = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const ownFields = own.slice(own.lastIndexOf(')') + 2).split(' ');
  const self = ((Number(ownFields[11]) + Number(ownFields[12])) * 1000) / TICKS_PER_S;
  // ffmpeg, ffprobe: the children it waited for.
  byName['(children)'] = ((Number(ownFields[13]) + Number(ownFields[14])) * 1000) / TICKS_PER_S;
  let live = 0;
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
      byName[name] = (byName[name] ?? 0) + ms;
      live += ms;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  // Threads that have ended (Node's vm starts one per timed call into a workflow's context).
  byName['(ended threads)'] = self - live;
  return byName;
}

export const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

// BENCH_NODE_ARGS reach the spawned commands' node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, which
// NODE_OPTIONS may not carry): where a bench's CPU goes, read from the same run that measured it.
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** A `wanflow` command as its own process, its errors on this one's stderr. */
export function spawnWanflow(args, env) {
  return spawn(process.execPath, [...NODE_ARGS, join(import.meta.dirname, '../dist/cli/bin.js'), ...args], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export const spawnWorker = (env) => spawnWanflow(['worker'], env);

export async function stopWorker(worker) {
  worker.kill('SIGTERM');
  if (worker.exitCode === null) await new Promise((r) => worker.once('exit', r));
}

/** Milliseconds from the provider's end of a stored job's task (UTC+8, as the API states it) to its store. */
export function endToStoredMs(record) {
  const { providerEnd, stored } = record.timestamps;
  if (!providerEnd || !stored) return undefined;
  return Date.parse(stored) - Date.parse(`${providerEnd.replace(' ', 'T')}+08:00`);
}
