// Runs newest first, as `wanflow list` and the studio show them: pipelines, jobs and campaigns started by
// people, not the jobs and rows inside them.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { quote } from './runs';
import { WanflowLabels, WanflowModel, WanflowStage, WanflowState } from '../workflows/search-attributes';

export type RunKind = 'pipeline' | 'job' | 'campaign';

export interface RunFilter {
  kind?: RunKind;
  /** The run's state as wanflow names it (running, stored, failed, canceled, completed…). */
  state?: string;
  /** `key=value` labels; a run must carry every one. */
  labels?: string[];
  model?: string;
  limit?: number;
}

export interface RunRow {
  id: string;
  kind: RunKind;
  state: string;
  started: string;
  closed?: string;
  models: string[];
  labels: string[];
  /** A pipeline's spec name. */
  name?: string;
  /** A pipeline's stages running now. */
  runningStages?: string[];
}

const TYPES: Record<string, RunKind> = { wanPipeline: 'pipeline', wanJob: 'job', wanCampaign: 'campaign' };
const PREFIX = /^wanflow-(job|pipeline|campaign)-/;
// A page never scans more than this many executions for its rows (a campaign's rows are executions too).
const SCAN_FACTOR = 50;

/** Runs newest first. Filters by state, label and model need wanflow's search attributes. */
export async function listRuns(
  client: Client,
  filter: RunFilter,
  searchAttributes: boolean,
): Promise<RunRow[]> {
  const types = Object.entries(TYPES)
    .filter(([, kind]) => !filter.kind || kind === filter.kind)
    .map(([type]) => `'${type}'`);
  const clauses = [`WorkflowType IN (${types.join(', ')})`];
  if (searchAttributes) {
    if (filter.state) clauses.push(`${WanflowState.name} = ${quote(filter.state)}`);
    for (const label of filter.labels ?? []) clauses.push(`${WanflowLabels.name} = ${quote(label)}`);
    if (filter.model) clauses.push(`${WanflowModel.name} = ${quote(filter.model)}`);
  }
  const limit = filter.limit ?? 50;
  const rows: RunRow[] = [];
  let scanned = 0;
  for await (const info of client.workflow.list({ query: clauses.join(' AND ') })) {
    if (++scanned > limit * SCAN_FACTOR) break;
    const id = info.workflowId.replace(PREFIX, '');
    // A pipeline's jobs and a campaign's rows (`<run>/<stage or row>`) are shown on their run's page.
    if (id.includes('/') || id.includes('~')) continue;
    rows.push(rowOf(info, id));
    if (rows.length >= limit) break;
  }
  return rows;
}

function rowOf(info: WorkflowExecutionInfo, id: string): RunRow {
  const attrs = info.typedSearchAttributes;
  return {
    id,
    kind: TYPES[info.type] ?? 'job',
    state: attrs.get(WanflowState) ?? info.status.name.toLowerCase(),
    started: info.startTime.toISOString(),
    closed: info.closeTime?.toISOString(),
    models: attrs.get(WanflowModel) ?? [],
    labels: attrs.get(WanflowLabels) ?? [],
    ...(TYPES[info.type] === 'pipeline' ? { runningStages: attrs.get(WanflowStage) ?? [] } : {}),
    ...((info.memo as { name?: string } | undefined)?.name
      ? { name: (info.memo as { name: string }).name }
      : {}),
  };
}
