// Whose stored media a run may name (src/assets/owners.ts): safe keys only, and an agent only its own —
// refused by field at the client, before anything is started or paid.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetRefProblem } from '../../src/assets/owners';
import { assetProblems, stageLocalInputs } from '../../src/assets/stage';
import { FileSystemStore } from '../../src/storage/fs-store';
import { InvalidRequestError } from '../../src/wan/validation';
import { makeImage } from '../harness/media';

const i2v = (url: string) => ({
  model: 'wan2.7-i2v',
  input: { prompt: 'p', media: [{ type: 'first_frame', url }] },
  parameters: { resolution: '720P', duration: 2 },
});

describe('asset references', () => {
  it.each([
    ['asset://../../etc/passwd', /segment/],
    ['asset:///etc/passwd', /absolute/],
    ['asset://jobs//x.mp4', /segment/],
    ['asset://jobs/./x.mp4', /segment/],
    ['asset://jobs\\..\\x.mp4', /backslash/],
    ['asset://jobs/x\u0000.mp4', /control/],
    ['asset://', /empty/],
  ])('%j is refused for everyone, naming the field', (ref, reason) => {
    expect(assetRefProblem('input.media.0.url', ref)).toMatchObject({
      field: 'input.media.0.url',
      message: expect.stringMatching(reason),
    });
  });

  it('a CLI user names any safe key of the local store', () => {
    for (const key of ['jobs/x/output.mp4', 'inputs/abc/frame.png', 'agents/beta/inputs/a/b.png'])
      expect(assetRefProblem('f', `asset://${key}`)).toBeUndefined();
  });

  it("an agent names only what it staged and its own runs' outputs", () => {
    for (const key of [
      'agents/alpha/inputs/0f/frame.png',
      'jobs/alpha.k1/output.mp4',
      'pipelines/alpha.k2/jobs/shot/output.mp4',
      'campaigns/alpha.c1/rows/r1/output.mp4',
    ])
      expect(assetRefProblem('f', `asset://${key}`, 'alpha'), key).toBeUndefined();
    for (const key of [
      'jobs/beta.k1/output.mp4',
      'agents/beta/inputs/0f/frame.png',
      'agents/alphabet/inputs/x.png',
      'jobs/alphabet.k/output.mp4',
      'inputs/0f/frame.png',
      'jobs/k1/output.mp4',
    ])
      expect(assetRefProblem('f', `asset://${key}`, 'alpha'), key).toMatchObject({
        message: expect.stringMatching(/is not agent alpha's/),
      });
  });

  it("finds them in a pipeline's stages and names each field", () => {
    const spec = {
      stages: [{ request: i2v('https://x.example/a.png') }, { request: i2v('asset://jobs/b.k/o.mp4') }],
    };
    expect(assetProblems(spec, 'alpha')).toMatchObject([{ field: 'stages.1.request.input.media.0.url' }]);
    expect(assetProblems(spec)).toEqual([]);
  });
});

describe('staging for an agent', () => {
  const store = new FileSystemStore(mkdtempSync(join(tmpdir(), 'wanflow-owners-')));

  it("stores the agent's files in its own folder, which its later runs may name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-agent-root-'));
    const frame = join(dir, 'frame.png');
    copyFileSync(await makeImage(320, 240), frame);
    const staged = (await stageLocalInputs(i2v('frame.png'), store, dir, {
      root: dir,
      agent: 'alpha',
    })) as ReturnType<typeof i2v>;
    const ref = staged.input.media[0]!.url;
    expect(ref).toMatch(/^asset:\/\/agents\/alpha\/inputs\/[0-9a-f]{32}\/frame\.png$/);
    await expect(stageLocalInputs(i2v(ref), store, dir, { agent: 'alpha' })).resolves.toBeDefined();
    const err = await stageLocalInputs(i2v(ref), store, dir, { agent: 'beta' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).problems).toMatchObject([{ field: 'input.media.0.url', value: ref }]);
  });
});
