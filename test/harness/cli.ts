// The built `wanflow` command as a child process: what an operator or a script sees, exit code included.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

const CLI = resolve(__dirname, '../../dist/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wanflow args…`; `stdin`, when given, is written to its standard input. */
export function wanflow(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** Retries `check` until it holds: the visibility store is eventually consistent. */
export async function eventually<T>(
  probe: () => Promise<T>,
  holds: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (holds(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A new namespace on the dev server, with nothing registered in it. */
export async function registerNamespace(client: Client, namespace: string): Promise<void> {
  await client.connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
}
