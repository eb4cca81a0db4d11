// The ends of campaign rows whose runs closed without telling their campaign (terminated, timed out): a
// campaign that handed its rows to its next run asks for these when it has only such rows left, so every
// row still gets an outcome. A run still open is not listed; it will tell.
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { campaignRowWorkflowId } from '../shared/ids';
import type { JobRecord, PipelineRecord } from '../shared/records';
import { recordlessEnd, runEndOf, type RunEnd } from '../shared/row-ends';

/** Describes at most this many runs at once: a campaign's window can be thousands of rows. */
const AT_ONCE = 20;

export async function endedRowRuns(
  client: Client,
  input: { campaignId: string; keys: string[] },
): Promise<{ key: string; end: RunEnd }[]> {
  const ended: { key: string; end: RunEnd }[] = [];
  for (let i = 0; i < input.keys.length; i += AT_ONCE) {
    const batch = input.keys.slice(i, i + AT_ONCE);
    const ends = await Promise.all(
      batch.map((key) => endOf(client, campaignRowWorkflowId(input.campaignId, key))),
    );
    batch.forEach((key, n) => {
      const end = ends[n];
      if (end) ended.push({ key, end });
    });
  }
  return ended;
}

async function endOf(client: Client, workflowId: string): Promise<RunEnd | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return undefined;
    return runEndOf((await handle.result()) as JobRecord | PipelineRecord);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return recordlessEnd(workflowId, 'its run is not found');
    if (!(err instanceof WorkflowFailedError)) throw err;
    const detail = err.cause instanceof ApplicationFailure ? err.cause.details?.[0] : undefined;
    if (detail) return runEndOf(detail as JobRecord | PipelineRecord);
    return recordlessEnd(workflowId, err.cause?.message ?? err.message);
  }
}
