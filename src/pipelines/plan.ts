// A validated pipeline: its spec with defaults applied, the order its stages run in, and what each
// stage is (route, region, model, outputs, expected time). What the pipeline workflow is started with.
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { WorkPlan } from '../wan/billing';
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
  /** The mode its request selects (absent in plans made before the registry named modes). */
  mode?: string;
  /** How long one task of this stage is expected to take, for ETAs. */
  expectedSeconds: number;
  /** What one task of it bills on success, for estimates (absent in plans made before campaigns). */
  billing?: Pick<WorkPlan, 'unit' | 'quantity' | 'resolution' | 'outputSeconds' | 'lengthChosenByModel'>;
}

export interface PipelinePlan {
  spec: PipelineSpec;
  /** Stage ids, dependencies first. */
  order: string[];
  stages: Record<string, PlannedStage>;
}
