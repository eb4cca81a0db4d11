// What a Wan 3.0 request is billed for and what only its probed inputs can break: reference video seconds
// billed with the output, `duration: -1` estimated at the most the model may choose, reference videos and
// audio ≤ 15 s together, input + output ≤ 30 s; quotes that say what their figure rests on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { createStore } from '../../src/storage';
import { priceRun } from '../../src/agents/quote';
import { WAN30 } from '../../src/wan/registry/wan30';
import { typedMediaRequestSchema, type TypedMediaRequest } from '../../src/wan/registry/typed-media';
import { planTypedMedia, typedMediaTotalsProblems } from '../../src/wan/registry/typed-media-plan';

const schema = typedMediaRequestSchema(WAN30);
const request = (types: string[], duration?: number): TypedMediaRequest =>
  schema.parse({
    model: 'wan3.0-video',
    input: {
      prompt: 'p',
      ...(types.length
        ? { media: types.map((type, i) => ({ type, url: `https://m.example.com/${i}` })) }
        : {}),
    },
    ...(duration === undefined ? {} : { parameters: { duration } }),
  }) as TypedMediaRequest;

describe('Wan 3.0 plans', () => {
  it('bills reference video seconds with the output; audio and images are not billed', () => {
    const r = request(['reference_video', 'reference_audio', 'reference_image'], 10);
    const plan = planTypedMedia(WAN30, r, 6.5);
    expect(plan).toEqual({
      outputSeconds: 10,
      billedInputSeconds: 6.5,
      quantity: 16.5,
      lengthChosenByModel: false,
    });
  });

  it('estimates -1 at the most the model may choose: 30 s, or what input video leaves of 30 s', () => {
    expect(planTypedMedia(WAN30, request([], -1), 0)).toMatchObject({ outputSeconds: 30, quantity: 30 });
    expect(planTypedMedia(WAN30, request(['reference_video'], -1), 12)).toEqual({
      outputSeconds: 18,
      billedInputSeconds: 12,
      quantity: 30,
      lengthChosenByModel: true,
    });
  });

  it('refuses input + output over 30 s by the duration field, naming the most it may be', () => {
    const r = request(['reference_video'], 20);
    expect(typedMediaTotalsProblems(WAN30, r, [{ index: 0, seconds: 12.4 }])).toEqual([
      {
        field: 'parameters.duration',
        value: 20,
        message: 'with 12.4 s of input video, at most 17 (input + output ≤ 30 s)',
      },
    ]);
    expect(
      typedMediaTotalsProblems(WAN30, request(['reference_video'], 17), [{ index: 0, seconds: 12.4 }]),
    ).toEqual([]);
  });

  it('refuses reference videos or audio over 15 s together', () => {
    const r = request(['reference_video', 'reference_video', 'reference_audio', 'reference_audio'], 5);
    const problems = typedMediaTotalsProblems(WAN30, r, [
      { index: 0, seconds: 9 },
      { index: 1, seconds: 7 },
      { index: 2, seconds: 10 },
      { index: 3, seconds: 5.5 },
    ]);
    expect(problems).toEqual([
      { field: 'input.media', value: 16, message: 'reference_video inputs last 16 s together; at most 15 s' },
      {
        field: 'input.media',
        value: 15.5,
        message: 'reference_audio inputs last 15.5 s together; at most 15 s',
      },
    ]);
  });
});

describe('Wan 3.0 quotes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wanflow-quote-'));
  const config = loadConfig({ WANFLOW_DATA_DIR: dir });
  const store = createStore(config.storage);
  const quote = (request: unknown) => priceRun({ kind: 'job', request }, config, store, dir);

  it('say an unset resolution is the 1080P default at 4× the 480P price, and price it so', async () => {
    const unset = await quote({ model: 'wan3.0-video', input: { prompt: 'p' } });
    expect(unset.estimate).toMatchObject({ amount: 6, currency: 'CNY' });
    expect(unset.estimate.notes).toEqual([
      'request.parameters.resolution is unset: 1080P, the default, at 4× the price of 480P; set it to pay less',
    ]);
    const set = await quote({
      model: 'wan3.0-video',
      input: { prompt: 'p' },
      parameters: { resolution: '480P' },
    });
    expect(set.estimate).toMatchObject({ amount: 1.5 });
    expect(set.estimate.notes).toBeUndefined();
  });

  it('say a length left to the model is estimated at its most and billed as reported', async () => {
    const chosen = await quote({
      model: 'wan3.0-video-prime',
      input: { prompt: 'p' },
      parameters: { resolution: '720P', duration: -1 },
    });
    expect(chosen.estimate).toMatchObject({ amount: 27 });
    expect(chosen.estimate.notes).toEqual([
      'request.parameters.duration is -1: the model chooses the length; estimated at the most it may be (30 s), billed as the task reports',
    ]);
  });
});
