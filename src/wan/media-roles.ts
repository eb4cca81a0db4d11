// Which rule each media field of a request is held to: the map from request shape to preflight inputs.
import type { VideoRequest } from './requests';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits, type MediaRule } from './media-limits';

export interface MediaField {
  field: string;
  role: string;
  url: string;
  rule: MediaRule;
}

const ROLE_KIND: Record<string, keyof MediaLimits> = {
  first_frame: 'image',
  last_frame: 'image',
  first_clip: 'video',
  driving_audio: 'audio',
};

export function mediaFieldsOf(
  request: VideoRequest,
  limits: MediaLimits = DEFAULT_MEDIA_LIMITS,
): MediaField[] {
  if (request.model === 'wan2.7-t2v') {
    const url = request.input.audio_url;
    return url ? [{ field: 'input.audio_url', role: 'audio_url', url, rule: limits.audio }] : [];
  }
  return request.input.media.map((m, i) => ({
    field: `input.media.${i}.url`,
    role: m.type,
    url: m.url,
    rule: limits[ROLE_KIND[m.type]!],
  }));
}
