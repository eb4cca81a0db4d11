// Which routes can take a pipeline stage's stored inputs (src/activities/stored-inputs.ts): with a store
// that signs URLs every route can; otherwise only routes with a temporary upload (Model Studio,
// inference.sh), and the refusal names the stage's field, the route and the remedy.
import { describe, expect, it } from 'vitest';
import { checkStoredInputRoutes } from '../../src/activities/stored-inputs';
import type { VideoProvider } from '../../src/providers/provider';
import { InvalidRequestError } from '../../src/wan/validation';
import { takesStoredInputs } from '../../src/pipelines/refs';

const uploads = { uploadTemporary: async () => 'oss://x' } as unknown as VideoProvider;
const none = {} as VideoProvider;
const provider = (route: string) => (route === 'fal' || route === 'eachlabs' ? none : uploads);

describe('stored inputs per route', () => {
  const stages = [
    { field: 'stages.1.route', route: 'modelstudio' as const, region: 'cn-beijing' as const },
    { field: 'stages.2.route', route: 'fal' as const, region: 'cn-beijing' as const },
    { field: 'stages.2.fallbackRoute', route: 'inference' as const, region: 'cn-beijing' as const },
  ];

  it('upload: a route without a temporary upload is refused by field', () => {
    let err: unknown;
    try {
      checkStoredInputRoutes({ provider, publishing: 'upload' }, stages);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).problems).toEqual([
      expect.objectContaining({
        field: 'stages.2.route',
        value: 'fal',
        message: expect.stringMatching(/no temporary upload.*nothing was paid/),
      }),
    ]);
  });

  it('presign: every route takes them', () => {
    expect(() => checkStoredInputRoutes({ provider, publishing: 'presign' }, stages)).not.toThrow();
  });

  it('a stage takes stored inputs when it names an earlier stage or a stored asset', () => {
    expect(takesStoredInputs({ input: { media: [{ url: 'stage:shot#2' }] } })).toBe(true);
    expect(takesStoredInputs({ input: { media: [{ url: 'asset://inputs/ab/x.png' }] } })).toBe(true);
    expect(
      takesStoredInputs({ input: { prompt: 'stage: a fox', media: [{ url: 'https://x/y.png' }] } }),
    ).toBe(false);
  });
});
