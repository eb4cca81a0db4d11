// What preflight may fetch on the worker. A media URL comes from a user (or a spec written by someone
// else); fetched blindly, it reaches the worker's own network: loopback services, the cloud's metadata
// endpoint, private hosts. Only public http(s) hosts are read — unless a host is on the operator's
// allow-list (on-premises media servers) — and a connection goes only to the addresses just checked.
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

export interface SourcePolicy {
  /** Hosts (names or addresses, optionally `:port`) read even though they resolve to private addresses. */
  allowHosts: readonly string[];
}

export const PUBLIC_ONLY: SourcePolicy = { allowHosts: [] };

/** Whether an address is one anybody on the internet could serve from. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

function allowed(url: URL, policy: SourcePolicy): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return policy.allowHosts.some((h) => h === host || h === `${host}:${url.port}` || h === url.host);
}

/** A URL that may be fetched, and the one address its connections go to. */
export interface CheckedSource {
  url: URL;
  address: string;
}

/**
 * The URL and the address to fetch it from, or why it may not be fetched: its scheme, credentials in it,
 * and the addresses its host resolves to (all of them must be public, unless the host is allow-listed).
 */
export async function checkSource(
  source: string,
  policy: SourcePolicy,
): Promise<CheckedSource | { problem: string }> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: 'only http(s) URLs are fetched' };
  if (url.username || url.password) return { problem: 'URLs with credentials in them are not fetched' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (all) => all.map((a) => a.address),
        () => [],
      );
  if (!addresses.length) return { problem: 'its host does not resolve' };
  if (!allowed(url, policy) && !addresses.every(isPublicAddress))
    return {
      problem:
        'its host is a private, loopback or link-local address; such sources are not fetched (allow-list: WANFLOW_PREFLIGHT_ALLOW_HOSTS)',
    };
  return { url, address: addresses[0]! };
}

/** An HTTP agent whose every connection goes to `address` (a host that resolves differently now is not asked). */
export function pinnedAgent(address: string | undefined, timeoutMs: number): Agent {
  return new Agent({
    connect: { timeout: timeoutMs, ...(address ? { lookup: pinnedLookup(address) } : {}) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

/** A `lookup` for net.connect that answers one fixed address, in either of its calling conventions. */
function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  const answer = (_name: string, opts: { all?: boolean }, done: (...args: unknown[]) => void) =>
    opts?.all ? done(null, [{ address, family }]) : done(null, address, family);
  return answer as unknown as LookupFunction;
}
