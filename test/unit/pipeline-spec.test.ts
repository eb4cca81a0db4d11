import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readSpecFile } from '../../src/pipelines/read';
import { planPipeline } from '../../src/pipelines/validate';
import { InvalidRequestError } from '../../src/wan/validation';
import { fourStageSpec } from '../harness/pipelines';

const fourStages = () => fourStageSpec('a lighthouse', [3, 6, 4]);

function problems(spec: unknown): { field: string; message: string }[] {
  try {
    planPipeline(spec);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).problems;
  }
}

describe('planPipeline', () => {
  it('orders a four-stage chain and knows each stage’s output', () => {
    const plan = planPipeline(fourStages());
    expect(plan.order).toEqual(['explore', 'extend', 'cast', 'finish']);
    expect(plan.stages.extend).toMatchObject({ deps: ['explore'], kind: 'video', outputSeconds: 6 });
    expect(plan.stages.finish).toMatchObject({ deps: ['cast'], outputSeconds: 4 });
  });

  it('runs independent stages side by side (no dependency between them)', () => {
    const spec = fourStages();
    spec.stages.push({
      id: 'poster',
      request: {
        model: 'wan2.7-image',
        input: { messages: [{ role: 'user', content: [{ text: 'poster' }] }] },
      },
    } as never);
    expect(planPipeline(spec).stages.poster!.deps).toEqual([]);
  });

  it.each([
    [
      'a cycle',
      (s: ReturnType<typeof fourStages>) =>
        ((s.stages[0]!.request as { input: object }).input = { prompt: 'x', audio_url: 'stage:finish' }),
      'stages',
      /cycle|takes audio/,
    ],
    [
      'a missing stage',
      (s: ReturnType<typeof fourStages>) => (s.stages[1]!.request.input.media![0]!.url = 'stage:nowhere'),
      'stages.1.request.input.media.0.url',
      /names no stage/,
    ],
    [
      'a stage using itself',
      (s: ReturnType<typeof fourStages>) => (s.stages[1]!.request.input.media![0]!.url = 'stage:extend'),
      'stages.1.request.input.media.0.url',
      /its own output/,
    ],
    [
      'a repeated id',
      (s: ReturnType<typeof fourStages>) => (s.stages[2]!.id = 'extend'),
      'stages.2.id',
      /repeats/,
    ],
    [
      'a video into an image role',
      (s: ReturnType<typeof fourStages>) => (s.stages[1]!.request.input.media![0]!.type = 'first_frame'),
      'stages.1.request.input.media.0.url',
      /first_frame takes a image, but stage explore produces a video/,
    ],
    [
      'a continuation no longer than its clip',
      (s: ReturnType<typeof fourStages>) => (s.stages[1]!.request.parameters!.duration = 3),
      'stages.1.request.parameters.duration',
      /must exceed stage explore's 3 s/,
    ],
    [
      'an edited video longer than 10 s',
      (s: ReturnType<typeof fourStages>) => (s.stages[2]!.request.parameters!.duration = 12),
      'stages.2.request.parameters.duration',
      /at most 10 when a reference video/,
    ],
    [
      'a bad field deep in a stage',
      (s: ReturnType<typeof fourStages>) => (s.stages[0]!.request.parameters!.duration = 99),
      'stages.0.request.parameters.duration',
      /<=15/,
    ],
    [
      'a route that does not serve the model',
      (s: ReturnType<typeof fourStages>) => ((s.stages[3] as { route?: string }).route = 'eachlabs'),
      'stages.3.route',
      /does not serve wan2.7-videoedit/,
    ],
    [
      'a fallback route that does not serve the stage',
      (s: ReturnType<typeof fourStages>) =>
        Object.assign(s.stages[3]!, { onFailure: 'fallback-route', fallbackRoute: 'eachlabs' }),
      'stages.3.fallbackRoute',
      /does not serve wan2.7-videoedit; each::labs serves wan2.7-i2v/,
    ],
    [
      'a fallback to inference.sh from another region than its account',
      (s: ReturnType<typeof fourStages>) =>
        Object.assign(s.stages[0]!, { onFailure: 'fallback-route', fallbackRoute: 'inference' }),
      'stages.0.fallbackRoute',
      /inference.sh runs Wan 2.7 on a Model Studio key of ap-southeast-1/,
    ],
  ])('refuses %s, pointing at the stage and field', (_name, mutate, field, message) => {
    const spec = fourStages();
    mutate(spec);
    const found = problems(spec);
    expect(found.length).toBeGreaterThan(0);
    const hit = found.find((p) => p.field === field);
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it('refuses an unknown version and a malformed id', () => {
    expect(problems({ ...fourStages(), version: 2 }).map((p) => p.field)).toContain('version');
    const spec = fourStages();
    spec.stages[0]!.id = 'Explore Stage';
    expect(problems(spec).map((p) => p.field)).toContain('stages.0.id');
  });

  it('fills pipeline defaults (resolution, duration, seed) where a stage leaves them out; the stage wins', () => {
    const spec = fourStages();
    spec.stages[2]!.request.parameters = { duration: 4 } as never; // cast: its own duration, no resolution
    spec.stages.push({
      id: 'poster',
      request: {
        model: 'wan2.7-image',
        input: { messages: [{ role: 'user', content: [{ text: 'poster' }] }] },
      },
    } as never);
    delete (spec.stages[0]!.request as { parameters?: unknown }).parameters; // explore: nothing of its own
    const plan = planPipeline({ ...spec, defaults: { resolution: '1080P', duration: 5, seed: 42 } });
    const params = (id: string) => plan.stages[id]!.spec.request.parameters;
    expect(params('explore')).toEqual({ resolution: '1080P', duration: 5, seed: 42 });
    expect(params('extend')).toMatchObject({ resolution: '720P', duration: 6, seed: 42 });
    expect(params('cast')).toEqual({ resolution: '1080P', duration: 4, seed: 42 });
    // videoedit keeps its input's length: the duration default passes it by.
    expect(params('finish')).toEqual({ resolution: '720P', seed: 42 });
    expect(params('poster')).toEqual({ seed: 42 });
  });

  it('a problem caused by a default names the stage field and the default it came from', () => {
    const spec = fourStages();
    delete (spec.stages[0]!.request.parameters as { duration?: number }).duration;
    delete (spec.stages[1]!.request.parameters as { duration?: number }).duration;
    const found = problems({ ...spec, defaults: { duration: 5 } });
    expect(found).toContainEqual(
      expect.objectContaining({
        field: 'stages.1.request.parameters.duration',
        message: expect.stringMatching(/must exceed stage explore's 5 s \(from defaults\.duration\)$/),
      }),
    );
  });

  it('takes labels to find runs by, and refuses a malformed one naming it', () => {
    const plan = planPipeline({ ...fourStages(), labels: { team: 'promo', 'campaign.wave': '2' } });
    expect(plan.spec.labels).toEqual({ team: 'promo', 'campaign.wave': '2' });
    const bad = problems({ ...fourStages(), labels: { 'Team Name': 'promo', ok: '' } });
    expect(bad.map((p) => p.field)).toEqual(expect.arrayContaining(['labels.Team Name', 'labels.ok']));
  });

  it('expects each stage to take its task time, from the timing model it is given', () => {
    const fast = {
      baseSeconds: 3,
      perOutputSecond720: 0.2,
      factor1080: 1,
      factor480: 1,
      imageBaseSeconds: 1,
      perImageSeconds: 0.2,
    };
    const plan = planPipeline(fourStages(), fast);
    expect(plan.stages.extend).toMatchObject({ model: 'wan2.7-i2v', expectedSeconds: 3 + 0.2 * 6 });
    expect(planPipeline(fourStages()).stages.extend!.expectedSeconds).toBe(45 + 12 * 6);
  });
});

describe('the shipped example spec', () => {
  it('examples/teaser.yaml validates as a four-stage chain', () => {
    const plan = planPipeline(readSpecFile(resolve(__dirname, '../../examples/teaser.yaml')));
    expect(plan.order).toEqual(['explore', 'extend', 'cast', 'finish']);
    expect(plan.stages.cast!.spec.onFailure).toBe('retry-new-seed');
  });

  it('examples/wan30-story.yaml chains Wan 2.7 frames into Wan 3.0 shots, billing each reference video', () => {
    const plan = planPipeline(readSpecFile(resolve(__dirname, '../../examples/wan30-story.yaml')));
    expect(plan.order).toEqual(['frames', 'shot', 'extend', 'finish']);
    expect(plan.stages.frames).toMatchObject({ model: 'wan2.7-image', kind: 'image', outputs: 2 });
    // The shot's 4 s, and the extension's 4 s, are billed again as the next stage's reference video.
    expect(plan.stages.extend!.billing).toMatchObject({ resolution: '480P', quantity: 8, outputSeconds: 4 });
  });

  it("holds a Wan 3.0 stage's input + output to 30 s, its input being an earlier stage's output", () => {
    const spec = readSpecFile(resolve(__dirname, '../../examples/wan30-story.yaml')) as {
      stages: { request: { parameters: { duration: number } } }[];
    };
    spec.stages[1]!.request.parameters.duration = 14;
    spec.stages[2]!.request.parameters.duration = 17;
    expect(problems(spec)).toContainEqual({
      field: 'stages.2.request.parameters.duration',
      value: 17,
      message: 'with 14 s of input video, at most 16 (input + output ≤ 30 s)',
    });
  });
});
