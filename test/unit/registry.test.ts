// The Wan 2.7 registry entries (video and images) say what wanflow did before it had one: the same models and modes, the mode
// chosen for every role set each model accepts (modes are now read from the entry), the same limits and
// Model Studio prices as the tables the code still reads. Once the code reads the registry, those go.
import { describe, expect, it } from 'vitest';
import { WAN27 } from '../../src/wan/registry/wan27';
import { modeFor } from '../../src/wan/registry/typed-media';
import {
  capabilitiesOf,
  FAMILIES,
  IMAGE_FAMILIES,
  imageCapabilitiesOf,
  modelsServing,
  modeTitleOf,
} from '../../src/wan/registry';
import { REGIONS } from '../../src/wan/regions';
import { MODES, modeOf } from '../../src/wan/modes';
import { imagePixels } from '../../src/wan/image-requests';
import { runArgs } from '../../src/agents/schemas';
import { RATIOS, RESOLUTIONS, VIDEO_MODELS } from '../../src/wan/models';
import { DEFAULT_LIMITS } from '../../src/wan/limits';
import { InvalidRequestError, parseWanRequest } from '../../src/wan/validation';
import { DEFAULT_PRICES } from '../../src/config/prices';
import { DEFAULT_ACCOUNT_LIMITS, limitsOf, UNKNOWN_MODEL_LIMITS } from '../../src/config/account-limits';
import { mediaFieldsOf } from '../../src/wan/media-roles';
import { DEFAULT_MEDIA_LIMITS } from '../../src/wan/media-limits';

const u = (n: string) => `https://m.example.com/${n}`;

/** Every role set each model accepts, as requests, with the mode each selected before the registry. */
const REQUESTS: [string, unknown][] = [
  ['text', { model: 'wan2.7-t2v', input: { prompt: 'p' } }],
  ['text+audio', { model: 'wan2.7-t2v', input: { prompt: 'p', audio_url: u('a.mp3') } }],
  ...(
    [
      ['first-frame', ['first_frame']],
      ['first-frame+audio', ['first_frame', 'driving_audio']],
      ['first-last-frame', ['first_frame', 'last_frame']],
      ['first-last-frame+audio', ['first_frame', 'last_frame', 'driving_audio']],
      ['continuation', ['first_clip']],
      ['continuation+last-frame', ['first_clip', 'last_frame']],
    ] as const
  ).map(([mode, roles]): [string, unknown] => [
    mode,
    { model: 'wan2.7-i2v', input: { media: roles.map((type) => ({ type, url: u(type) })) } },
  ]),
  ...(
    [
      ['references', [{ type: 'reference_image' }]],
      [
        'references+voice',
        [{ type: 'reference_video' }, { type: 'reference_image', reference_voice: u('v.mp3') }],
      ],
      ['references+first-frame', [{ type: 'reference_image' }, { type: 'first_frame' }]],
      [
        'references+first-frame+voice',
        [{ type: 'reference_video', reference_voice: u('v.mp3') }, { type: 'first_frame' }],
      ],
    ] as const
  ).map(([mode, media]): [string, unknown] => [
    mode,
    { model: 'wan2.7-r2v', input: { prompt: 'p', media: media.map((m) => ({ ...m, url: u(m.type) })) } },
  ]),
  ['edit', { model: 'wan2.7-videoedit', input: { media: [{ type: 'video', url: u('v.mp4') }] } }],
  [
    'edit+reference-images',
    {
      model: 'wan2.7-videoedit',
      input: {
        media: [
          { type: 'video', url: u('v.mp4') },
          { type: 'reference_image', url: u('r.png') },
        ],
      },
    },
  ],
];

