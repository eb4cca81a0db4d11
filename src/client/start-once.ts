// Starting a run under a caller's key, once: the same request again (while it runs or after it ended)
// gives back the run that has it; another request under the same key is refused. The request's hash
// travels in the workflow's memo, so the check needs nothing but Temporal.
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { EXIT, WanflowError } from '../shared/errors';
import { explainMissingAttributes } from './setup';

export class IdempotencyConflictError extends WanflowError {
  override readonly name = 'IdempotencyConflictError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.conflict;
  readonly remedy =
    'Use a new key for a different request, or the same request to get the existing run back.';
}

/** The hash a run is started under: of the request as the workflow receives it. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

export async function startOnce(
  client: Client,
  workflowType: string,
  options: WorkflowStartOptions & { memo?: Record<string, unknown> },
  hash: string,
  what: string,
): Promise<void> {
  try {
    // A start repeated while the run is open attaches to it; after it closed, the key stays taken.
    await client.workflow.start(workflowType, {
      ...options,
      memo: { ...options.memo, specHash: hash },
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw explainMissingAttributes(err);
  }
  const described = await client.workflow.getHandle(options.workflowId).describe();
  const memo = (await described.memo) as { specHash?: string } | undefined;
  if (memo?.specHash !== hash)
    throw new IdempotencyConflictError(
      `key ${JSON.stringify(options.workflowId.replace(/^wanflow-(pipeline|job)-/, ''))} was already used for a different ${what}`,
    );
}
