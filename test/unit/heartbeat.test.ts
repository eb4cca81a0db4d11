// An activity heartbeats while it works, so a dead worker is noticed within its heartbeat timeout; run as a
// local activity (a job's validation) it does not: there the workflow task it runs in is what is kept alive.
import { describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeating } from '../../src/activities/heartbeat';

async function beatsDuring(isLocal: boolean): Promise<number> {
  const env = new MockActivityEnvironment({ isLocal });
  let beats = 0;
  env.on('heartbeat', () => void (beats += 1));
  const work = heartbeating(() => new Promise<string>((r) => setTimeout(() => r('done'), 60)), 10);
  expect(await env.run(work)).toBe('done');
  return beats;
}

describe('heartbeating', () => {
  it('beats while an activity works', async () => {
    expect(await beatsDuring(false)).toBeGreaterThanOrEqual(3);
  });

  it('never beats in a local activity', async () => {
    expect(await beatsDuring(true)).toBe(0);
  });
});
