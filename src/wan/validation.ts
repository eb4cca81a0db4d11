// Turns a request into the exact body to send, or a typed error that names every bad field, its value
// and the limit — before any money is spent.
import type { z } from 'zod';
import { REGIONS, type RegionId } from './regions';
import { VIDEO_MODELS, WAN_MODELS, isImageModel } from './models';
import { imageRequestSchema, type ImageRequest } from './image-requests';
import { videoRequestSchemas, type Strictness, type VideoRequest } from './requests';
import { DEFAULT_LIMITS, type WanLimits } from './limits';
import { familyOf } from './registry';
import { typedMediaRequestSchema, type TypedMediaRequest } from './registry/typed-media';
import { WAN30_MODELS, type Wan30Model } from './registry/wan30';
import { EXIT, WanflowError } from '../shared/errors';
import { FAILURE_TYPE } from '../shared/failure-types';

export interface FieldProblem {
  field: string;
  value: unknown;
  message: string;
}

/** A request, spec or flag that cannot be sent: every problem names its field. Nothing was paid. */
export class InvalidRequestError extends WanflowError {
  override readonly name = FAILURE_TYPE.invalidRequest;
  override readonly forCaller = true;
  readonly remedy = 'Fix the named fields; nothing was sent to the provider.';
  override readonly exitCode = EXIT.usage;
  constructor(readonly problems: FieldProblem[]) {
    super(`invalid request: ${problems.map(describe).join('; ')}`);
  }

  override details(): Record<string, unknown> {
    return { problems: this.problems, remedy: this.remedy };
  }
}

function describe(p: FieldProblem): string {
  const shown = p.value === undefined ? '' : ` (got ${JSON.stringify(p.value)?.slice(0, 80)})`;
  return `${p.field}: ${p.message}${shown}`;
}

function toProblems(issues: z.core.$ZodIssue[], body: unknown): FieldProblem[] {
  return issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    value: 'input' in issue ? issue.input : valueAt(body, issue.path),
    message: issue.message,
  }));
}

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let v: unknown = body;
  for (const key of path)
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** A Wan 3.0 request: one body for every mode, selected by its typed media. */
export type Wan30Request = TypedMediaRequest<Wan30Model>;

export type WanRequest = VideoRequest | ImageRequest | Wan30Request;

export function isImageRequest(r: WanRequest): r is ImageRequest {
  return isImageModel(r.model);
}

/** A request whose typed `input.media[]` selects its mode (Wan 3.0). */
export function isTypedMediaRequest(r: WanRequest): r is Wan30Request {
  return familyOf(r.model)?.request === 'typed media';
}

/** The prompt as the service echoes it in `orig_prompt`: the text part for image models. */
export function promptOf(r: WanRequest): string | undefined {
  if (!isImageRequest(r)) return r.input.prompt;
  const part = r.input.messages[0].content.find((p) => 'text' in p);
  return part && 'text' in part ? part.text : undefined;
}

/** Any request: Wan 2.7 video models by their schemas, image models by theirs, typed-media families (Wan
 * 3.0) by the schema their registry entry makes. */
export function parseWanRequest(
  body: unknown,
  opts: { limits?: WanLimits; strictness?: Strictness } = {},
): WanRequest {
  const model = (body as { model?: unknown } | null)?.model;
  const family = typeof model === 'string' ? familyOf(model) : undefined;
  if (family?.request === 'typed media') {
    const parsed = typedMediaRequestSchema(family, opts.strictness ?? 'strict').safeParse(body, {
      reportInput: true,
    });
    if (!parsed.success) throw new InvalidRequestError(toProblems(parsed.error.issues, body));
    return parsed.data as Wan30Request;
  }
  if (typeof model === 'string' && isImageModel(model)) {
    const parsed = imageRequestSchema(opts.limits ?? DEFAULT_LIMITS, opts.strictness ?? 'strict').safeParse(
      body,
      { reportInput: true },
    );
    if (!parsed.success) throw new InvalidRequestError(toProblems(parsed.error.issues, body));
    return parsed.data;
  }
  return parseVideoRequest(body, opts);
}

export function parseVideoRequest(
  body: unknown,
  opts: { limits?: WanLimits; strictness?: Strictness } = {},
): VideoRequest {
  const model = (body as { model?: unknown } | null)?.model;
  if (typeof model !== 'string' || !(VIDEO_MODELS as readonly string[]).includes(model)) {
    throw new InvalidRequestError([
      {
        field: 'model',
        value: model,
        message: `must be one of ${[...WAN_MODELS, ...WAN30_MODELS].join(', ')}`,
      },
    ]);
  }
  const schemas = videoRequestSchemas(opts.limits ?? DEFAULT_LIMITS, opts.strictness ?? 'strict');
  const parsed = schemas.any.safeParse(body, { reportInput: true });
  if (!parsed.success) throw new InvalidRequestError(toProblems(parsed.error.issues, body));
  return parsed.data;
}

/** Refuses a model the region does not offer: the service would answer with an auth or 404 error. */
export function assertModelInRegion(model: string, region: RegionId): void {
  const offered = REGIONS[region].models as readonly string[];
  if (!offered.includes(model)) {
    throw new InvalidRequestError([
      {
        field: 'region',
        value: region,
        message: `does not offer ${model}; offered there: ${offered.length ? offered.join(', ') : 'no Wan 2.7 model'}`,
      },
    ]);
  }
}
