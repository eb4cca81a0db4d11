// A validated pipeline: its spec with defaults applied, the order its stages run in, and what each
// stage is (route, region, model, outputs, expected time). What the pipeline workflow is started with.
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { PipelineSpec, StageSpec } from './spec';

export interface PlannedStage {
  index: number;
  spec: StageSpec;
  route: RouteId;
  region: RegionId;
  /** Stages whose outputs this one uses. */
  deps: string[];
  kind: 'video' | 'image';
  /** How many outputs one candidate produces (images: n). */
  outputs: number;
  outputSeconds?: number;
  model: string;
  /** How long one task of this stage is expected to take, for ETAs. */
  expectedSeconds: number;
}

export interface PipelinePlan {
  spec: PipelineSpec;
  /** Stage ids, dependencies first. */
  order: string[];
  stages: Record<string, PlannedStage>;
}
