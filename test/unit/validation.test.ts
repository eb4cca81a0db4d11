import { describe, expect, it } from 'vitest';
import { InvalidRequestError, assertModelInRegion, parseVideoRequest } from '../../src/wan/validation';

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

describe('models and regions', () => {
  it.each([
    ['wan2.7-r2v', /does not run yet/],
    ['wan2.6-t2v', /must be one of wan2.7-t2v, wan2.7-i2v/],
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
