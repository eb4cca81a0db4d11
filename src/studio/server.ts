// `wanflow studio`'s HTTP server: the studio's app on hono's Node adapter.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { EXIT, WanflowError } from '../shared/errors';
import { studioApp, type StudioOptions } from './app';

export interface StudioServer {
  url: string;
  close(): Promise<void>;
}

export class StudioTokenMissingError extends WanflowError {
  override readonly name = 'StudioTokenMissingError';
  override readonly exitCode = EXIT.usage;
  readonly remedy =
    'Set WANFLOW_STUDIO_TOKEN (24+ characters) and open the studio once with ?token=<it>, or listen on 127.0.0.1.';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Serves the studio on `host:port` (port 0: any free one). Beyond loopback only with a token. */
export async function serveStudio(o: StudioOptions & { host: string; port: number }): Promise<StudioServer> {
  if (!LOOPBACK.has(o.host) && !o.token)
    throw new StudioTokenMissingError(`the studio on ${o.host} would be open to the network without a token`);
  const app = studioApp(o);
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, () => done(s));
  });
  const { port } = server.address() as AddressInfo;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  return {
    url: `http://${shown}:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
