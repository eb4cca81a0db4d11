// Where a request's media URLs are and which rule each is held to: the map from request shape to
// preflight inputs, and a way to rewrite every URL (redaction in records, fresh URLs at submit).
import { isImageRequest, isTypedMediaRequest, type WanRequest } from './validation';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits, type MediaRule } from './media-limits';
import { familyOf } from './registry';
import { WAN27 } from './registry/wan27';

export interface MediaField {
  /** Request path of the URL, e.g. `input.media.0.url`. */
  field: string;
  role: string;
  url: string;
  rule: MediaRule;
}

/** The configurable rule of each Wan 2.7 media role, as its registry entry names it; images' inputs too. */
const ROLE_RULE: Record<string, keyof MediaLimits> = {
  ...Object.fromEntries(
    Object.entries(WAN27.media).flatMap(([role, facts]) => (facts.limit ? [[role, facts.limit]] : [])),
  ),
  input_image: 'image',
};

type MediaItem = { type: string; url: string; reference_voice?: string };

export function mediaFieldsOf(request: WanRequest, limits: MediaLimits = DEFAULT_MEDIA_LIMITS): MediaField[] {
  const field = (path: string, role: string, url: string): MediaField => ({
    field: path,
    role,
    url,
    rule: limits[ROLE_RULE[role]!],
  });
  if (isImageRequest(request)) {
    return request.input.messages[0].content.flatMap((part, i) =>
      'image' in part ? [field(`input.messages.0.content.${i}.image`, 'input_image', part.image)] : [],
    );
  }
  if (isTypedMediaRequest(request)) {
    // Each type's rule is the family's; a web page is read by the service, not fetched here.
    const media = familyOf(request.model)!.media;
    return (request.input.media ?? []).flatMap((m, i) =>
      media[m.type]!.readByService
        ? []
        : [{ field: `input.media.${i}.url`, role: m.type, url: m.url, rule: media[m.type]!.rule }],
    );
  }
  // Wan 2.7: driving audio in a field of its own (t2v), or items of `input.media` with their voices.
  const input = request.input as { audio_url?: string; media?: MediaItem[] };
  return [
    ...(input.audio_url ? [field('input.audio_url', 'audio_url', input.audio_url)] : []),
    ...(input.media ?? []).flatMap((m, i) => [
      field(`input.media.${i}.url`, m.type, m.url),
      ...(m.reference_voice
        ? [field(`input.media.${i}.reference_voice`, 'reference_voice', m.reference_voice)]
        : []),
    ]),
  ];
}

/** A copy of the request with every media URL passed through `rewrite`. */
export function mapMediaUrls<R extends WanRequest>(request: R, rewrite: (url: string) => string): R {
  const input = { ...request.input } as Record<string, unknown>;
  if (typeof input.audio_url === 'string') input.audio_url = rewrite(input.audio_url);
  if (Array.isArray(input.media)) {
    input.media = (input.media as MediaItem[]).map((m) => ({
      ...m,
      url: rewrite(m.url),
      ...(m.reference_voice ? { reference_voice: rewrite(m.reference_voice) } : {}),
    }));
  }
  if (Array.isArray(input.messages)) {
    input.messages = (input.messages as { role: string; content: Record<string, unknown>[] }[]).map((m) => ({
      ...m,
      content: m.content.map((part) =>
        typeof part.image === 'string' ? { ...part, image: rewrite(part.image) } : part,
      ),
    }));
  }
  return { ...request, input } as R;
}
