// Zod schemas that produce the exact Model Studio request bodies for each supported model (contract §4).
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

/** 'strict' refuses unknown fields (wanflow: nothing a user sent is dropped); 'lenient' strips them
 * (the simulator: the official SDKs send extras such as `extend_prompt`). */
export type Strictness = 'strict' | 'lenient';

const mediaUrl = z
  .string()
  .regex(/^(https?|oss):\/\/\S+$/, { message: 'must be a public http(s):// or oss:// URL' });

export function videoRequestSchemas(limits: WanLimits = DEFAULT_LIMITS, strictness: Strictness = 'strict') {
  const obj = strictness === 'strict' ? z.strictObject : z.object;
  const prompt = z.string().min(1, { message: 'must not be empty' }).max(limits.promptMaxChars);
  const common = {
    resolution: z.enum(RESOLUTIONS).default('1080P'),
    duration: z.number().int().min(limits.durationMin).max(limits.durationMax).default(5),
    prompt_extend: z.boolean().default(true),
    watermark: z.boolean().default(false),
    seed: z.number().int().min(0).max(limits.seedMax).optional(),
  };
  const negative_prompt = z.string().max(limits.negativePromptMaxChars).optional();

  const t2v = obj({
    model: z.literal('wan2.7-t2v'),
    input: obj({ prompt, negative_prompt, audio_url: mediaUrl.optional() }),
    parameters: obj({ ...common, ratio: z.enum(RATIOS).default('16:9') }).prefault({}),
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

  return { t2v, i2v, any: z.discriminatedUnion('model', [t2v, i2v]) };
}

type Schemas = ReturnType<typeof videoRequestSchemas>;
export type T2vRequest = z.output<Schemas['t2v']>;
export type I2vRequest = z.output<Schemas['i2v']>;
export type VideoRequest = z.output<Schemas['any']>;
/** What a caller writes: defaults may be left out. */
export type VideoRequestInput = z.input<Schemas['any']>;
