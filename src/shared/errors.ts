// The one error base. Every error wanflow throws says what went wrong (message), why (cause), what to do
// (remedy), whether the same call can succeed later unchanged (retryable) and what the `wanflow` command
// exits with (exitCode), so activities, the CLI and agents decide from the error itself, never from a list.
// Pure: workflows import it too.

/** What `wanflow` exits with, for scripts and agents. Stable: add codes, never renumber. */
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
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class WanflowError extends Error {
  /** What the user (or agent) should do about it. */
  abstract readonly remedy: string;
  /** Whether the same call, unchanged, can succeed later: Temporal retries only these. */
  readonly retryable: boolean = false;
  /** What a command that ends on this error exits with. */
  readonly exitCode: ExitCode = EXIT.failed;
  /**
   * Whether the message is about the caller's own request or runs, and so may be shown to an agent in full.
   * Otherwise it may name the operator's paths, buckets or addresses: agents get its type and a
   * correlation ID, the server's log the rest (src/agents/errors.ts).
   */
  readonly forCaller: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** What crosses into workflow history and JSON output: facts and the remedy; no stack, no secrets. */
  details(): Record<string, unknown> {
    return { remedy: this.remedy };
  }
}

/** An error as plain data: never a stack. */
export interface ErrorView {
  type: string;
  message: string;
  remedy?: string;
  retryable: boolean;
  exitCode: ExitCode;
  details?: Record<string, unknown>;
}

/** An error as plain data (the CLI's `--json` errors, which its own user reads): never a stack. */
export function errorView(err: unknown): ErrorView {
  if (err instanceof WanflowError) {
    const { remedy: _remedy, ...details } = err.details();
    return {
      type: err.name,
      message: err.message,
      remedy: err.remedy,
      retryable: err.retryable,
      exitCode: err.exitCode,
      ...(Object.keys(details).length ? { details } : {}),
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: e.name, message: e.message, retryable: false, exitCode: EXIT.failed };
}
