// A run's final record: a stored (or canceled) run returns it; a failed one carries it in its failure.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** Resolves a workflow's result to its record, failed runs included; other failures are rethrown. */
export async function finalRecord<T>(result: Promise<T>): Promise<T> {
  try {
    return await result;
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as T;
    throw err;
  }
}
