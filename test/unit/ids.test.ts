// Job IDs and pipeline keys are checked before anything is paid, and name separate storage folders.
import { describe, expect, it } from 'vitest';
import {
  campaignRowId,
  campaignRowWorkflowId,
  campaignWorkflowId,
  childWorkflowId,
  isJobWorkflowId,
  jobFolder,
  jobWorkflowId,
  pipelineFolder,
  pipelineWorkflowId,
  runIdProblem,
} from '../../src/shared/ids';
import { MAX_DATA_URL_CHARS, sizeProblems } from '../../src/shared/sizes';

describe('run IDs', () => {
  it.each(['launch-042', 'a', 'A.b_c-9', 'x'.repeat(128)])('accepts %s', (id) =>
    expect(runIdProblem('jobId', id)).toBeUndefined(),
  );
  it.each(['', 'p/stage', '../etc', 'a..b', '-lead', 'with space', 'ü', 'x'.repeat(129), 42, undefined])(
    'refuses %j, naming the field',
    (id) => expect(runIdProblem('jobId', id)).toMatchObject({ field: 'jobId' }),
  );
});

describe('jobFolder', () => {
  it('keeps standalone jobs and pipeline jobs apart', () => {
    expect(jobFolder('p')).toBe('jobs/p');
    expect(jobFolder('p/explore')).toBe('pipelines/p/jobs/explore');
    expect(jobFolder('p/explore')).not.toMatch(/^jobs\//);
  });

  it("puts a campaign row's job, pipeline and pipeline jobs in the row's folder, apart from chosen IDs", () => {
    const row = campaignRowId('spring', 'sku-001');
    expect(jobFolder(row)).toBe('campaigns/spring/rows/sku-001');
    expect(pipelineFolder(row)).toBe('campaigns/spring/rows/sku-001');
    expect(jobFolder(`${row}/explore`)).toBe('campaigns/spring/rows/sku-001/jobs/explore');
    // A chosen ID cannot be a row's: `~` is refused in IDs, so no job writes into a campaign's folder.
    expect(runIdProblem('jobId', row)).toBeDefined();
    expect(pipelineFolder('spring')).toBe('pipelines/spring');
  });
});

describe('sizes a start may carry', () => {
  it('refuses a huge inline image and an overlong URL by field, before Temporal would', () => {
    const big = `data:image/png;base64,${'A'.repeat(MAX_DATA_URL_CHARS + 1)}`;
    const request = {
      model: 'wan2.7-image',
      input: { messages: [{ role: 'user', content: [{ image: big }, { text: 'x' }] }] },
    };
    expect(sizeProblems(request)).toMatchObject([{ field: 'input.messages.0.content.0.image' }]);
    expect(sizeProblems({ input: { audio_url: `https://x.example/${'a'.repeat(9000)}` } })).toMatchObject([
      { field: 'input.audio_url' },
    ]);
    expect(sizeProblems({ input: { prompt: 'a fox', media: [{ url: 'https://x.example/a.png' }] } })).toEqual(
      [],
    );
  });

  it('refuses a request too large as a whole', () => {
    const many = {
      input: { media: Array.from({ length: 60 }, () => ({ url: `https://x.example/${'a'.repeat(7000)}` })) },
    };
    expect(sizeProblems(many)).toMatchObject([
      {
        field: 'input.media',
        message: 'makes the request larger than 393216 bytes as JSON; pass media as files or URLs',
      },
    ]);
  });

  it('refuses a 3-million-character prompt by its field and limit, not as the whole request', () => {
    const request = { model: 'wan2.7-t2v', input: { prompt: 'a'.repeat(3_000_000) } };
    expect(sizeProblems(request)).toEqual([
      {
        field: 'input.prompt',
        value: `${'a'.repeat(40)}… (3000000 characters)`,
        message: 'is longer than 20000 characters; no model takes text this long',
      },
    ]);
    expect(sizeProblems(request, 'request.')).toMatchObject([{ field: 'request.input.prompt' }]);
  });
});

describe('job workflow IDs (what a task webhook may wake)', () => {
  it('recognises every workflow that runs one job, by the same formulas that name them', () => {
    const pipeline = pipelineWorkflowId('p');
    const row = campaignRowWorkflowId('spring', 'sku-001');
    for (const id of [
      jobWorkflowId('launch-042'),
      childWorkflowId(pipeline, 'p/explore'),
      row,
      childWorkflowId(row, `${campaignRowId('spring', 'sku-001')}/explore`),
    ])
      expect(isJobWorkflowId(id), id).toBe(true);
  });

  it('refuses pipelines, campaigns and the coordination workflows', () => {
    for (const id of [
      pipelineWorkflowId('p'),
      campaignWorkflowId('spring'),
      'wanflow-slots/acct/wan2.7-t2v',
      'wanflow-create-lock/x',
      'wanflow-job-a/../b',
      'wanflow-pipeline-p/s/x',
    ])
      expect(isJobWorkflowId(id), id).toBe(false);
  });
});
