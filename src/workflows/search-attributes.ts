// Custom search attributes, so runs can be found by pipeline, stage, model, state and label in the
// Temporal Web UI, `temporal workflow list --query` and `wanflow list`. They must be registered on the
// namespace first (the embedded dev server does it; `wanflow setup` does it on a cluster). Workflows only
// update keys they were started with, so a namespace without them still runs (WANFLOW_SEARCH_ATTRIBUTES=off).
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export const WanflowPipeline = defineSearchAttributeKey('WanflowPipeline', SearchAttributeType.KEYWORD);
/** A pipeline: the stages running now; a job: its stage. */
export const WanflowStage = defineSearchAttributeKey('WanflowStage', SearchAttributeType.KEYWORD_LIST);
/** A pipeline: every model its stages use; a job: its model. */
export const WanflowModel = defineSearchAttributeKey('WanflowModel', SearchAttributeType.KEYWORD_LIST);
/** `running` until the end, then the record's status (stored, failed, expired, canceled). */
export const WanflowState = defineSearchAttributeKey('WanflowState', SearchAttributeType.KEYWORD);
/** `key=value` labels from the pipeline spec. */
export const WanflowLabels = defineSearchAttributeKey('WanflowLabels', SearchAttributeType.KEYWORD_LIST);

/** A campaign, and every run of its rows. */
export const WanflowCampaign = defineSearchAttributeKey('WanflowCampaign', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  WanflowPipeline,
  WanflowStage,
  WanflowModel,
  WanflowState,
  WanflowLabels,
  WanflowCampaign,
];

/** The attributes a run starts with: state `running`, plus what is known of it. */
export function startAttributes(run: {
  campaign?: string;
  pipeline?: string;
  stages?: string[];
  models: string[];
  labels?: Record<string, string>;
}): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: WanflowState, value: 'running' },
    { key: WanflowModel, value: [...new Set(run.models)] },
  ];
  if (run.campaign) pairs.push({ key: WanflowCampaign, value: run.campaign });
  if (run.pipeline) pairs.push({ key: WanflowPipeline, value: run.pipeline });
  if (run.stages?.length) pairs.push({ key: WanflowStage, value: run.stages });
  const labels = Object.entries(run.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  if (labels.length) pairs.push({ key: WanflowLabels, value: labels });
  return pairs;
}

/** In a workflow: whether this run was started with wanflow's attributes (and so may update them). */
export function isTagged(): boolean {
  return workflowInfo().typedSearchAttributes.get(WanflowState) !== undefined;
}

/** In a workflow: updates the attributes, only on a run started with them. */
export function updateTags(updates: SearchAttributeUpdatePair[]): void {
  if (isTagged()) upsertSearchAttributes(updates);
}

/** The Temporal CLI's spelling of each type, for `temporal server start-dev --search-attribute`. */
export function devServerSearchAttributeFlags(): string[] {
  const cli = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' } as Record<string, string>;
  return SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cli[k.type]}`]);
}
