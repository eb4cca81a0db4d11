// Recorded histories on disk: one folder per wanflow version that recorded them (histories/<version>/),
// one binary-protobuf History per workflow, named after its workflow ID. Every folder present replays
// (docs/contributing.md, "Changing workflow code": which versions are kept).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { version } from '../../package.json';

export const HISTORY_DIR = join(__dirname, 'histories');
/** Where `npm run record-histories` writes: the folder of the version being built. */
export const RECORDING_DIR = join(HISTORY_DIR, version);

/**
 * `wanflow-pipeline-x/explore` → `wanflow-pipeline-x~explore.binpb` (reversible: `~` and `@` are not used
 * in IDs); a workflow that continued as new keeps each run, numbered from the first: `…@1.binpb`.
 */
export function historyFileName(workflowId: string, run?: number): string {
  return `${workflowId.replaceAll('/', '~')}${run === undefined ? '' : `@${run}`}.binpb`;
}

export interface RecordedHistory {
  /** The wanflow version that recorded it. */
  recordedBy: string;
  workflowId: string;
  history: temporal.api.history.v1.History;
}

export function recordedHistories(): RecordedHistory[] {
  return readdirSync(HISTORY_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((recordedBy) =>
      readdirSync(join(HISTORY_DIR, recordedBy))
        .filter((f) => f.endsWith('.binpb'))
        .sort()
        .map((f) => ({
          recordedBy,
          workflowId: f.slice(0, -'.binpb'.length).replace(/@\d+$/, '').replaceAll('~', '/'),
          history: temporal.api.history.v1.History.decode(readFileSync(join(HISTORY_DIR, recordedBy, f))),
        })),
    );
}