describe('the Wan 2.7 registry entry', () => {
  it('has the video models, each with its modes', () => {
    expect(WAN27.models.map((m) => m.id)).toEqual([...VIDEO_MODELS]);
    expect(Object.fromEntries(WAN27.models.map((m) => [m.id, m.modes]))).toEqual({
      'wan2.7-t2v': ['text', 'text+audio'],
      'wan2.7-i2v': REQUESTS.filter(([, r]) => (r as { model: string }).model === 'wan2.7-i2v').map(
        ([m]) => m,
      ),
      'wan2.7-r2v': [
        'references',
        'references+voice',
        'references+first-frame',
        'references+first-frame+voice',
      ],
      'wan2.7-videoedit': ['edit', 'edit+reference-images'],
    });
  });

  it.each(REQUESTS)('selects %s for the role set that selected it before', (mode, body) => {
    expect(modeOf(parseWanRequest(body))).toBe(mode);
  });

  it('a role set no model of the family takes selects no mode', () => {
    expect(modeFor(WAN27, 'wan2.7-i2v', [])).toBeUndefined();
    expect(modeFor(WAN27, 'wan2.7-i2v', ['last_frame'])).toBeUndefined();
    expect(modeFor(WAN27, 'wan2.7-t2v', ['first_frame'])).toBeUndefined();
    expect(modeFor(WAN27, 'wan2.7-videoedit', ['reference_image'])).toBeUndefined();
  });

  it('gives src/wan/limits.ts the figures it had, and each role its configurable rule', () => {
    expect([...WAN27.parameters.resolutions]).toEqual([...RESOLUTIONS]);
    expect([...WAN27.parameters.ratios]).toEqual([...RATIOS]);
    const { imageMaxInputImages, imageMaxN, imageMaxNSequential, imageSideMin, imageSideMax, ...video } =
      DEFAULT_LIMITS;
    expect([imageMaxInputImages, imageMaxN, imageMaxNSequential, imageSideMin, imageSideMax]).toEqual([
      9, 4, 12, 512, 4096,
    ]);
    expect(video).toEqual({
      promptMaxChars: 5000,
      negativePromptMaxChars: 500,
      durationMin: 2,
      durationMax: 15,
      seedMax: 2147483647,
      r2vMaxReferences: 5,
      r2vDurationMaxWithVideo: 10,
      videoeditMaxReferenceImages: 3,
      videoeditDurationMax: 10,
    });
    const limitOf = (role: string) =>
      mediaFieldsOf(parseWanRequest(REQUESTS.find(([, r]) => JSON.stringify(r).includes(`"${role}"`))![1]))
        .filter((f) => f.role === role)
        .map((f) => f.rule)[0];
    expect(limitOf('first_clip')).toBe(DEFAULT_MEDIA_LIMITS.video);
    expect(limitOf('reference_video')).toBe(DEFAULT_MEDIA_LIMITS.referenceVideo);
    expect(limitOf('reference_voice')).toBe(DEFAULT_MEDIA_LIMITS.referenceVoice);
    expect(limitOf('driving_audio')).toBe(DEFAULT_MEDIA_LIMITS.audio);
    for (const facts of Object.values(WAN27.media))
      expect(facts.rule).toBe(DEFAULT_MEDIA_LIMITS[facts.limit!]);
  });

  it('gives the account limits of configuration the figures they had; Wan 3.0 none (the strictest)', () => {
    expect(DEFAULT_ACCOUNT_LIMITS).toEqual({
      'wan2.7-image': { concurrentTasks: 5, submitsPerSecond: 5 },
      'wan2.7-image-pro': { concurrentTasks: 5, submitsPerSecond: 5 },
      'wan2.7-i2v': { concurrentTasks: 5, submitsPerSecond: 5 },
      'wan2.7-t2v': { concurrentTasks: 2, submitsPerSecond: 1 },
      'wan2.7-r2v': { concurrentTasks: 2, submitsPerSecond: 1 },
      'wan2.7-videoedit': { concurrentTasks: 2, submitsPerSecond: 1 },
    });
    expect(limitsOf(DEFAULT_ACCOUNT_LIMITS, 'wan3.0-video')).toEqual(UNKNOWN_MODEL_LIMITS);
  });

  it("gives Model Studio's price table the figures it had (Wan 2.7) and Wan 3.0's published ones", () => {
    const rows = (model: string) =>
      DEFAULT_PRICES.filter((p) => p.route === 'modelstudio' && p.model === model).map(
        (p) => `${p.region} ${p.resolution} ${p.perUnit} ${p.currency}`,
      );
    for (const model of VIDEO_MODELS)
      expect(rows(model).sort()).toEqual([
        'ap-southeast-1 1080P 1.100886 unstated',
        'ap-southeast-1 720P 0.733924 unstated',
        'cn-beijing 1080P 1 CNY',
        'cn-beijing 720P 0.6 CNY',
      ]);
    expect(rows('wan3.0-video')).toEqual([
      'cn-beijing 480P 0.3 CNY',
      'cn-beijing 720P 0.6 CNY',
      'cn-beijing 1080P 1.2 CNY',
    ]);
    expect(rows('wan3.0-video-prime')).toEqual([
      'cn-beijing 480P 0.45 CNY',
      'cn-beijing 720P 0.9 CNY',
      'cn-beijing 1080P 1.8 CNY',
    ]);
    // inference.sh runs Wan 2.7 apps on a Singapore key; it has no Wan 3.0 app.
    expect(DEFAULT_PRICES.some((p) => p.route === 'inference' && p.model.startsWith('wan3.0'))).toBe(false);
  });
});

