// The local asset server for development: serves the filesystem store's assets at signed, expiring URLs
// (HMAC over key and expiry), so a provider — or the simulator — can fetch inputs that live on this
// machine. Production uses presigned S3 URLs instead.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileSystemStore } from '../storage/fs-store';

/** Signs asset URLs; the worker holds one to publish inputs, the server one to check them. */
export class AssetLinks {
  constructor(
    readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  url(key: string, ttlSeconds: number, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + ttlSeconds;
    return `${this.baseUrl}/assets/${key.split('/').map(encodeURIComponent).join('/')}?Expires=${expires}&Signature=${this.sign(key, expires)}`;
  }

  check(
    key: string,
    expires: string | null,
    signature: string | null,
    now = Date.now(),
  ): 'ok' | 'expired' | 'forged' {
    if (!expires || !signature || !/^\d+$/.test(expires)) return 'forged';
    const expected = Buffer.from(this.sign(key, Number(expires)));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
    return Number(expires) * 1000 <= now ? 'expired' : 'ok';
  }

  private sign(key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}`).digest('hex');
  }
}

export interface AssetServer {
  url: string;
  close(): Promise<void>;
}

export async function startAssetServer(o: {
  store: FileSystemStore;
  secret: string;
  port?: number;
  host?: string;
  publicUrl?: string;
}): Promise<AssetServer> {
  const state: { links?: AssetLinks } = {};
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://assets');
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.replace(/^\/assets\//, ''));
    } catch {
      // A malformed escape (`%E0%A4%A`) is a bad request, never a crash of the process hosting this.
      return void res.writeHead(400).end('bad request');
    }
    const verdict =
      req.method === 'GET' && url.pathname.startsWith('/assets/')
        ? state.links!.check(key, url.searchParams.get('Expires'), url.searchParams.get('Signature'))
        : 'forged';
    if (verdict !== 'ok') return void res.writeHead(403).end(verdict === 'expired' ? 'expired' : 'forbidden');
    let path: string;
    try {
      path = o.store.path(key);
    } catch {
      return void res.writeHead(403).end('forbidden');
    }
    stat(path).then(
      (s) => {
        if (!s.isFile()) return void res.writeHead(404).end('not found');
        res.writeHead(200, { 'Content-Length': s.size, 'Content-Type': 'application/octet-stream' });
        createReadStream(path)
          .on('error', () => res.destroy())
          .pipe(res);
      },
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const url = o.publicUrl ?? `http://${o.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  state.links = new AssetLinks(url, o.secret);
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
