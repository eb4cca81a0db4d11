// Builds a request body from `wanflow run` flags, or reads one from a JSON file. Validation happens in
// the client, so every flag error names the field it maps to.
import { readFileSync } from 'node:fs';

export interface RunFlags {
  request?: string;
  model?: string;
  prompt?: string;
  'negative-prompt'?: string;
  'first-frame'?: string;
  'last-frame'?: string;
  'first-clip'?: string;
  'driving-audio'?: string;
  audio?: string;
  resolution?: string;
  duration?: string;
  ratio?: string;
  seed?: string;
  'no-prompt-extend'?: boolean;
}

const ROLE_FLAGS = ['first-frame', 'last-frame', 'first-clip', 'driving-audio'] as const;

export function requestFromFlags(f: RunFlags): unknown {
  if (f.request) return JSON.parse(readFileSync(f.request, 'utf8'));
  const media = ROLE_FLAGS.filter((r) => f[r]).map((r) => ({ type: r.replace('-', '_'), url: f[r]! }));
  const model = f.model ?? (media.length ? 'wan2.7-i2v' : 'wan2.7-t2v');
  const input: Record<string, unknown> = {};
  if (f.prompt !== undefined) input.prompt = f.prompt;
  if (f['negative-prompt'] !== undefined) input.negative_prompt = f['negative-prompt'];
  if (media.length) input.media = media;
  if (f.audio) input.audio_url = f.audio;
  const parameters: Record<string, unknown> = {};
  if (f.resolution) parameters.resolution = f.resolution.toUpperCase();
  if (f.duration) parameters.duration = Number(f.duration);
  if (f.ratio) parameters.ratio = f.ratio;
  if (f.seed) parameters.seed = Number(f.seed);
  if (f['no-prompt-extend']) parameters.prompt_extend = false;
  return { model: model.startsWith('wan2.7-') ? model : `wan2.7-${model}`, input, parameters };
}
