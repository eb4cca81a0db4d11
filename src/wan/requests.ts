// Zod schemas that produce the exact Model Studio request bodies for each video model (contract §4).
// Defaults are filled in, so the parsed value is what is sent and what the record shows.
import { z } from 'zod';
import { RATIOS, RESOLUTIONS } from './models';
import { DEFAULT_LIMITS, type WanLimits } from './limits';
import type { VideoModel } from './models';
import { WAN27, WAN27_MODELS } from './registry/wan27';

const [T2V, I2V, R2V, VIDEOEDIT] = WAN27_MODELS;

/** The media types a Wan 2.7 model takes as items of `input.media`, from its modes in the registry. */
function mediaRolesOf(model: VideoModel): [string, ...string[]] {
  const served = WAN27.models.find((m) => m.id === model)!.modes!;
  const types = WAN27.modes
    .filter((mode) => served.includes(mode.id))
    .flatMap((mode) => [...mode.with, ...(mode.anyOf ?? []), ...(mode.allows ?? [])]);
  return [...new Set(types)].filter((t) => (WAN27.media[t]!.at ?? 'media') === 'media') as [
    string,
    ...string[],
  ];
}

/** The role sets a model's modes take, each sorted: what wan2.7-i2v's refusal lists. */
function roleSetsOf(model: VideoModel): string[][] {
  const served = WAN27.models.find((m) => m.id === model)!.modes!;
  return WAN27.modes.filter((mode) => served.includes(mode.id)).map((mode) => [...mode.with].sort());
}

/**
 * 'strict' is what wanflow accepts from users: unknown fields are refused (nothing sent is dropped) and
 * media may be `asset://` references to the user's store, published at submit time. 'lenient' is what the
 * service accepts on the wire: unknown fields stripped (the official SDKs send extras such as
 * `extend_prompt`), media as http(s):// or oss:// only.
 */
export type Strictness = 'strict' | 'lenient';

/** A stored asset, by its storage key: `asset://inputs/…/frame.png`, `asset://jobs/<id>/output.mp4`. */
export const ASSET_SCHEME = 'asset://';

const wireUrl = z
  .string()
  .regex(/^(https?|oss):\/\/\S+$/, { message: 'must be a public http(s):// or oss:// URL' });
const userUrl = z.string().regex(/^(https?|oss|asset):\/\/\S+$/, {
  message: 'must be an http(s)://, oss:// or asset:// URL (or a local file to upload)',
});

function countOf(media: readonly { type: string }[], ...roles: string[]): number {
  return media.filter((m) => roles.includes(m.type)).length;
}

export function videoRequestSchemas(limits: WanLimits = DEFAULT_LIMITS, strictness: Strictness = 'strict') {
  const obj = strictness === 'strict' ? z.strictObject : z.object;
  const mediaUrl = strictness === 'strict' ? userUrl : wireUrl;
  const prompt = z.string().min(1, { message: 'must not be empty' }).max(limits.promptMaxChars);
  const negative_prompt = z.string().max(limits.negativePromptMaxChars).optional();
  const duration = (max: number, min = limits.durationMin) => z.number().int().min(min).max(max);
  const common = {
    resolution: z.enum(RESOLUTIONS).default('1080P'),
    duration: duration(limits.durationMax).default(5),
    prompt_extend: z.boolean().default(true),
    watermark: z.boolean().default(false),
    seed: z.number().int().min(0).max(limits.seedMax).optional(),
  };
  const ratio = z.enum(RATIOS).default('16:9');

  const t2v = obj({
    model: z.literal(T2V),
    input: obj({ prompt, negative_prompt, audio_url: mediaUrl.optional() }),
    parameters: obj({ ...common, ratio }).prefault({}),
  });

  const i2v = obj({
    model: z.literal(I2V),
    input: obj({
      prompt: prompt.optional(),
      negative_prompt,
      media: z.array(obj({ type: z.enum(mediaRolesOf(I2V)), url: mediaUrl })).min(1),
    }).superRefine((input, ctx) => {
      const roles = input.media.map((m) => m.type).sort();
      // A role twice selects no mode either: the set must be one of the modes' exactly.
      const sets = roleSetsOf(I2V);
      if (!sets.some((set) => set.length === roles.length && set.every((r, i) => r === roles[i]))) {
        ctx.addIssue({
          code: 'custom',
          path: ['media'],
          input: roles,
          message: `role set [${roles.join(', ')}] is not one of ${sets.map((s) => `[${s.join(', ')}]`).join(', ')}`,
        });
      }
    }),
    parameters: obj(common).prefault({}),
  });

  const r2v = obj({
    model: z.literal(R2V),
    input: obj({
      prompt,
      negative_prompt,
      media: z
        .array(obj({ type: z.enum(mediaRolesOf(R2V)), url: mediaUrl, reference_voice: mediaUrl.optional() }))
        .min(1),
    }),
    // Ratio is accepted with a first frame too (the service ignores it then).
    parameters: obj({ ...common, ratio }).prefault({}),
  }).superRefine((req, ctx) => {
    const refs = countOf(req.input.media, 'reference_image', 'reference_video');
    if (refs < 1 || refs > limits.r2vMaxReferences) {
      ctx.addIssue({
        code: 'custom',
        path: ['input', 'media'],
        input: refs,
        message: `needs 1 to ${limits.r2vMaxReferences} reference images and videos together`,
      });
    }
    const firstFrames = countOf(req.input.media, 'first_frame');
    if (firstFrames > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['input', 'media'],
        input: firstFrames,
        message: 'takes at most one first_frame',
      });
    if (
      countOf(req.input.media, 'reference_video') > 0 &&
      req.parameters.duration > limits.r2vDurationMaxWithVideo
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['parameters', 'duration'],
        input: req.parameters.duration,
        message: `must be at most ${limits.r2vDurationMaxWithVideo} when a reference video is present`,
      });
    }
  });

  const videoedit = obj({
    model: z.literal(VIDEOEDIT),
    input: obj({
      prompt: prompt.optional(),
      negative_prompt,
      media: z.array(obj({ type: z.enum(mediaRolesOf(VIDEOEDIT)), url: mediaUrl })).min(1),
    }).superRefine((input, ctx) => {
      const videos = countOf(input.media, 'video');
      if (videos !== 1)
        ctx.addIssue({ code: 'custom', path: ['media'], input: videos, message: 'needs exactly one video' });
      const images = countOf(input.media, 'reference_image');
      if (images > limits.videoeditMaxReferenceImages) {
        ctx.addIssue({
          code: 'custom',
          path: ['media'],
          input: images,
          message: `takes at most ${limits.videoeditMaxReferenceImages} reference images`,
        });
      }
    }),
    parameters: obj({
      ...common,
      // 0 keeps the input's length; 2–10 truncates.
      duration: z.union([z.literal(0), duration(limits.videoeditDurationMax)]).default(0),
      ratio: z.enum(RATIOS).optional(),
      audio_setting: z.enum(['auto', 'origin']).default('auto'),
    }).prefault({}),
  });

  return { t2v, i2v, r2v, videoedit, any: z.discriminatedUnion('model', [t2v, i2v, r2v, videoedit]) };
}

type Schemas = ReturnType<typeof videoRequestSchemas>;
export type T2vRequest = z.output<Schemas['t2v']>;
export type I2vRequest = z.output<Schemas['i2v']>;
export type R2vRequest = z.output<Schemas['r2v']>;
export type VideoeditRequest = z.output<Schemas['videoedit']>;
export type VideoRequest = z.output<Schemas['any']>;
/** What a caller writes: defaults may be left out. */
export type VideoRequestInput = z.input<Schemas['any']>;
