// Quotes are signed facts: only the server's secret makes one, only for the request it names, only until
// it expires — each check below fails if its guard is removed.
import { describe, expect, it } from 'vitest';
import { checkQuote, QuoteRefusedError, signQuote } from '../../src/agents/quotes';

const SECRET = 'a-secret-of-at-least-16';
const facts = { hash: 'h1', amount: 1.2, currency: 'CNY', expectedSeconds: 60, expiresAt: 2_000 };

describe('quotes', () => {
  it('a genuine, unexpired quote for the same request gives its facts back', () => {
    expect(checkQuote(signQuote(facts, SECRET), SECRET, 'h1', 1_000)).toEqual(facts);
  });

  it('refuses another secret, a changed body, a forged signature, another request and an expired quote', () => {
    const id = signQuote(facts, SECRET);
    const [prefix, body] = id.split('.');
    const cheaper = Buffer.from(JSON.stringify({ ...facts, amount: 0.01 })).toString('base64url');
    const refusals: [string, string, string, number][] = [
      [signQuote(facts, 'another-secret-16chars'), SECRET, 'h1', 1_000],
      [`${prefix}.${cheaper}.${id.split('.')[2]}`, SECRET, 'h1', 1_000],
      [`${prefix}.${body}.AAAA`, SECRET, 'h1', 1_000],
      ['not-a-quote', SECRET, 'h1', 1_000],
      [id, SECRET, 'h2', 1_000],
      [id, SECRET, 'h1', 2_001],
    ];
    const messages = refusals.map(([q, s, h, now]) => {
      try {
        checkQuote(q, s, h, now);
        return 'accepted';
      } catch (err) {
        expect(err).toBeInstanceOf(QuoteRefusedError);
        return (err as Error).message;
      }
    });
    expect(messages.slice(0, 4).every((m) => /is not a quote this server made/.test(m))).toBe(true);
    expect(messages[4]).toBe('quoteId was made for a different request');
    expect(messages[5]).toMatch(/^quoteId expired at 1970-01-01T00:00:02\.000Z$/);
  });
});
