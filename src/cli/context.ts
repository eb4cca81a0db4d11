// What every command gets: its input and output, and the configuration as the environment (and --live)
// make it. Commands return their exit code; only the entry point prints errors and exits.
import { loadConfig, type WanflowConfig } from '../config/config';
import type { Io } from './io';

export interface CommandContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** The configuration; `live` asks for the paid API whatever WANFLOW_LIVE says. */
  config: (live?: boolean) => WanflowConfig;
  /** What the command ended with; the entry point exits with it. */
  exitCode: number;
}

export function commandContext(io: Io, env: NodeJS.ProcessEnv): CommandContext {
  return {
    io,
    env,
    config: (live) => loadConfig(live ? { ...env, WANFLOW_LIVE: '1' } : env),
    exitCode: 0,
  };
}

/** A command's action: runs `fn` and keeps the exit code it returns. */
export function action<A extends unknown[]>(
  ctx: CommandContext,
  fn: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    ctx.exitCode = await fn(...args);
  };
}
