// Following a run to its end, for `run` and `watch` alike: a job's progress lines (or its final record as
// one `finished` event with --json), a pipeline's per-stage lines (or NDJSON events), then the summary.
import type { Client } from '@temporalio/client';
import { waitForRun, type Run } from '../client/runs';
import type { JobRecord, PipelineRecord } from '../shared/records';
import { exitForStatus } from './exit-codes';
import { pipelineTable } from './pipeline-view';
import { progressPrinter, summary } from './progress';
import { followPipeline } from './watch';
import type { Out } from './io';

export async function followRun(
  client: Client,
  run: Pick<Run, 'kind' | 'id' | 'workflowId'>,
  json: boolean | undefined,
  io: Out,
): Promise<{ code: number; record: JobRecord | PipelineRecord }> {
  if (run.kind === 'job') {
    const record = (await waitForRun(client, run, json ? undefined : progressPrinter(io.err))) as JobRecord;
    io.out(json ? JSON.stringify({ event: 'finished', record }) : summary(record));
    return { code: exitForStatus(record.status), record };
  }
  const record = await followPipeline(client, run.id, json ? { events: io.out } : { progress: io.err });
  if (!json) io.out(pipelineTable(record, Date.now()));
  return { code: exitForStatus(record.status), record };
}
