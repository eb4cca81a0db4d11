// Quotes an agent starts runs against: the exact estimate and expected time of one request, bound to the
// request's hash and an expiry, signed so any process holding the secret can check it without a store.
// A start names the quote; the run it starts is the quoted request, at no more than the quoted price.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WanflowError, EXIT } from '../shared/errors';

export interface QuoteFacts {
  /** requestHash of what was quoted (kind, body, route, region). */
  hash: string;
  /** The exact estimate; absent where the price table has no price for the request. */
  amount?: number;
  currency?: string;
  expectedSeconds: number;
  /** Epoch ms after which the quote is no longer honoured. */
  expiresAt: number;
}

export class QuoteRefusedError extends WanflowError {
  override readonly name = 'QuoteRefusedError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.usage;
  readonly remedy: string;
  constructor(message: string, remedy: string) {
    super(message);
    this.remedy = remedy;
  }
}

const PREFIX = 'wq1';

export function signQuote(facts: QuoteFacts, secret: string): string {
  const body = Buffer.from(JSON.stringify(facts)).toString('base64url');
  return `${PREFIX}.${body}.${mac(body, secret)}`;
}

/** The quote's facts, when `id` is a quote this secret signed, unexpired, for a request of `hash`. */
export function checkQuote(id: string, secret: string, hash: string, now = Date.now()): QuoteFacts {
  const [prefix, body, sig] = id.split('.');
  const expected = body === undefined ? '' : mac(body, secret);
  const genuine =
    prefix === PREFIX &&
    body !== undefined &&
    sig !== undefined &&
    sig.length === expected.length &&
    timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
  if (!genuine)
    throw new QuoteRefusedError(
      `quoteId ${JSON.stringify(id.slice(0, 40))} is not a quote this server made`,
      'Call `quote` with the request and pass the quoteId it returns (quotes from another server or before a restart without WANFLOW_MCP_SECRET do not carry over).',
    );
  const facts = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as QuoteFacts;
  if (facts.hash !== hash)
    throw new QuoteRefusedError(
      'quoteId was made for a different request',
      'Quote this exact request (same body, route and region) and start it with that quoteId.',
    );
  if (now > facts.expiresAt)
    throw new QuoteRefusedError(
      `quoteId expired at ${new Date(facts.expiresAt).toISOString()}`,
      'Call `quote` again: quotes are honoured for a limited time.',
    );
  return facts;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest('base64url');
}
