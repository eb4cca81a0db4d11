// The OSS side of the simulator: signed result URLs and their downloads, and the form POST of the
// temporary upload — answered as OSS answers, with XML errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { SimTask, TaskTable } from './task-table';
import { UploadError, type UploadStore } from './uploads';
import { readBody } from './wire';

export function sendOssError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

/** Signs result URLs (OSS v1 style: Expires, OSSAccessKeyId, Signature) and serves them. */
export class ResultLinks {
  private readonly key = randomBytes(32);

  constructor(
    private readonly tasks: TaskTable,
    private readonly onDownload: () => void,
    private readonly closeAfterBody: () => boolean = () => false,
  ) {}

  /** One URL for a video task, one per image for an image task; the expiry is fixed at first issue. */
  urls(task: SimTask, publicUrl: string, ttlSeconds: number, now: number): string[] {
    task.resultUrlExpiresAt ??= Math.floor(now / 1000) + ttlSeconds;
    const expires = String(task.resultUrlExpiresAt);
    const names = task.images
      ? Array.from({ length: task.images }, (_, i) => `${task.id}-${i + 1}.png`)
      : [`${task.id}.mp4`];
    return names.map(
      (name) =>
        `${publicUrl}/results/${name}?Expires=${expires}&OSSAccessKeyId=SIMULATOR&Signature=${encodeURIComponent(this.sign(name, expires))}`,
    );
  }

  async serve(name: string, url: URL, res: ServerResponse): Promise<void> {
    const expires = url.searchParams.get('Expires') ?? '';
    const task = this.tasks.get(/^([0-9a-f-]{36})/.exec(name)?.[1] ?? '');
    if (!task?.file || url.searchParams.get('Signature') !== this.sign(name, expires)) {
      return sendOssError(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (Number(expires) * 1000 <= Date.now())
      return sendOssError(res, 403, 'AccessDenied', 'Request has expired.');
    this.onDownload();
    const { size } = await stat(task.file);
    const close = this.closeAfterBody();
    res.writeHead(200, {
      'Content-Type': task.images ? 'image/png' : 'video/mp4',
      'Content-Length': size,
      ...(close ? { Connection: 'close' } : {}),
    });
    // A server that ends the socket as soon as the body is out (as Python's http.server does): the
    // client must not depend on the connection outliving the body.
    if (close) res.once('finish', () => res.socket?.end());
    createReadStream(task.file).pipe(res);
  }

  private sign(name: string, expires: string): string {
    return createHmac('sha1', this.key).update(`GET\n${name}\n${expires}`).digest('base64');
  }
}

/** The multipart form POST of a temporary upload. Resolves true when the file was stored. */
export async function receiveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  uploads: UploadStore,
): Promise<boolean> {
  // Uploads carry media up to the contract's 100 MB.
  const body = Buffer.from(await readBody(req, 'binary', 120 * 1024 * 1024), 'binary');
  let form: FormData;
  try {
    form = await new Request('http://sim/oss-upload', {
      method: 'POST',
      body,
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
  } catch {
    sendOssError(
      res,
      400,
      'InvalidArgument',
      'The body of your POST request is not well-formed multipart/form-data.',
    );
    return false;
  }
  try {
    await uploads.accept(form);
  } catch (err) {
    if (!(err instanceof UploadError)) throw err;
    sendOssError(res, err.status, err.code, err.message);
    return false;
  }
  res.writeHead(200).end();
  return true;
}
