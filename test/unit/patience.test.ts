// A starting worker waits for its server (src/worker/patience.ts): retries with backoff, a line when it
// starts waiting and each report period after, the connection once the server answers, and the last
// failure only after the give-up.
import { describe, expect, it } from 'vitest';
import { patiently } from '../../src/worker/patience';

const failing = (times: number) => {
  let calls = 0;
  return {
    calls: () => calls,
    connect: async () => {
      calls += 1;
      if (calls <= times) throw new Error(`connection refused (${calls})`);
      return 'connected';
    },
  };
};

describe('waiting for the server at start', () => {
  it('retries until the server answers, saying it waits and when it connected', async () => {
    const server = failing(4);
    const lines: string[] = [];
    const fast = { firstDelayMs: 5, maxDelayMs: 20, reportEveryMs: 1_000 };
    await expect(
      patiently(server.connect, {
        what: 'Temporal at x:1',
        giveUpMs: 5_000,
        log: (l) => lines.push(l),
        ...fast,
      }),
    ).resolves.toBe('connected');
    expect(server.calls()).toBe(5);
    expect(lines).toEqual([
      expect.stringMatching(
        /^waiting for Temporal at x:1 \(0 s so far, gives up after 5 s\): connection refused \(1\)$/,
      ),
      expect.stringMatching(/^connected to Temporal at x:1 after \d+ s$/),
    ]);
  });

  it('gives up after the give-up with the last failure, having backed off', async () => {
    const server = failing(Infinity);
    const started = Date.now();
    await expect(
      patiently(server.connect, {
        what: 'T',
        giveUpMs: 300,
        log: () => {},
        firstDelayMs: 10,
        maxDelayMs: 80,
      }),
    ).rejects.toThrow(/connection refused/);
    expect(Date.now() - started).toBeLessThan(1_000);
    // 10, 20, 40, 80, 80 … ms apart: a handful of tries, not a busy loop.
    expect(server.calls()).toBeGreaterThanOrEqual(3);
    expect(server.calls()).toBeLessThanOrEqual(8);
  });

  it('with no patience, one try', async () => {
    const server = failing(1);
    await expect(patiently(server.connect, { what: 'T', giveUpMs: 0, log: () => {} })).rejects.toThrow();
    expect(server.calls()).toBe(1);
  });
});
