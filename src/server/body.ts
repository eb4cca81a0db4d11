// Reading a request body with a cap, for wanflow's HTTP servers (webhook receiver, simulator): past the
// limit the read stops, so a hostile client cannot make a server hold an unbounded body.
import type { IncomingMessage } from 'node:http';

/** The body, or undefined once it passes `limit` bytes (the rest is not read). */
export function readCappedBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.pause();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
