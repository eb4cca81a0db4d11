// The built `wanflow` command as a child process: what an operator or a script sees, exit code included.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  return collect(process.execPath, [CLI, ...args], { env }, stdin);
}

/**
 * The environment with `wanflow` on its PATH as the built CLI, as an installed one would be: a command
 * line from a guide runs unchanged.
 */
export function withWanflowOnPath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const bin = mkdtempSync(join(tmpdir(), 'wanflow-bin-'));
  writeFileSync(join(bin, 'wanflow'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'wanflow'), 0o755);
  return { ...env, PATH: `${bin}:${env.PATH ?? ''}` };
}

/** Runs a command line in a shell from `cwd`, `wanflow` on the PATH as the built CLI. */
export function shell(line: string, env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return collect('sh', ['-c', line], { env: withWanflowOnPath(env), cwd });
}

function collect(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
  stdin?: string,
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      ...options,
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
