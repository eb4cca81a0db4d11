// When a signed URL stops working, read off its query: S3 SigV4 (X-Amz-Date + X-Amz-Expires) or OSS
// and S3 SigV2 (Expires, epoch seconds). Undefined for URLs that do not say.
export function urlExpiresAt(url: string): number | undefined {
  let q: URLSearchParams;
  try {
    q = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const amzDate = q.get('X-Amz-Date');
  const amzExpires = q.get('X-Amz-Expires');
  if (amzDate && amzExpires) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + Number(amzExpires) * 1000;
  }
  const expires = q.get('Expires');
  return expires && /^\d+$/.test(expires) ? Number(expires) * 1000 : undefined;
}
