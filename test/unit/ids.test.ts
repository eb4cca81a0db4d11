// Job IDs and pipeline keys are checked before anything is paid, and name separate storage folders.
import { describe, expect, it } from 'vitest';
import { jobFolder, runIdProblem } from '../../src/shared/ids';

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
});
