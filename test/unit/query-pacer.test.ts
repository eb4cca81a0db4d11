// A worker's task queries leave at its budget's pace even when dispatched polls arrive in a run (a worker
// that fell behind): seen once in CI as a query refused by the provider while the server's limiter held.
import { describe, expect, it } from 'vitest';
import { queryPacer } from '../../src/activities/query-pacer';

/** A clock that moves only when told; each query's send time is when its wait would end. */
function paced(perSecond: number) {
  let t = 1_000_000;
  let waited = 0;
  const pace = queryPacer(
    perSecond,
    () => t,
    (ms) => {
      waited = ms;
      return Promise.resolve();
    },
  );
  return {
    at: () => t,
    advance: (ms: number) => (t += ms),
    /** Asks to send a query now; answers when it goes. */
    send: async () => {
      waited = 0;
      await pace();
      return t + waited;
    },
  };
}

describe('the query pacer', () => {
  it('spaces a run of queries that arrive at once, and lets one through at once after a quiet spell', async () => {
    const p = paced(4);
    const start = p.at();
    const run: number[] = [];
    for (let i = 0; i < 5; i++) run.push((await p.send()) - start);
    expect(run).toEqual([0, 250, 500, 750, 1000]);
    p.advance(10_000);
    expect(await p.send()).toBe(p.at());
  });

  it('never lets more than the budget through in any one-second window', async () => {
    const p = paced(6);
    const sent: number[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 7 === 0) p.advance(1_700);
      sent.push(await p.send());
    }
    for (const t of sent) expect(sent.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(6);
    expect(sent.filter((s) => s < sent[0]! + 1000)).toHaveLength(6);
  });
});
