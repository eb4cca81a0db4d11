// What `wanflow` exits with, for scripts and agents. Stable: add codes, never renumber.
import { ConfigError } from '../config/config';
import { InvalidRequestError } from '../wan/validation';
import { IdempotencyConflictError } from '../client/pipelines';
import { TemporalUnreachableError } from '../client/jobs';
import { ListFilterError, RunNotFoundError } from '../client/runs';
import { SearchAttributesMissingError } from '../client/setup';

export const EXIT = {
  /** Done: the command did what it says; a run it waited for ended stored. */
  ok: 0,
  /** The run ended failed (or expired), or wanflow hit an unexpected error. */
  failed: 1,
  /** Bad command line, spec, request or configuration: nothing was started or paid. */
  usage: 2,
  /** The run ended canceled (what was kept is in its record). */
  canceled: 3,
  /** No pipeline or job has that ID. */
  notFound: 4,
  /** The run is not in the state the command needs: `result` of a running one, `cancel` of a closed one. */
  wrongState: 5,
  /** The idempotency key is taken by a different spec. */
  conflict: 6,
  /** Temporal could not be reached: nothing was read or started; safe to retry later. */
  unreachable: 7,
} as const;

/** The exit code for a run that ended with this record status. */
export function exitForStatus(status: string): number {
  if (status === 'stored') return EXIT.ok;
  if (status === 'canceled') return EXIT.canceled;
  if (status === 'running') return EXIT.wrongState;
  return EXIT.failed;
}

export function exitForError(err: unknown): number {
  if (err instanceof RunNotFoundError) return EXIT.notFound;
  if (err instanceof IdempotencyConflictError) return EXIT.conflict;
  if (err instanceof TemporalUnreachableError) return EXIT.unreachable;
  if (
    err instanceof InvalidRequestError ||
    err instanceof ConfigError ||
    err instanceof ListFilterError ||
    err instanceof SearchAttributesMissingError
  )
    return EXIT.usage;
  if (err instanceof UsageError || String((err as { code?: unknown })?.code).startsWith('ERR_PARSE_ARGS'))
    return EXIT.usage;
  return EXIT.failed;
}

/** A command line that cannot be understood. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_HELP = `Exit codes: 0 done (stored) · 1 failed · 2 bad input, nothing started · 3 canceled · 4 no such ID
            5 wrong state (result of a running run, cancel of a closed one) · 6 key used for another spec
            7 Temporal unreachable (nothing started; retry later)`;
