// The request flags of `wanflow run`, declared once: commander reads and types them (numbers are checked
// as it reads, naming the flag) and `requestFromFlags` builds the request body. The body's own limits
// are judged by validation in the client, each problem naming its field.
import type { Command } from 'commander';
import { InvalidRequestError } from '../wan/validation';
import { repeated, wholeNumber, wholeNumberOrAuto } from './flags';
import { isImageModel, shortModelName, WAN_MODELS } from '../wan/models';
import { FAMILIES } from '../wan/registry';
import { modeFor } from '../wan/registry/typed-media';

export interface RequestFlags {
  model?: string;
  prompt?: string;
  negativePrompt?: string;
  firstFrame?: string;
  lastFrame?: string;
  firstClip?: string;
  drivingAudio?: string;
  referenceImage?: string[];
  referenceVideo?: string[];
  referenceAudio?: string[];
  file?: string;
  link?: string;
  video?: string;
  audio?: string;
  resolution?: string;
  duration?: number;
  ratio?: string;
  seed?: number;
  audioSetting?: string;
  image?: string[];
  size?: string;
  n?: number;
  /** False with --no-prompt-extend. */
  promptExtend?: boolean;
  /** Wan 3.0: no native audio. */
  silent?: boolean;
}

interface FlagSpec {
  key: keyof RequestFlags;
  flag: string;
  description: string;
  parse?: (value: string, previous?: never) => unknown;
}

export const REQUEST_FLAGS: FlagSpec[] = [
  {
    key: 'model',
    flag: '--model <model>',
    description:
      't2v, i2v, r2v, videoedit, image, image-pro (Wan 2.7), 3.0, 3.0-prime (Wan 3.0, preview), or a model ID (default: implied by the media flags)',
  },
  { key: 'prompt', flag: '--prompt <text>', description: 'what to make' },
  { key: 'negativePrompt', flag: '--negative-prompt <text>', description: 'what to avoid' },
  { key: 'resolution', flag: '--resolution <res>', description: '720P or 1080P (Wan 3.0: 480P too)' },
  {
    key: 'duration',
    flag: '--duration <seconds>',
    description: 'output seconds (videoedit: 0 keeps the length; Wan 3.0: -1 lets the model choose)',
    parse: wholeNumberOrAuto,
  },
  {
    key: 'ratio',
    flag: '--ratio <ratio>',
    description: '16:9, 9:16, 1:1, 4:3 or 3:4 (Wan 3.0: adaptive too)',
  },
  { key: 'seed', flag: '--seed <n>', description: 'the seed', parse: wholeNumber },
  {
    key: 'promptExtend',
    flag: '--no-prompt-extend',
    description: 'send the prompt as written (no rewriting)',
  },
  { key: 'audio', flag: '--audio <url>', description: 't2v: driving audio' },
  {
    key: 'firstFrame',
    flag: '--first-frame <url>',
    description: 'i2v/r2v: the first frame (URL or local file)',
  },
  { key: 'lastFrame', flag: '--last-frame <url>', description: 'i2v: the last frame' },
  { key: 'firstClip', flag: '--first-clip <url>', description: 'i2v: a clip to continue' },
  { key: 'drivingAudio', flag: '--driving-audio <url>', description: 'i2v: driving audio' },
  {
    key: 'referenceImage',
    flag: '--reference-image <url>',
    description: 'r2v/videoedit: a reference image (repeatable)',
    parse: repeated,
  },
  {
    key: 'referenceVideo',
    flag: '--reference-video <url>',
    description: 'r2v: a reference video (repeatable)',
    parse: repeated,
  },
  {
    key: 'referenceAudio',
    flag: '--reference-audio <url>',
    description: 'Wan 3.0: a reference voice or sound (repeatable)',
    parse: repeated,
  },
  { key: 'file', flag: '--file <url>', description: 'Wan 3.0: a document to make a video of (PDF, PPT…)' },
  { key: 'link', flag: '--link <url>', description: 'Wan 3.0: a public web page to make a video of' },
  { key: 'silent', flag: '--silent', description: 'Wan 3.0: no native audio' },
  { key: 'video', flag: '--video <url>', description: 'videoedit: the video to edit' },
  { key: 'audioSetting', flag: '--audio-setting <setting>', description: 'videoedit: auto or origin' },
  {
    key: 'image',
    flag: '--image <url>',
    description: 'image models: an input image (repeatable)',
    parse: repeated,
  },
  { key: 'size', flag: '--size <size>', description: 'image models: 1K, 2K, 4K or W*H' },
  { key: 'n', flag: '--n <count>', description: 'image models: how many images', parse: wholeNumber },
];

/** Adds the request flags to a command, grouped in its help. */
export function addRequestFlags(command: Command): Command {
  command.optionsGroup('Request flags (a job without a file):');
  for (const f of REQUEST_FLAGS)
    if (f.parse) command.option(f.flag, f.description, f.parse as (v: string, p: unknown) => unknown);
    else command.option(f.flag, f.description);
  return command;
}

