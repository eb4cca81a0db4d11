// validateJob: the exact body to send, media preflight, the expected task time and the cost estimate,
// or a typed refusal naming every bad field — before anything is paid for.
import {
  assertModelInRegion,
  InvalidRequestError,
  parseVideoRequest,
  type FieldProblem,
} from '../wan/validation';
import { expectedTaskSeconds, type TaskTimingModel } from '../wan/timing';
import { costOf, findPrice, type CostFigure, type PriceEntry } from '../wan/pricing';
import type { VideoRequest } from '../wan/requests';
import type { RegionId } from '../wan/regions';
import type { WanLimits } from '../wan/limits';
import { mapMediaUrls, mediaFieldsOf } from '../wan/media-roles';
import type { MediaLimits } from '../wan/media-limits';
import type { RouteId } from '../providers/provider';
import { preflightMedia } from '../media/preflight';
import type { MediaFacts } from '../media/facts';
import { redactUrl } from './job-record';
import type { AssetStore } from '../storage/store';
import { readableRefs } from '../assets/publish';
import { urlExpiresAt } from '../assets/expiry';
import type { MediaField } from '../wan/media-roles';

export interface ValidateJobInput {
  route: RouteId;
  region: RegionId;
  request: unknown;
  timing?: TaskTimingModel;
}

export interface SourceAsset {
  role: string;
  /** Query (signature) redacted. */
  url: string;
  facts?: MediaFacts;
}

export interface ValidatedJob {
  request: VideoRequest;
  /** The request as the record shows it: media URL queries (signatures) redacted. */
  recordedRequest: VideoRequest;
  mediaRoles: string[];
  sourceAssets: SourceAsset[];
  expectedTaskSeconds: number;
  /** Seconds the provider bills on success (continuation bills the total). */
  billedSecondsEstimate: number;
  estimate?: CostFigure;
}

export interface ValidationRules {
  prices: readonly PriceEntry[];
  store: AssetStore;
  now: () => number;
  /** A caller's signed URL must stay valid at least this long: it cannot be refreshed for them. */
  minInputUrlLifetimeMs: number;
  limits?: WanLimits;
  mediaLimits?: MediaLimits;
}

export async function validateJob(input: ValidateJobInput, rules: ValidationRules): Promise<ValidatedJob> {
  const request = parseVideoRequest(input.request, { limits: rules.limits });
  assertModelInRegion(request.model, input.region);
  const fields = mediaFieldsOf(request, rules.mediaLimits);
  // Asset references are probed through URLs of the store's own; the record keeps the references.
  const readable = mediaFieldsOf(await readableRefs(request, rules.store), rules.mediaLimits);
  const preflight = await preflightMedia(readable);
  const problems: FieldProblem[] = [
    ...preflight.problems,
    ...expiringUrls(fields, rules.now(), rules.minInputUrlLifetimeMs),
  ];
  const clip = fields.find((f) => f.role === 'first_clip');
  const clipSeconds = clip && preflight.facts[clip.field]?.durationSeconds;
  const { resolution, duration } = request.parameters;
  if (clipSeconds !== undefined && duration <= clipSeconds) {
    problems.push({
      field: 'parameters.duration',
      value: duration,
      message: `with first_clip, duration is the total length including the clip (${clipSeconds.toFixed(2)} s); it must be longer than the clip`,
    });
  }
  if (problems.length) throw new InvalidRequestError(problems);

  // r2v bills its reference videos and videoedit its input video on top of the output (contract §7).
  const billedInputSeconds = fields
    .filter((f) => f.role === 'reference_video' || f.role === 'video')
    .reduce((sum, f) => sum + (preflight.facts[f.field]?.durationSeconds ?? 0), 0);
  // videoedit's duration 0 keeps the input's length.
  const outputSeconds = duration === 0 ? billedInputSeconds : duration;
  const billedSeconds = Math.round((outputSeconds + billedInputSeconds) * 100) / 100;
  const price = findPrice(rules.prices, {
    route: input.route,
    region: input.region,
    model: request.model,
    resolution,
  });
  return {
    request,
    recordedRequest: mapMediaUrls(request, redactUrl),
    mediaRoles: fields.map((f) => f.role),
    sourceAssets: fields.map((f) => ({
      role: f.role,
      url: redactUrl(f.url),
      facts: preflight.facts[f.field],
    })),
    expectedTaskSeconds: expectedTaskSeconds(resolution, outputSeconds, input.timing),
    billedSecondsEstimate: billedSeconds,
    estimate: costOf(price, billedSeconds),
  };
}

function expiringUrls(fields: MediaField[], now: number, minLifetimeMs: number): FieldProblem[] {
  return fields.flatMap((f) => {
    const at = urlExpiresAt(f.url);
    if (at === undefined || at - now >= minLifetimeMs) return [];
    return [
      {
        field: f.field,
        value: `expires ${new Date(at).toISOString()}`,
        message: `a signed URL must stay valid for at least ${Math.round(minLifetimeMs / 60000)} min after submit; pass a fresh one, or a local file or asset:// reference that wanflow publishes itself`,
      },
    ];
  });
}
