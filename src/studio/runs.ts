// What the studio shows of one run, read through the client API the CLI uses (the list of runs is
// client/run-list.ts, `wanflow list`'s).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { findRun, type Run } from '../client/runs';
export { listRuns, type RunFilter, type RunKind, type RunRow } from '../client/run-list';
import { campaignReport, getCampaignState } from '../client/campaigns';
import type { WanflowConfig } from '../config/config';
import { campaignWorkflowId } from '../shared/ids';
import type { CampaignState } from '../shared/campaigns';
import type { ReportRow } from '../campaigns/report';

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
