// Recorded histories on disk: one binary-protobuf History per workflow, named after its workflow ID.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';

export const HISTORY_DIR = join(__dirname, 'histories');

/**
 * `wanflow-pipeline-x/explore` → `wanflow-pipeline-x~explore.binpb` (reversible: `~` and `@` are not used
 * in IDs); a workflow that continued as new keeps each run, numbered from the first: `…@1.binpb`.
 */
export function historyFileName(workflowId: string, run?: number): string {
  return `${workflowId.replaceAll('/', '~')}${run === undefined ? '' : `@${run}`}.binpb`;
}

export interface RecordedHistory {
  workflowId: string;
  history: temporal.api.history.v1.History;
}

export function recordedHistories(): RecordedHistory[] {
  return readdirSync(HISTORY_DIR)
    .filter((f) => f.endsWith('.binpb'))
    .sort()
    .map((f) => ({
      workflowId: f.slice(0, -'.binpb'.length).replace(/@\d+$/, '').replaceAll('~', '/'),
      history: temporal.api.history.v1.History.decode(readFileSync(join(HISTORY_DIR, f))),
    }));
}
