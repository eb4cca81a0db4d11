// Recorded histories on disk: one binary-protobuf History per workflow, named after its workflow ID.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';

export const HISTORY_DIR = join(__dirname, 'histories');

/** `wanflow-pipeline-x/explore` → `wanflow-pipeline-x~explore.binpb` (reversible: `~` is not used in IDs). */
export function historyFileName(workflowId: string): string {
  return `${workflowId.replaceAll('/', '~')}.binpb`;
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
      workflowId: f.slice(0, -'.binpb'.length).replaceAll('~', '/'),
      history: temporal.api.history.v1.History.decode(readFileSync(join(HISTORY_DIR, f))),
    }));
}
