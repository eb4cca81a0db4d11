// The order in which an account's slots are granted: interactive work before batches (priority), groups
// sharing fairly within a priority (the group holding fewest slots first), then arrival.
import { describe, expect, it } from 'vitest';
import { nextGrantable, type SlotRequest, type SlotState } from '../../src/coordination/slots';

/** The next request to go, taken from the queue. */
function pickNext(s: SlotState): SlotRequest {
  const next = nextGrantable(s)!;
  s.waiting = s.waiting.filter((w) => w !== next);
  return next;
}

const req = (token: string, group: string, priority = 10): SlotRequest => ({
  requester: `wf-${token}`,
  token,
  capacity: 3,
  priority,
  group,
});
const state = (waiting: SlotRequest[], holding: SlotRequest[] = []): SlotState => ({
  capacity: 3,
  waiting: [...waiting],
  holders: holding.map((h) => ({ ...h, grantedAt: 0 })),
  reclaimed: 0,
  checkEveryMs: 1000,
});

describe('slot order', () => {
  it('first come, first served within one group and priority', () => {
    const s = state([req('a', 'g'), req('b', 'g'), req('c', 'g')]);
    expect([pickNext(s), pickNext(s), pickNext(s)].map((r) => r.token)).toEqual(['a', 'b', 'c']);
    expect(s.waiting).toEqual([]);
  });

  it('an interactive job (priority 0) goes ahead of a campaign queued before it', () => {
    const s = state([req('row-1', 'campaign'), req('row-2', 'campaign'), req('now', 'job-x', 0)]);
    expect(pickNext(s).token).toBe('now');
  });

  it('two campaigns share: the one holding fewer slots goes next, whatever arrived first', () => {
    const big = [req('a1', 'A'), req('a2', 'A'), req('a3', 'A')];
    const s = state([...big, req('b1', 'B')], [req('a0', 'A')]);
    expect(pickNext(s).token).toBe('b1');
    s.holders.push({ ...req('b1', 'B'), grantedAt: 1 });
    // A holds 1, B holds 1: arrival decides again.
    expect(pickNext(s).token).toBe('a1');
  });
});
