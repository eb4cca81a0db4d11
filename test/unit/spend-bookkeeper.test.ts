// Bookings of jobs that end close together go to their day's ledger as one signal per ledger
// (src/activities/spend.ts `SpendBookkeeper`): a job's record is complete only when its batch was sent,
// and a batch that could not be sent fails every job in it (their activities retry and book again).
import { describe, expect, it } from 'vitest';
import { SpendBookkeeper, type Booking } from '../../src/activities/spend';

describe('the spend bookkeeper', () => {
  it('gathers bookings per ledger into one signal, summed per currency', async () => {
    const sent: [string, Booking][] = [];
    const send = async (ledger: string, booking: Booking) => {
      sent.push([ledger, structuredClone(booking)]);
    };
    const keeper = new SpendBookkeeper(20);
    await Promise.all([
      keeper.book('acct-a', 1.2, 'CNY', send),
      keeper.book('acct-a', 0.6, 'CNY', send),
      keeper.book('acct-a', 2, 'USD', send),
      keeper.book('acct-b', 3, 'CNY', send),
    ]);
    expect(sent).toEqual([
      ['acct-a', { amounts: { CNY: 1.8, USD: 2 }, jobs: 3 }],
      ['acct-b', { amounts: { CNY: 3 }, jobs: 1 }],
    ]);
    // A booking after the batch left starts the next one.
    await keeper.book('acct-a', 1, 'CNY', send);
    expect(sent[2]).toEqual(['acct-a', { amounts: { CNY: 1 }, jobs: 1 }]);
  });

  it('a batch that could not be sent fails every booking in it', async () => {
    const keeper = new SpendBookkeeper(10);
    const down = async () => {
      throw new Error('Temporal unreachable');
    };
    const results = await Promise.allSettled([
      keeper.book('a', 1, 'CNY', down),
      keeper.book('a', 2, 'CNY', down),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
