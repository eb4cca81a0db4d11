// Pass-through streams that observe what flows through them without buffering it.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Hashes (SHA-256) and counts the bytes passing through. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Reports the running byte count, and fails the stream past `maxBytes`. Listening for 'data' on the
 * source instead would switch it to flowing mode and lose chunks before the consumer is attached.
 */
export function byteCounter(onBytes: (total: number) => void, maxBytes = Infinity): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > maxBytes) return done(new Error(`stream exceeds ${maxBytes} bytes`));
      onBytes(total);
      done(null, chunk);
    },
  });
}
