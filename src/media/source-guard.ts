// What preflight may fetch on the worker. A media URL comes from a user (or a spec written by someone
// else); fetched blindly, it reaches the worker's own network: loopback services, the cloud's metadata
// endpoint, private hosts. Only public http(s) hosts are read — unless a host is on the operator's
// allow-list (on-premises media servers) — and a redirect is never followed to anywhere.
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

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

/**
 * Why a remote media URL may not be fetched, or undefined when it may: the scheme, the addresses its
 * host resolves to, and whether it redirects (checked with one ranged GET that follows nothing).
 */
export async function sourceProblem(
  source: string,
  policy: SourcePolicy,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http(s) URLs are fetched';
  if (url.username || url.password) return 'URLs with credentials in them are not fetched';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (all) => all.map((a) => a.address),
        () => [],
      );
  if (!addresses.length) return 'its host does not resolve';
  if (!allowed(url, policy) && !addresses.every(isPublicAddress))
    return 'its host is a private, loopback or link-local address; such sources are not fetched (allow-list: WANFLOW_PREFLIGHT_ALLOW_HOSTS)';
  // The check connects only to the addresses just checked (a host that resolves differently now is refused).
  const pinned = new Agent({
    connect: {
      timeout: timeoutMs,
      lookup: pinnedLookup(addresses[0]!),
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    const res = await request(url, { method: 'GET', headers: { range: 'bytes=0-0' }, dispatcher: pinned });
    await res.body.dump();
    if (res.statusCode >= 300 && res.statusCode < 400)
      return `redirects (HTTP ${res.statusCode}); redirects are not followed: pass the final URL`;
    if (res.statusCode >= 400) return `answered HTTP ${res.statusCode}`;
    return undefined;
  } catch {
    return 'could not be reached';
  } finally {
    await pinned.close();
  }
}

/** A `lookup` for net.connect that answers one fixed address, in either of its calling conventions. */
function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  const answer = (_name: string, opts: { all?: boolean }, done: (...args: unknown[]) => void) =>
    opts?.all ? done(null, [{ address, family }]) : done(null, address, family);
  return answer as unknown as LookupFunction;
}
