// What the studio shows, read through the client API the CLI uses: runs newest first (pipelines, jobs and
// campaigns started by people, not the jobs and rows inside them), and one run with what its page needs.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { findRun, quote, type Run } from '../client/runs';
import { campaignReport, getCampaignState } from '../client/campaigns';
import type { WanflowConfig } from '../config/config';
import { campaignWorkflowId } from '../shared/ids';
import type { CampaignState } from '../shared/campaigns';
import type { ReportRow } from '../campaigns/report';
import { WanflowLabels, WanflowModel, WanflowState } from '../workflows/search-attributes';

export type RunKind = 'pipeline' | 'job' | 'campaign';

export interface RunFilter {
  kind?: RunKind;
  /** The run's state as wanflow names it (running, stored, failed, canceled, completed…). */
  state?: string;
  /** `key=value`. */
  label?: string;
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
    if (filter.label) clauses.push(`${WanflowLabels.name} = ${quote(filter.label)}`);
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
  };
}

export type RunDetail =
  { kind: 'campaign'; id: string; state: CampaignState; rows: ReportRow[]; running: boolean } | Run;

/** A campaign, pipeline or job by its ID; RunNotFoundError when none has it. */
export async function runDetail(client: Client, config: WanflowConfig, id: string): Promise<RunDetail> {
  const campaign = await client.workflow
    .getHandle(campaignWorkflowId(id))
    .describe()
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  if (campaign) {
    const state = await getCampaignState(client, config, id);
    const rows = await campaignReport(client, config, id).catch(() => []);
    return { kind: 'campaign', id, state, rows, running: campaign.status.name === 'RUNNING' };
  }
  return findRun(client, id);
}
