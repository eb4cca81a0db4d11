#!/usr/bin/env node
// The `wanflow` command's entry point: the only place that touches argv, the process's streams and its
// exit code. Commands are declared in program.ts; an error they end on is printed here — as JSON on
// stdout with --json, else a line and its remedy on stderr — and decides the exit code.
import { CommanderError } from 'commander';
import { errorView } from '../shared/errors';
import { commandContext } from './context';
import { UsageError } from './errors';
import { exitForError } from './exit-codes';
import { wanflowProgram } from './program';
import type { Io } from './io';

const io: Io = {
  out: (s) => console.log(s),
  err: (s) => console.error(s),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

async function main(argv: string[]): Promise<number> {
  const ctx = commandContext(io, process.env);
  const program = wanflowProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    // Help and --version end parsing with a "success" CommanderError.
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    const command = program.commands.find((c) => c.name() === argv[0]);
    const shown =
      err instanceof CommanderError
        ? new UsageError(
            err.message.replace(/^error: /, ''),
            command
              ? `\`wanflow ${command.name()} --help\` lists its arguments and flags.`
              : '`wanflow --help` lists the commands.',
          )
        : err;
    const view = errorView(shown);
    if (argv.includes('--json')) io.out(JSON.stringify({ error: view }, null, 2));
    else io.err(`wanflow: ${view.message}${view.remedy ? `\n  remedy: ${view.remedy}` : ''}`);
    return exitForError(err);
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
