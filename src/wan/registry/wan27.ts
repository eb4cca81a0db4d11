// Wan 2.7 video (../shared/wan27-contract.md §1, §4, §7): a model per kind of work — text, image(s),
// references, edit — each with the modes its media roles select; 720P or 1080P, 2–15 s. Where sources
// disagree (§9) the stricter value is the default and the value is configuration.
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from '../media-limits';
import type { ModeFacts, ModelFamily } from './family';

const REFERENCES = ['reference_image', 'reference_video'] as const;

/** A media type whose rule is one of the configurable `MediaLimits` (its default here). */
function configurable(limit: keyof MediaLimits) {
  return { rule: DEFAULT_MEDIA_LIMITS[limit], limit };
}

/** A mode of wan2.7-r2v: 1–5 reference images and videos together, with what else it needs. */
function references(id: string, title: string, needs: readonly string[]): ModeFacts {
  return {
    id,
    title,
    with: needs,
    anyOf: REFERENCES,
    together: { types: REFERENCES, max: 5 },
    prompt: 'required',
  };
}

export const WAN27_MODELS = ['wan2.7-t2v', 'wan2.7-i2v', 'wan2.7-r2v', 'wan2.7-videoedit'] as const;

// No figure is hinted for these: stricter than i2v's hint, until an account configures its own.
const UNHINTED = { concurrentTasks: 2, submitsPerSecond: 1 };

// Beijing and Singapore offer every Wan 2.7 model; Virginia only i2v is confirmed; Frankfurt none.
const CN_AND_SG = ['cn-beijing', 'ap-southeast-1'] as const;

