import { describe, expect, it } from 'vitest';
import { InvalidRequestError, assertModelInRegion, parseVideoRequest } from '../../src/wan/validation';
import { DEFAULT_LIMITS } from '../../src/wan/limits';

const t2v = (input: object, parameters: object = {}) => ({
  model: 'wan2.7-t2v',
  input: { prompt: 'p', ...input },
  parameters,
});
const i2v = (media: { type: string; url: string }[], parameters: object = {}) => ({
  model: 'wan2.7-i2v',
  input: { media },
  parameters,
});
const img = 'https://example.com/a.png';

function problemsOf(body: unknown) {
  try {
    parseVideoRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).problems;
  }
  return [];
}

describe('wan2.7-t2v limits at the edge and just beyond', () => {
  it.each([
    ['prompt 5000 chars', t2v({ prompt: 'x'.repeat(5000) }), undefined],
    ['prompt 5001 chars', t2v({ prompt: 'x'.repeat(5001) }), 'input.prompt'],
    ['empty prompt', t2v({ prompt: '' }), 'input.prompt'],
    ['negative prompt 500', t2v({ negative_prompt: 'n'.repeat(500) }), undefined],
    ['negative prompt 501', t2v({ negative_prompt: 'n'.repeat(501) }), 'input.negative_prompt'],
    ['duration 2', t2v({}, { duration: 2 }), undefined],
    ['duration 1', t2v({}, { duration: 1 }), 'parameters.duration'],
    ['duration 15', t2v({}, { duration: 15 }), undefined],
    ['duration 16', t2v({}, { duration: 16 }), 'parameters.duration'],
    ['duration 2.5', t2v({}, { duration: 2.5 }), 'parameters.duration'],
    ['seed 2147483647', t2v({}, { seed: 2147483647 }), undefined],
    ['seed 2147483648', t2v({}, { seed: 2147483648 }), 'parameters.seed'],
    ['seed -1', t2v({}, { seed: -1 }), 'parameters.seed'],
    ['ratio 4:3', t2v({}, { ratio: '4:3' }), undefined],
    ['ratio 21:9', t2v({}, { ratio: '21:9' }), 'parameters.ratio'],
    ['resolution 480P', t2v({}, { resolution: '480P' }), 'parameters.resolution'],
    ['audio over oss://', t2v({ audio_url: 'oss://bucket/a.mp3' }), undefined],
    ['audio over ftp://', t2v({ audio_url: 'ftp://host/a.mp3' }), 'input.audio_url'],
    ['an unknown field is refused, not dropped', t2v({ img_url: img }), 'input'],
  ])('%s', (_name, body, field) => {
    const problems = problemsOf(body);
    if (field === undefined) expect(problems).toEqual([]);
    else expect(problems.map((p) => p.field)).toEqual([field]);
  });

  it('fills the documented defaults into the exact body', () => {
    expect(parseVideoRequest({ model: 'wan2.7-t2v', input: { prompt: 'p' } })).toEqual({
      model: 'wan2.7-t2v',
      input: { prompt: 'p' },
      parameters: { resolution: '1080P', ratio: '16:9', duration: 5, prompt_extend: true, watermark: false },
    });
  });

  it('names the value found and the limit', () => {
    const [p] = problemsOf(t2v({}, { duration: 16 }));
    expect(p).toMatchObject({ field: 'parameters.duration', value: 16 });
    expect(p!.message).toMatch(/<=15/);
  });
});

describe('wan2.7-i2v role sets', () => {
  const m = (...roles: string[]) => roles.map((type) => ({ type, url: img }));
  it.each([
    [['first_frame'], true],
    [['first_frame', 'driving_audio'], true],
    [['first_frame', 'last_frame'], true],
    [['last_frame', 'first_frame', 'driving_audio'], true],
    [['first_clip'], true],
    [['first_clip', 'last_frame'], true],
    [['last_frame'], false],
    [['driving_audio'], false],
    [['first_frame', 'first_frame'], false],
    [['first_clip', 'first_frame'], false],
    [['first_clip', 'driving_audio'], false],
    [['first_frame', 'last_frame', 'driving_audio', 'first_clip'], false],
  ])('%j allowed: %s', (roles, ok) => {
    const problems = problemsOf(i2v(m(...roles)));
    expect(problems.length === 0).toBe(ok);
    if (!ok) expect(problems[0]!.field).toBe('input.media');
  });

  it('refuses ratio (the output follows the input) and an unknown role', () => {
    expect(problemsOf(i2v(m('first_frame'), { ratio: '16:9' })).map((p) => p.field)).toEqual(['parameters']);
    expect(problemsOf(i2v([{ type: 'reference_image', url: img }])).map((p) => p.field)).toContain(
      'input.media.0.type',
    );
  });
});

const ref = (type: string, extra: object = {}) => ({ type, url: img, ...extra });
const r2v = (media: object[], parameters: object = {}) => ({
  model: 'wan2.7-r2v',
  input: { prompt: 'Image 1 walks', media },
  parameters,
});
const edit = (media: object[], parameters: object = {}) => ({
  model: 'wan2.7-videoedit',
  input: { prompt: 'make it snow', media },
  parameters,
});