/** Whether a request flag was given (--no-prompt-extend counts only when it turned extension off). */
export function requestFlagGiven(f: RequestFlags, key: keyof RequestFlags): boolean {
  return key === 'promptExtend' ? f.promptExtend === false : f[key] !== undefined;
}

const SINGLE_ROLES = [
  ['firstFrame', 'first_frame'],
  ['lastFrame', 'last_frame'],
  ['firstClip', 'first_clip'],
  ['drivingAudio', 'driving_audio'],
  ['video', 'video'],
] as const;
const MULTI_ROLES = [
  ['referenceImage', 'reference_image'],
  ['referenceVideo', 'reference_video'],
  ['referenceAudio', 'reference_audio'],
] as const;
const WAN30_ROLES = [
  ['file', 'file'],
  ['link', 'link'],
] as const;

/** --model's short names (`t2v`, `image-pro`, `3.0-prime`); a whole model ID is taken as it is. */
function modelNamed(name: string): string {
  return WAN_MODELS.find((m) => m === name || shortModelName(m) === name) ?? name;
}

/**
 * The model the media flags imply, when --model is not given: the first of the registry's models with a
 * mode that takes exactly those media (Wan 2.7's before Wan 3.0's); else the one that takes most of them,
 * whose validation then names the rest.
 */
function impliedModel(f: RequestFlags, types: readonly string[]): string {
  const candidates = FAMILIES.filter((family) => !f.silent || 'audio' in family.parameters.switches).flatMap(
    (family) => family.models.map((model) => ({ family, model })),
  );
  const exact = candidates.find(({ family, model }) => modeFor(family, model.id, types));
  if (exact) return exact.model.id;
  const taken = ({ family, model }: (typeof candidates)[number]) =>
    types.filter((t) =>
      family.modes.some(
        (mode) =>
          (model.modes ?? [mode.id]).includes(mode.id) &&
          [...mode.with, ...(mode.anyOf ?? []), ...(mode.allows ?? [])].includes(t),
      ),
    ).length;
  return candidates.reduce((best, c) => (taken(c) > taken(best) ? c : best)).model.id;
}

function flagOf(key: keyof RequestFlags): string {
  return REQUEST_FLAGS.find((f) => f.key === key)!.flag.split(' ')[0]!;
}

export function requestFromFlags(f: RequestFlags): unknown {
  // An empty value (`--prompt ''`) is a mistake, not a request for the default.
  const empty = (Object.keys(f) as (keyof RequestFlags)[]).filter(
    (k) =>
      REQUEST_FLAGS.some((r) => r.key === k) && (f[k] === '' || (Array.isArray(f[k]) && f[k].includes(''))),
  );
  if (empty.length) {
    throw new InvalidRequestError(
      empty.map((k) => ({
        field: flagOf(k),
        value: '',
        message: 'is empty; leave the flag out for the default',
      })),
    );
  }
  const media = [
    ...SINGLE_ROLES.filter(([k]) => f[k]).map(([k, type]) => ({ type, url: f[k]! })),
    ...MULTI_ROLES.flatMap(([k, type]) => (f[k] ?? []).map((url) => ({ type, url }))),
    ...WAN30_ROLES.filter(([k]) => f[k]).map(([k, type]) => ({ type, url: f[k]! })),
  ];
  const types = [...new Set([...media.map((m) => m.type), ...(f.audio ? ['audio_url'] : [])])];
  const model = f.model ? modelNamed(f.model) : impliedModel(f, types);
  if (isImageModel(model)) return imageRequestFromFlags(f, model);
  const input: Record<string, unknown> = {};
  if (f.prompt !== undefined) input.prompt = f.prompt;
  if (f.negativePrompt !== undefined) input.negative_prompt = f.negativePrompt;
  if (media.length) input.media = media;
  if (f.audio) input.audio_url = f.audio;
  const parameters: Record<string, unknown> = {};
  if (f.resolution) parameters.resolution = f.resolution.toUpperCase();
  if (f.duration !== undefined) parameters.duration = f.duration;
  if (f.ratio) parameters.ratio = f.ratio;
  if (f.seed !== undefined) parameters.seed = f.seed;
  if (f.audioSetting) parameters.audio_setting = f.audioSetting;
  if (f.promptExtend === false) parameters.prompt_extend = false;
  if (f.silent) parameters.audio = false;
  return { model, input, parameters };
}

/** Image models take one chat-style message: the input images, then the prompt. */
function imageRequestFromFlags(f: RequestFlags, model: string): unknown {
  const content: Record<string, string>[] = (f.image ?? []).map((image) => ({ image }));
  if (f.prompt !== undefined) content.push({ text: f.prompt });
  const parameters: Record<string, unknown> = {};
  if (f.size) parameters.size = f.size;
  if (f.n !== undefined) parameters.n = f.n;
  if (f.seed !== undefined) parameters.seed = f.seed;
  return { model, input: { messages: [{ role: 'user', content }] }, parameters };
}
