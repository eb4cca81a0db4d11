// A loopback HTTP server for test media, so preflight and the simulator read inputs over real HTTP.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';

export interface FileServer {
  /** Publishes a local file and returns its URL. */
  serve(file: string): string;
  close(): Promise<void>;
}

export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (!file) return res.writeHead(404).end('not found');
    // Like object stores: a length and a type on every answer.
    res.writeHead(200, { 'Content-Length': statSync(file).size, 'Content-Type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    serve(file) {
      const path = `/${files.size}/${basename(file)}`;
      files.set(path, file);
      return `http://127.0.0.1:${port}${path}`;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
