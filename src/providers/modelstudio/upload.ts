// Model Studio's temporary upload (contract §3): getPolicy, then a multipart POST of the file to the
// policy's OSS host; the result is an `oss://` URL bound to one model for 48 h, usable only with the
// X-DashScope-OssResourceResolve header. Documented for Beijing only and meant for development.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { FormData, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { RequestRejectedError, TransientProviderError } from '../errors';
import { networkFailure } from '../http';

export const policyAnswer = z.object({
  request_id: z.string().optional(),
  data: z.object({
    policy: z.string(),
    signature: z.string(),
    upload_dir: z.string(),
    upload_host: z.string().url(),
    expire_in_seconds: z.number().optional(),
    max_file_size_mb: z.number().optional(),
    oss_access_key_id: z.string(),
    x_oss_object_acl: z.string(),
    x_oss_forbid_overwrite: z.string(),
  }),
});
export type UploadPolicy = z.output<typeof policyAnswer>['data'];

/** POSTs `file` under the policy and returns its `oss://` URL. */
export async function postToOss(
  policy: UploadPolicy,
  file: string,
  dispatcher: Dispatcher,
  name = basename(file),
): Promise<string> {
  const blob = await openAsBlob(file);
  if (policy.max_file_size_mb && blob.size > policy.max_file_size_mb * 2 ** 20) {
    throw new RequestRejectedError(
      'media',
      `${name} is ${blob.size} bytes; temporary uploads take at most ${policy.max_file_size_mb} MB`,
    );
  }
  const key = `${policy.upload_dir}/${name}`;
  const form = new FormData();
  form.append('OSSAccessKeyId', policy.oss_access_key_id);
  form.append('Signature', policy.signature);
  form.append('policy', policy.policy);
  form.append('key', key);
  form.append('x-oss-object-acl', policy.x_oss_object_acl);
  form.append('x-oss-forbid-overwrite', policy.x_oss_forbid_overwrite);
  form.append('success_action_status', '200');
  // OSS reads the file last: fields after it are ignored.
  form.append('file', blob, name);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(policy.upload_host, { method: 'POST', body: form, dispatcher });
  } catch (err) {
    throw networkFailure(err, `upload ${name}`, false);
  }
  const text = await res.body.text();
  if (res.statusCode !== 200 && res.statusCode !== 204) {
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    const message = `upload of ${name} failed: HTTP ${res.statusCode} ${code ?? ''}`.trim();
    const opts = { code, httpStatus: res.statusCode };
    throw res.statusCode >= 500
      ? new TransientProviderError(message, opts)
      : new RequestRejectedError('media', message, opts);
  }
  return `oss://${key}`;
}
