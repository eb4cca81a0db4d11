// The pipeline spec: stages of any model, each a Wan request whose media may name an earlier stage's
// output (`stage:<id>` or `stage:<id>#<n>` for its n-th output). Dependencies come from those references.
import { z } from 'zod';
import { ROUTES } from '../wan/routes';
import { REGION_IDS } from '../wan/regions';
import { RESOLUTIONS } from '../wan/models';

export const STAGE_REF = /^stage:([a-z0-9][a-z0-9-]*)(?:#(\d+))?$/;

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
      resolution: z.enum(RESOLUTIONS).optional(),
      duration: z.number().int().positive().optional(),
      seed: z.number().int().min(0).optional(),
    })
    .default({}),
  stages: z.array(stageSchema).min(1).max(32),
});

export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type StageSpec = PipelineSpec['stages'][number];

export interface StageRefUse {
  /** Request path of the URL, e.g. `input.media.0.url`. */
  field: string;
  stage: string;
  /** 1-based output index. */
  output: number;
}

/** Every `stage:` reference in a stage's request, wherever a media URL may stand. */
export function stageRefsOf(request: Record<string, unknown>): StageRefUse[] {
  const uses: StageRefUse[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (typeof value === 'string') {
      const m = STAGE_REF.exec(value);
      if (m) uses.push({ field: path.join('.'), stage: m[1]!, output: Number(m[2] ?? 1) });
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)]));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(request, []);
  return uses;
}

/** A copy of the request with every `stage:` reference replaced. */
export function substituteRefs(
  request: Record<string, unknown>,
  replace: (ref: StageRefUse) => string,
): Record<string, unknown> {
  const refs = new Map(stageRefsOf(request).map((r) => [r.field, r]));
  const visit = (value: unknown, path: string[]): unknown => {
    const ref = refs.get(path.join('.'));
    if (ref && typeof value === 'string') return replace(ref);
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, String(i)]));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    return value;
  };
  return visit(request, []) as Record<string, unknown>;
}
