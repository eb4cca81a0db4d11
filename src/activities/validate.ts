// validateJob: the exact body to send, the expected task time and the cost estimate, or a typed refusal
// naming every bad field — before anything is paid for.
import { assertModelInRegion, parseVideoRequest } from '../wan/validation';
import { expectedTaskSeconds, type TaskTimingModel } from '../wan/timing';
import { costOf, findPrice, type CostFigure, type PriceEntry } from '../wan/pricing';
import type { VideoRequest } from '../wan/requests';
import type { RegionId } from '../wan/regions';
import type { WanLimits } from '../wan/limits';
import type { RouteId } from '../providers/provider';
import { redactUrl } from './job-record';

export interface ValidateJobInput {
  route: RouteId;
  region: RegionId;
  request: unknown;
  timing?: TaskTimingModel;
}

export interface ValidatedJob {
  request: VideoRequest;
  /** The request as the record shows it: media URL queries (signatures) redacted. */
  recordedRequest: VideoRequest;
  mediaRoles: string[];
  sourceAssets: { role: string; url: string }[];
  expectedTaskSeconds: number;
  /** Seconds the provider bills on success (continuation bills the total). */
  billedSecondsEstimate: number;
  estimate?: CostFigure;
}

export function validateJob(
  input: ValidateJobInput,
  prices: readonly PriceEntry[],
  limits?: WanLimits,
): ValidatedJob {
  const request = parseVideoRequest(input.request, { limits });
  assertModelInRegion(request.model, input.region);
  const { resolution, duration } = request.parameters;
  const sources =
    request.model === 'wan2.7-i2v'
      ? request.input.media.map((m) => ({ role: m.type, url: m.url }))
      : request.input.audio_url
        ? [{ role: 'audio_url', url: request.input.audio_url }]
        : [];
  const price = findPrice(prices, {
    route: input.route,
    region: input.region,
    model: request.model,
    resolution,
  });
  return {
    request,
    recordedRequest: redactRequest(request),
    mediaRoles: sources.map((s) => s.role),
    sourceAssets: sources.map((s) => ({ role: s.role, url: redactUrl(s.url) })),
    expectedTaskSeconds: expectedTaskSeconds(resolution, duration, input.timing),
    billedSecondsEstimate: duration,
    estimate: costOf(price, duration),
  };
}

function redactRequest(request: VideoRequest): VideoRequest {
  if (request.model === 'wan2.7-i2v') {
    return {
      ...request,
      input: { ...request.input, media: request.input.media.map((m) => ({ ...m, url: redactUrl(m.url) })) },
    };
  }
  return request.input.audio_url
    ? { ...request, input: { ...request.input, audio_url: redactUrl(request.input.audio_url) } }
    : request;
}
