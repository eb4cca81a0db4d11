// Builds a request body from `wanflow run` flags, or reads one from a JSON file. Validation happens in
// the client, so every flag error names the field it maps to.
import { InvalidRequestError } from '../wan/validation';
import { readSpecFile } from '../pipelines/read';

export interface RunFlags {
  request?: string;
  model?: string;
  prompt?: string;
  'negative-prompt'?: string;
  'first-frame'?: string;
  'last-frame'?: string;
  'first-clip'?: string;
  'driving-audio'?: string;
  'reference-image'?: string[];
  'reference-video'?: string[];
  video?: string;
  audio?: string;
  resolution?: string;
  duration?: string;
  ratio?: string;
  seed?: string;
  'audio-setting'?: string;
  image?: string[];
  size?: string;
  n?: string;
  'no-prompt-extend'?: boolean;
}

const SINGLE_ROLES = ['first-frame', 'last-frame', 'first-clip', 'driving-audio', 'video'] as const;
const MULTI_ROLES = ['reference-image', 'reference-video'] as const;

/** The model the media flags imply, when --model is not given. */
function impliedModel(f: RunFlags): string {
  if (f.video) return 'wan2.7-videoedit';
  if (f['reference-image']?.length || f['reference-video']?.length) return 'wan2.7-r2v';
  if (SINGLE_ROLES.some((r) => f[r])) return 'wan2.7-i2v';
  return 'wan2.7-t2v';
}

export function requestFromFlags(f: RunFlags): unknown {
  // An empty value (`--duration ''`) is a mistake, not a request for the default.
  const empty = Object.entries(f).filter(([, v]) => v === '' || (Array.isArray(v) && v.includes('')));
  if (empty.length) {
    throw new InvalidRequestError(
      empty.map(([flag]) => ({
        field: `--${flag}`,
        value: '',
        message: 'is empty; leave the flag out for the default',
      })),
    );
  }
  if (f.request) return readSpecFile(f.request, '--request');
  if (f.model === 'image' || f.model === 'image-pro' || f.model?.startsWith('wan2.7-image'))
    return imageRequestFromFlags(f);
  const role = (flag: string) => flag.replace('-', '_');
  const media = [
    ...SINGLE_ROLES.filter((r) => f[r]).map((r) => ({ type: role(r), url: f[r]! })),
    ...MULTI_ROLES.flatMap((r) => (f[r] ?? []).map((url) => ({ type: role(r), url }))),
  ];
  const model = f.model ? (f.model.startsWith('wan2.7-') ? f.model : `wan2.7-${f.model}`) : impliedModel(f);
  const input: Record<string, unknown> = {};
  if (f.prompt !== undefined) input.prompt = f.prompt;
  if (f['negative-prompt'] !== undefined) input.negative_prompt = f['negative-prompt'];
  if (media.length) input.media = media;
  if (f.audio) input.audio_url = f.audio;
  const parameters: Record<string, unknown> = {};
  if (f.resolution) parameters.resolution = f.resolution.toUpperCase();
  if (f.duration) parameters.duration = integerFlag('--duration', f.duration);
  if (f.ratio) parameters.ratio = f.ratio;
  if (f.seed) parameters.seed = integerFlag('--seed', f.seed);
  if (f['audio-setting']) parameters.audio_setting = f['audio-setting'];
  if (f['no-prompt-extend']) parameters.prompt_extend = false;
  return { model, input, parameters };
}

/** Image models take one chat-style message: the input images, then the prompt. */
function imageRequestFromFlags(f: RunFlags): unknown {
  const content: Record<string, string>[] = (f.image ?? []).map((image) => ({ image }));
  if (f.prompt !== undefined) content.push({ text: f.prompt });
  const parameters: Record<string, unknown> = {};
  if (f.size) parameters.size = f.size;
  if (f.n) parameters.n = integerFlag('--n', f.n);
  if (f.seed) parameters.seed = integerFlag('--seed', f.seed);
  return {
    model: f.model!.startsWith('wan2.7-') ? f.model : `wan2.7-${f.model}`,
    input: { messages: [{ role: 'user', content }] },
    parameters,
  };
}

/** A whole number flag, refused with the flag's own name (not the request field it fills). */
function integerFlag(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new InvalidRequestError([{ field: flag, value, message: 'must be a whole number' }]);
  return Number(value);
}