describe('wan2.7-r2v', () => {
  it.each([
    ['one reference image', r2v([ref('reference_image')]), undefined],
    [
      'five references',
      r2v([
        ref('reference_image'),
        ref('reference_image'),
        ref('reference_video'),
        ref('reference_video'),
        ref('reference_image'),
      ]),
      undefined,
    ],
    ['six references', r2v(Array.from({ length: 6 }, () => ref('reference_image'))), 'input.media'],
    ['no reference (a first frame alone)', r2v([ref('first_frame')]), 'input.media'],
    ['one reference and one first frame', r2v([ref('reference_image'), ref('first_frame')]), undefined],
    [
      'two first frames',
      r2v([ref('reference_image'), ref('first_frame'), ref('first_frame')]),
      'input.media',
    ],
    [
      'a reference voice on an item',
      r2v([ref('reference_image', { reference_voice: 'https://example.com/v.mp3' })]),
      undefined,
    ],
    [
      'a reference voice that is no URL',
      r2v([ref('reference_image', { reference_voice: 'voice.mp3' })]),
      'input.media.0.reference_voice',
    ],
    ['duration 15 with images only', r2v([ref('reference_image')], { duration: 15 }), undefined],
    ['duration 10 with a reference video', r2v([ref('reference_video')], { duration: 10 }), undefined],
    [
      'duration 11 with a reference video',
      r2v([ref('reference_video')], { duration: 11 }),
      'parameters.duration',
    ],
    ['no prompt', { model: 'wan2.7-r2v', input: { media: [ref('reference_image')] } }, 'input.prompt'],
  ])('%s', (_name, body, field) => {
    const problems = problemsOf(body);
    if (field === undefined) expect(problems).toEqual([]);
    else expect(problems.map((p) => p.field)).toEqual([field]);
  });
});

describe('wan2.7-videoedit', () => {
  it.each([
    ['one video', edit([ref('video')]), undefined],
    [
      'one video and three reference images',
      edit([ref('video'), ref('reference_image'), ref('reference_image'), ref('reference_image')]),
      undefined,
    ],
    [
      'four reference images (the stricter limit is 3)',
      edit([ref('video'), ...Array.from({ length: 4 }, () => ref('reference_image'))]),
      'input.media',
    ],
    ['no video', edit([ref('reference_image')]), 'input.media'],
    ['two videos', edit([ref('video'), ref('video')]), 'input.media'],
    ['duration 0 (keep the length)', edit([ref('video')], { duration: 0 }), undefined],
    ['duration 1', edit([ref('video')], { duration: 1 }), 'parameters.duration'],
    ['duration 10', edit([ref('video')], { duration: 10 }), undefined],
    ['duration 11', edit([ref('video')], { duration: 11 }), 'parameters.duration'],
    ['audio_setting origin', edit([ref('video')], { audio_setting: 'origin' }), undefined],
    ['audio_setting mute', edit([ref('video')], { audio_setting: 'mute' }), 'parameters.audio_setting'],
  ])('%s', (_name, body, field) => {
    const problems = problemsOf(body);
    if (field === undefined) expect(problems).toEqual([]);
    else expect(problems.map((p) => p.field)).toEqual([field]);
  });

  it('defaults to keeping the input length with automatic audio', () => {
    expect(parseVideoRequest(edit([ref('video')])).parameters).toEqual({
      resolution: '1080P',
      duration: 0,
      prompt_extend: true,
      watermark: false,
      audio_setting: 'auto',
    });
  });

  it('the reference image limit is configuration', () => {
    const four = edit([ref('video'), ...Array.from({ length: 4 }, () => ref('reference_image'))]);
    expect(() =>
      parseVideoRequest(four, { limits: { ...DEFAULT_LIMITS, videoeditMaxReferenceImages: 4 } }),
    ).not.toThrow();
  });
});

describe('models and regions', () => {
  it.each([
    ['wan2.6-t2v', /must be one of wan2.7-t2v, wan2.7-i2v, wan2.7-r2v, wan2.7-videoedit/],
    [undefined, /must be one of/],
  ])('model %s is refused', (model, message) => {
    const [p] = problemsOf({ model, input: { prompt: 'p' } });
    expect(p!.field).toBe('model');
    expect(p!.message).toMatch(message);
  });

  it.each([
    ['wan2.7-t2v', 'cn-beijing', true],
    ['wan2.7-t2v', 'us-east-1', false],
    ['wan2.7-i2v', 'us-east-1', true],
    ['wan2.7-i2v', 'eu-central-1', false],
  ] as const)('%s in %s offered: %s', (model, region, ok) => {
    const call = () => assertModelInRegion(model, region);
    if (ok) expect(call).not.toThrow();
    else expect(call).toThrow(/region: does not offer/);
  });
});
