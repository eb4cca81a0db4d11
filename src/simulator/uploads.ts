// Model Studio's temporary upload, simulated (contract §3): getPolicy issues an OSS POST policy bound to
// one model; the form POST stores the file; `oss://` URLs resolve to it for 48 h, for that model only.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { WanflowError } from '../shared/errors';

const LIFETIME_MS = 48 * 3600_000;
const MAX_FILE_MB = 100;

interface Issued {
  model: string;
  uploadDir: string;
  policy: string;
  expiresAt: number;
}

interface Uploaded {
  model: string;
  path: string;
  storedAt: number;
}

/** A refused upload, answered with OSS's own status and code. */
export class UploadError extends WanflowError {
  override readonly name = 'UploadError';
  readonly remedy = 'Ask for a new upload policy and post the form exactly as it says.';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class UploadStore {
  private readonly secret = randomUUID();
  private readonly issued = new Map<string, Issued>();
  private readonly files = new Map<string, Uploaded>();

  constructor(private readonly dir: string) {}

  issuePolicy(model: string, account: string, uploadHost: string) {
    const uploadDir = `dashscope-instant/${account}/${new Date().toISOString().slice(0, 10)}/${randomUUID()}`;
    const expiresAt = Date.now() + 300_000;
    const policy = Buffer.from(
      JSON.stringify({
        expiration: new Date(expiresAt).toISOString(),
        conditions: [
          ['content-length-range', 0, MAX_FILE_MB * 2 ** 20],
          ['starts-with', '$key', uploadDir],
        ],
      }),
    ).toString('base64');
    const signature = this.sign(policy);
    this.issued.set(signature, { model, uploadDir, policy, expiresAt });
    return {
      policy,
      signature,
      upload_dir: uploadDir,
      upload_host: uploadHost,
      expire_in_seconds: 300,
      max_file_size_mb: MAX_FILE_MB,
      capacity_limit_mb: 999_999_999,
      oss_access_key_id: 'SIMULATOR-OSS',
      x_oss_object_acl: 'private',
      x_oss_forbid_overwrite: 'true',
    };
  }

  /** Accepts the multipart form an OSS POST upload sends. */
  async accept(form: FormData): Promise<void> {
    const field = (name: string) => {
      const v = form.get(name);
      if (typeof v !== 'string')
        throw new UploadError(400, 'InvalidArgument', `form field ${name} is missing`);
      return v;
    };
    const issued = this.issued.get(field('Signature'));
    if (!issued || issued.policy !== field('policy') || field('OSSAccessKeyId') !== 'SIMULATOR-OSS') {
      throw new UploadError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (Date.now() > issued.expiresAt)
      throw new UploadError(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    const key = field('key');
    if (!key.startsWith(`${issued.uploadDir}/`) || normalize(key) !== key)
      throw new UploadError(
        403,
        'AccessDenied',
        'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", ...]',
      );
    const file = form.get('file');
    if (!(file instanceof Blob)) throw new UploadError(400, 'InvalidArgument', 'form field file is missing');
    if (file.size > MAX_FILE_MB * 2 ** 20)
      throw new UploadError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
    const path = join(this.dir, key);
    if (
      field('x-oss-forbid-overwrite') === 'true' &&
      (await stat(path).then(
        () => true,
        () => false,
      ))
    ) {
      throw new UploadError(
        409,
        'FileAlreadyExists',
        'The object you specified already exists and can not be overwritten.',
      );
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, Buffer.from(await file.arrayBuffer()));
    this.files.set(key, { model: issued.model, path, storedAt: Date.now() });
  }

  /** The local file behind an `oss://` URL, if it exists, is alive and belongs to `model`. */
  resolve(ossUrl: string, model: string): string {
    const key = ossUrl.replace(/^oss:\/\//, '');
    const f = this.files.get(key);
    if (!f || Date.now() - f.storedAt > LIFETIME_MS)
      throw new UploadError(400, 'InvalidURL', `oss resource ${ossUrl} does not exist or has expired`);
    if (f.model !== model)
      throw new UploadError(
        400,
        'InvalidURL',
        `oss resource ${ossUrl} was uploaded for ${f.model}, not ${model}`,
      );
    return f.path;
  }

  private sign(policy: string): string {
    return createHmac('sha1', this.secret).update(policy).digest('base64');
  }
}
