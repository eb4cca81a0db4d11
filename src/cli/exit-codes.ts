// What `wanflow` exits with: a run's final status, or the error a command ended on (its own exit code,
// from the WanflowError base). The codes themselves are in shared/errors.ts.
import { CommanderError } from 'commander';
import { EXIT, WanflowError, type ExitCode } from '../shared/errors';

/** The exit code for a run that ended with this record status. */
export function exitForStatus(status: string): ExitCode {
  if (status === 'stored') return EXIT.ok;
  if (status === 'canceled') return EXIT.canceled;
  if (status === 'running') return EXIT.wrongState;
  return EXIT.failed;
}

/** A command that ended on `err`: its own code; a command line commander refused is bad usage. */
export function exitForError(err: unknown): ExitCode {
  if (err instanceof WanflowError) return err.exitCode;
  if (err instanceof CommanderError) return EXIT.usage;
  return EXIT.failed;
}

export const EXIT_HELP = `Exit codes: 0 done (stored) · 1 failed · 2 bad input, nothing started · 3 canceled · 4 no such ID
            5 wrong state (result of a running run, cancel of a closed one) · 6 key used for another spec
            7 Temporal unreachable (nothing started; retry later)`;
