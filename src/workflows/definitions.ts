// Names shared by workflows and clients: queries, signals and updates defined once.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CampaignPageRef, CampaignState } from '../shared/campaigns';
import type { JobRecord } from '../shared/records';
import type { PipelineRecord } from '../shared/records';
import type { CampaignChange } from '../coordination/campaign';

export const jobStateQuery = defineQuery<JobRecord>('jobState');
export const pipelineStateQuery = defineQuery<PipelineRecord>('pipelineState');

export { taskNoticeSignal, type TaskNotice } from '../shared/notices';

export const campaignStateQuery = defineQuery<CampaignState>('campaignState');

/** Changes to a running campaign; each returns the campaign's state after it. */
export type { CampaignChange };
export const changeCampaignUpdate = defineUpdate<CampaignState, [CampaignChange]>('changeCampaign');
/** The refusal of rows added to a campaign that is finishing or canceling: its client starts it again. */
export const CAMPAIGN_FINISHING = /campaign is (finishing|canceling)/;
/** More rows (a start of the same campaign with new rows): their pages, in order. */
export const addCampaignPagesUpdate = defineUpdate<CampaignState, [CampaignPageRef[]]>('addCampaignPages');