export const WAN27: ModelFamily = {
  id: 'wan2.7',
  title: 'Wan 2.7',
  request: 'model per mode',
  models: [
    {
      id: WAN27_MODELS[0],
      tier: 'standard',
      regions: CN_AND_SG,
      accountLimits: UNHINTED,
      modes: ['text', 'text+audio'],
    },
    {
      id: WAN27_MODELS[1],
      tier: 'standard',
      regions: [...CN_AND_SG, 'us-east-1'],
      // Hinted: 300 a minute, 5 at once.
      accountLimits: { concurrentTasks: 5, submitsPerSecond: 5 },
      modes: [
        'first-frame',
        'first-frame+audio',
        'first-last-frame',
        'first-last-frame+audio',
        'continuation',
        'continuation+last-frame',
      ],
      // No ratio: the output follows the input.
      parameters: { ratios: [], defaultRatio: undefined },
    },
    {
      id: WAN27_MODELS[2],
      tier: 'standard',
      regions: CN_AND_SG,
      accountLimits: UNHINTED,
      modes: ['references', 'references+voice', 'references+first-frame', 'references+first-frame+voice'],
      parameters: {
        duration: { min: 2, max: 15, default: 5, maxWith: { type: 'reference_video', max: 10 } },
      },
    },
    {
      id: WAN27_MODELS[3],
      tier: 'standard',
      regions: CN_AND_SG,
      accountLimits: UNHINTED,
      modes: ['edit', 'edit+reference-images'],
      // 0 keeps the input's length; 2–10 truncates. The ratio follows the input unless asked for.
      parameters: { duration: { min: 2, max: 10, default: 0, keepInput: 0 }, defaultRatio: undefined },
    },
  ],
  modes: [
    { id: 'text', title: 'text to video', with: [], prompt: 'required' },
    { id: 'text+audio', title: 'text and driving audio to video', with: ['audio_url'], prompt: 'required' },
    { id: 'first-frame', title: 'first frame to video', with: ['first_frame'], prompt: 'optional' },
    {
      id: 'first-frame+audio',
      title: 'first frame and driving audio to video',
      with: ['first_frame', 'driving_audio'],
      prompt: 'optional',
    },
    {
      id: 'first-last-frame',
      title: 'first and last frame to video',
      with: ['first_frame', 'last_frame'],
      prompt: 'optional',
    },
    {
      id: 'first-last-frame+audio',
      title: 'first and last frame and driving audio to video',
      with: ['first_frame', 'last_frame', 'driving_audio'],
      prompt: 'optional',
    },
    { id: 'continuation', title: 'a clip continued', with: ['first_clip'], prompt: 'optional' },
    {
      id: 'continuation+last-frame',
      title: 'a clip continued to a last frame',
      with: ['first_clip', 'last_frame'],
      prompt: 'optional',
    },
    references('references', 'references to video', []),
    references('references+voice', 'references with voices to video', ['reference_voice']),
    references('references+first-frame', 'references and a first frame to video', ['first_frame']),
    references('references+first-frame+voice', 'references with voices and a first frame to video', [
      'first_frame',
      'reference_voice',
    ]),
    { id: 'edit', title: 'a video edited', with: ['video'], prompt: 'optional' },
    {
      id: 'edit+reference-images',
      title: 'a video edited after reference images',
      with: ['video', 'reference_image'],
      // Sources say 3 or 4: the stricter is the default.
      together: { types: ['reference_image'], max: 3 },
      prompt: 'optional',
    },
  ],
  media: {
    first_frame: { ...configurable('image'), maxCount: 1, promptName: 'Image', source: 'official' },
    last_frame: { ...configurable('image'), maxCount: 1, source: 'official' },
    driving_audio: { ...configurable('audio'), maxCount: 1, source: 'official' },
    first_clip: { ...configurable('video'), maxCount: 1, source: 'official' },
    reference_image: {
      ...configurable('image'),
      maxCount: 5,
      promptName: 'Image',
      source: 'official',
    },
    reference_video: {
      ...configurable('referenceVideo'),
      maxCount: 5,
      billedSeconds: true,
      promptName: 'Video',
      source: 'official',
    },
    video: { ...configurable('video'), maxCount: 1, billedSeconds: true, source: 'official' },
    audio_url: { ...configurable('audio'), maxCount: 1, at: 'input.audio_url', source: 'official' },
    // Timbre only, 1–10 s per one wrapper's documentation.
    reference_voice: {
      ...configurable('referenceVoice'),
      maxCount: 5,
      at: 'media.reference_voice',
      source: 'secondary',
    },
  },
  exclusive: [],
  parameters: {
    resolutions: ['720P', '1080P'],
    defaultResolution: '1080P',
    ratios: ['16:9', '9:16', '1:1', '4:3', '3:4'],
    defaultRatio: '16:9',
    duration: { min: 2, max: 15, default: 5 },
    promptMaxChars: 5000,
    negativePromptMaxChars: 500,
    seedMax: 2_147_483_647,
    switches: { prompt_extend: true, watermark: false },
  },
  // Sound is not stated for Wan 2.7's output; t2v and i2v take driving audio.
  output: { fps: 30, maxSeconds: 15, audio: false },
  billing: {
    unit: 'second',
    prices: [
      {
        region: 'cn-beijing',
        currency: 'CNY',
        perSecond: { standard: { '720P': 0.6, '1080P': 1.0 }, prime: {} },
        source: 'Model Studio price list, Beijing, as compiled in wan27-contract.md (late 2026)',
      },
      {
        region: 'ap-southeast-1',
        currency: 'unstated',
        perSecond: { standard: { '720P': 0.733924, '1080P': 1.100886 }, prime: {} },
        source:
          'Model Studio price list, Singapore, as compiled in wan27-contract.md (late 2026); currency not stated',
      },
    ],
  },
  endpoint: {
    createPath: '/services/aigc/video-generation/video-synthesis',
    workspaceHost: 'https://{WorkspaceId}.{region}.maas.aliyuncs.com',
    workspaceHeader: 'X-DashScope-WorkSpace',
  },
  sources: ['wan27-contract.md: Model Studio docs, the official DashScope SDKs and wrappers, late 2026'],
};
