// The pipeline spec: stages of any model, each a Wan request whose media may name an earlier stage's
// output (`stage:<id>` or `stage:<id>#<n>` for its n-th output). Dependencies come from those references.
import { z } from 'zod';
import { ROUTES } from '../wan/routes';
import { REGION_IDS } from '../wan/regions';
import { ALL_RESOLUTIONS } from '../wan/models';

export { STAGE_REF, stageRefsOf, substituteRefs, type StageRefUse } from './refs';

const stageSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, { message: 'must be lower-case letters, digits and dashes' }),
  /** A Wan request; media URLs may be `stage:<id>` references. */
  request: z.record(z.string(), z.unknown()),
  route: z.enum(ROUTES).optional(),
  region: z.enum(REGION_IDS).optional(),
  /** Several candidates of one stage, each with its own seed; later stages use the first. */
  candidates: z.number().int().min(1).max(4).default(1),
  /** What a failed stage does: stop the pipeline, try once more with a new seed, or try another route. */
  onFailure: z.enum(['fail', 'retry-new-seed', 'fallback-route']).default('fail'),
  fallbackRoute: z.enum(ROUTES).optional(),
});

export const pipelineSpecSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1).max(80).optional(),
  /** `key: value` tags to find runs by (`wanflow list --label key=value`, the WanflowLabels attribute). */
  labels: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/, {
        message: 'label keys are lower-case letters, digits, ".", "_" and "-", up to 32 characters',
      }),
      z.string().min(1).max(64),
    )
    .refine((l) => Object.keys(l).length <= 16, { message: 'at most 16 labels' })
    .optional(),
  /** Pipeline-wide choices a stage may override: its route and region, and request parameters. */
  defaults: z
    .strictObject({
      route: z.enum(ROUTES).optional(),
      region: z.enum(REGION_IDS).optional(),
      resolution: z.enum(ALL_RESOLUTIONS).optional(),
      duration: z.number().int().positive().optional(),
      seed: z.number().int().min(0).optional(),
    })
    .default({}),
  stages: z.array(stageSchema).min(1).max(32),
});

export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type StageSpec = PipelineSpec['stages'][number];
