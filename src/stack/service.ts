// A child server process with its output in a log file, stopped politely then firmly.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { WanflowError } from '../shared/errors';

export interface Service {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnService(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
  /** Run as this user (a server that refuses root). */
  as?: { uid: number; gid: number },
): Service {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], env, ...as });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    process: child,
    logFile,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  service?: Service,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service && service.process.exitCode !== null) throw new ServiceExitedError(what, service);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A server that exited before it was ready; its log's last lines say why (a port taken, a bad flag). */
export class ServiceExitedError extends WanflowError {
  override readonly name = 'ServiceExitedError';
  readonly remedy =
    "Read the server's log (its last lines are above): a port in use, a bad flag, a locked file.";
  constructor(what: string, service: Service) {
    super(`${what}: ${service.name} exited with code ${service.process.exitCode}${logTail(service.logFile)}`);
  }
}

function logTail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-5);
    return lines.length ? `; its log (${logFile}) ends:\n${lines.join('\n')}` : '';
  } catch {
    return '';
  }
}
