// Workers for tests: in-process (bundle built once per file) or as a child `wanflow worker` process that
// a test can SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createWanflowWorker, type WanflowWorker } from '../../src/worker/worker';
import { loadConfig } from '../../src/config/config';

import { installCompactLogging } from '../../src/worker/logging';

// One line per warning keeps test output readable; each test file is its own process (forks pool).
installCompactLogging('WARN', (line) => process.stderr.write(`${line}\n`));

let bundle: Promise<WorkflowBundle> | undefined;

export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: resolve(__dirname, '../../src/workflows'),
    logger: quietLogger,
  });
  return bundle;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export interface InProcessWorker {
  worker: WanflowWorker;
  stop(): Promise<void>;
}

export async function startInProcessWorker(env: NodeJS.ProcessEnv): Promise<InProcessWorker> {
  const worker = await createWanflowWorker({
    config: loadConfig(env),
    env,
    options: { workflowBundle: await workflowBundle() },
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

const CLI = resolve(__dirname, '../../dist/cli/main.js');

/** A `wanflow worker` child process, from the built CLI (npm test builds first). */
export function spawnWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [CLI, 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** SIGKILLs a worker process (no shutdown of any kind) and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