describe('the registry', () => {
  it("finds a model's family and its parameters with the model's differences applied", () => {
    expect(capabilitiesOf('wan3.0-video-prime')).toMatchObject({
      family: { id: 'wan3.0' },
      model: { tier: 'prime' },
      parameters: { defaultResolution: '1080P', duration: { min: 2, max: 30, auto: -1 } },
    });
    const i2v = capabilitiesOf('wan2.7-i2v')!;
    expect(i2v.parameters.ratios).toEqual([]);
    expect(i2v.parameters.defaultRatio).toBeUndefined();
    expect(capabilitiesOf('wan2.7-t2v')!.parameters.defaultRatio).toBe('16:9');
    expect(capabilitiesOf('wan2.7-videoedit')!.parameters.duration).toEqual({
      min: 2,
      max: 10,
      default: 0,
      keepInput: 0,
    });
    expect(capabilitiesOf('wan9-video')).toBeUndefined();
  });

  it('gives every model ID to one family only', () => {
    const ids = [...FAMILIES, ...IMAGE_FAMILIES].flatMap((f) => f.models.map((m) => m.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the image family entry', () => {
  const refusal = (model: string, size: string, image = false) => {
    const content = [...(image ? [{ image: u('i.png') }] : []), { text: 'p' }];
    try {
      parseWanRequest({ model, input: { messages: [{ role: 'user', content }] }, parameters: { size } });
      return undefined;
    } catch (err) {
      return (err as InvalidRequestError).problems.map((p) => `${p.field}: ${p.message}`);
    }
  };

  it('gives the image models the regions, modes and sizes they had', () => {
    const imageModels = (r: keyof typeof REGIONS) => REGIONS[r].models.filter((m) => m.includes('image'));
    expect(imageModels('cn-beijing')).toEqual(['wan2.7-image', 'wan2.7-image-pro']);
    expect(imageModels('ap-southeast-1')).toEqual(['wan2.7-image', 'wan2.7-image-pro']);
    expect(imageModels('us-east-1')).toEqual([]);
    expect(MODES['wan2.7-image-pro']).toEqual(['text-to-image', 'image-edit', 'image-set']);
    expect(imagePixels('4K')).toEqual({ width: 4096, height: 4096 });
    expect(imageCapabilitiesOf('wan2.7-t2v')).toBeUndefined();
  });

  it('refuses a size as before, word for word, from the sizes each model offers', () => {
    expect(refusal('wan2.7-image', '4K')).toEqual([
      'parameters.size: 4K is offered by wan2.7-image-pro for text-to-image only',
    ]);
    expect(refusal('wan2.7-image-pro', '4K', true)).toEqual([
      'parameters.size: 4K is offered by wan2.7-image-pro for text-to-image only',
    ]);
    expect(refusal('wan2.7-image-pro', '4K')).toBeUndefined();
    expect(refusal('wan2.7-image', '2K', true)).toBeUndefined();
    expect(refusal('wan2.7-image', '3K')).toEqual(['parameters.size: must be 1K, 2K, 4K or W*H']);
  });

  it('refuses thinking mode with input images, as before', () => {
    expect(() =>
      parseWanRequest({
        model: 'wan2.7-image',
        input: { messages: [{ role: 'user', content: [{ image: u('i.png') }, { text: 'p' }] }] },
        parameters: { thinking_mode: true },
      }),
    ).toThrow('parameters.thinking_mode: thinking mode is for text-to-image only (no input images)');
  });
});

describe('surfaces that name models read the registry', () => {
  it("the agents' request schema names every model of every family, what is preview, and Wan 3.0's media types", () => {
    const about = runArgs.request.description!;
    for (const family of FAMILIES) for (const m of family.models) expect(about).toContain(m.id);
    expect(about).toContain('Wan 3.0 (preview)');
    expect(about).toContain(
      'type first_frame|last_frame|reference_image|reference_video|reference_audio|file|link',
    );
    expect(about).toContain('-1 (the model chooses)');
    expect(about).toContain('Wan 2.7 images: wan2.7-image (1K|2K), wan2.7-image-pro (1K|2K|4K)');
  });

  it("a pipeline's stage cards name each mode in the registry's words, preview said", () => {
    expect(modeTitleOf('wan2.7-i2v', 'continuation')).toBe('a clip continued');
    expect(modeTitleOf('wan3.0-video-prime', 'first-last-frame')).toBe(
      'first and last frame to video (preview)',
    );
    expect(modeTitleOf('wan2.7-image', 'image-set')).toBe('a set of related images (group mode)');
    expect(modeTitleOf('wan2.7-t2v', 'no-such-mode')).toBeUndefined();
  });

  it("the studio's start form offers every text-to-video model", () => {
    expect(modelsServing('text').map((s) => s.model.id)).toEqual([
      'wan2.7-t2v',
      'wan3.0-video',
      'wan3.0-video-prime',
    ]);
  });
});
