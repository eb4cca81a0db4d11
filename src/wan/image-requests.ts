// Zod schema for the image models' bodies (contract §4), from their registry entry: one user message of
// input images and a text prompt; sizes by name or W*H; n images, more in group mode. No negative_prompt,
// no prompt_extend.
import { z } from 'zod';
import { IMAGE_MODELS } from './models';
import { DEFAULT_LIMITS, type WanLimits } from './limits';
import type { Strictness } from './requests';
import { imageCapabilitiesOf } from './registry';
import { WAN27_IMAGE } from './registry/wan27-image';

const facts = WAN27_IMAGE.parameters;
const SIZE_NAMES = Object.keys(facts.namedSizes) as [string, ...string[]];

export function imageRequestSchema(limits: WanLimits = DEFAULT_LIMITS, strictness: Strictness = 'strict') {
  const obj = strictness === 'strict' ? z.strictObject : z.object;
  const scheme = strictness === 'strict' ? '(https?|oss|asset)' : '(https?|oss)';
  const imageUrl = z
    .string()
    .regex(new RegExp(`^(${scheme}:\\/\\/\\S+|data:image\\/[a-z]+;base64,[A-Za-z0-9+/=]+)$`), {
      message: 'must be an image URL or a data:image/…;base64 URL',
    });
  const part = z.union([
    obj({ image: imageUrl }),
    obj({ text: z.string().min(1).max(limits.promptMaxChars) }),
  ]);
  const hex = z.string().regex(/^#[0-9A-Fa-f]{6}$/, { message: 'must be a #RRGGBB colour' });

  return obj({
    model: z.enum(IMAGE_MODELS),
    input: obj({
      messages: z.tuple([obj({ role: z.literal('user'), content: z.array(part).min(1) })], {
        message: 'must hold exactly one user message',
      }),
    }),
    parameters: obj({
      size: z
        .union([
          z.enum(SIZE_NAMES),
          z.string().regex(/^\d+\*\d+$/, { message: `must be ${SIZE_NAMES.join(', ')} or W*H` }),
        ])
        .default(facts.defaultSize),
      // The upper bound depends on group mode: checked below.
      n: z.number().int().min(1).default(1),
      enable_sequential: z.boolean().optional(),
      thinking_mode: z.boolean().optional(),
      color_palette: z.array(hex).min(1).optional(),
      bbox_list: z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])).optional(),
      watermark: z.boolean().default(false),
      seed: z.number().int().min(0).max(limits.seedMax).optional(),
    }).prefault({}),
  }).superRefine((req, ctx) => {
    const content = req.input.messages[0].content;
    const images = content.filter((p) => 'image' in p).length;
    const texts = content.filter((p) => 'text' in p).length;
    const issue = (path: (string | number)[], input: unknown, message: string) =>
      ctx.addIssue({ code: 'custom', path, input, message });
    if (texts !== 1)
      issue(['input', 'messages', 0, 'content'], texts, 'needs exactly one text part (the prompt)');
    if (images > limits.imageMaxInputImages)
      issue(
        ['input', 'messages', 0, 'content'],
        images,
        `takes at most ${limits.imageMaxInputImages} images`,
      );
    const { size, n, enable_sequential } = req.parameters;
    const maxN = enable_sequential ? limits.imageMaxNSequential : limits.imageMaxN;
    if (n > maxN)
      issue(
        ['parameters', 'n'],
        n,
        `must be at most ${maxN}${enable_sequential ? '' : ' (up to 12 in group mode, enable_sequential)'}`,
      );
    const offers = (model: string) => imageCapabilitiesOf(model)!.model.sizes.includes(size);
    if (
      size in facts.namedSizes &&
      (!offers(req.model) || (images > 0 && facts.textOnlySizes.includes(size)))
    ) {
      const by = IMAGE_MODELS.filter(offers).join(' and ');
      const only = facts.textOnlySizes.includes(size) ? ' for text-to-image only' : '';
      issue(['parameters', 'size'], size, `${size} is offered by ${by}${only}`);
    }
    const wh = /^(\d+)\*(\d+)$/.exec(size);
    if (
      wh &&
      [Number(wh[1]), Number(wh[2])].some((side) => side < limits.imageSideMin || side > limits.imageSideMax)
    ) {
      issue(
        ['parameters', 'size'],
        size,
        `each side must be ${limits.imageSideMin}–${limits.imageSideMax} px`,
      );
    }
    for (const name of facts.textOnlySwitches) {
      const on = (req.parameters as Record<string, unknown>)[name];
      if (on && images > 0)
        issue(
          ['parameters', name],
          on,
          `${name.replace(/_/g, ' ')} is for text-to-image only (no input images)`,
        );
    }
  });
}

export type ImageRequest = z.output<ReturnType<typeof imageRequestSchema>>;

/** Pixel size of each output image for a size parameter. */
export function imagePixels(size: string): { width: number; height: number } {
  const named = facts.namedSizes[size];
  if (named) return { width: named, height: named };
  const [w, h] = size.split('*').map(Number) as [number, number];
  return { width: w, height: h };
}
