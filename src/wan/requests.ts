// Zod schemas that produce the exact Model Studio request bodies for each video model (contract §4).
// Defaults are filled in, so the parsed value is what is sent and what the record shows.
import { z } from 'zod';
import { RATIOS, RESOLUTIONS } from './models';
import { DEFAULT_LIMITS, type WanLimits } from './limits';

export const I2V_ROLES = ['first_frame', 'last_frame', 'driving_audio', 'first_clip'] as const;
export type I2vRole = (typeof I2V_ROLES)[number];

/** The six role sets wan2.7-i2v accepts, each sorted. */
export const I2V_ROLE_SETS: readonly (readonly I2vRole[])[] = [
  ['first_frame'],
  ['driving_audio', 'first_frame'],
  ['first_frame', 'last_frame'],
  ['driving_audio', 'first_frame', 'last_frame'],
  ['first_clip'],
  ['first_clip', 'last_frame'],
];

export const R2V_ROLES = ['reference_image', 'reference_video', 'first_frame'] as const;
export const VIDEOEDIT_ROLES = ['video', 'reference_image'] as const;

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
    model: z.literal('wan2.7-t2v'),
    input: obj({ prompt, negative_prompt, audio_url: mediaUrl.optional() }),
    parameters: obj({ ...common, ratio }).prefault({}),
  });

  const i2v = obj({
    model: z.literal('wan2.7-i2v'),
    input: obj({
      prompt: prompt.optional(),
      negative_prompt,
      media: z.array(obj({ type: z.enum(I2V_ROLES), url: mediaUrl })).min(1),
    }).superRefine((input, ctx) => {
      const roles = input.media.map((m) => m.type).sort();
      const allowed = I2V_ROLE_SETS.some(
        (set) => set.length === roles.length && set.every((r, i) => r === roles[i]),
      );
      if (!allowed) {
        ctx.addIssue({
          code: 'custom',
          path: ['media'],
          input: roles,
          message: `role set [${roles.join(', ')}] is not one of ${I2V_ROLE_SETS.map((s) => `[${s.join(', ')}]`).join(', ')}`,
        });
      }
    }),
    parameters: obj(common).prefault({}),
  });

  const r2v = obj({
    model: z.literal('wan2.7-r2v'),
    input: obj({
      prompt,
      negative_prompt,
      media: z
        .array(obj({ type: z.enum(R2V_ROLES), url: mediaUrl, reference_voice: mediaUrl.optional() }))
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
    model: z.literal('wan2.7-videoedit'),
    input: obj({
      prompt: prompt.optional(),
      negative_prompt,
      media: z.array(obj({ type: z.enum(VIDEOEDIT_ROLES), url: mediaUrl })).min(1),
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
