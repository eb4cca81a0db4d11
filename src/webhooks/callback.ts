// The address a wrapper route pushes a job's completion to: `<base>/webhooks/<route>/<workflow id>/<token>`,
// the token an HMAC of route and workflow ID under the receiver's secret. Only the worker that made the
// task can name a valid address, so a delivery cannot be aimed at another workflow by editing the path.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function callbackToken(secret: string, route: string, workflowId: string): string {
  return createHmac('sha256', secret).update(`${route}\n${workflowId}`).digest('hex').slice(0, 32);
}

export function callbackUrl(base: string, secret: string, route: string, workflowId: string): string {
  return `${base}/webhooks/${route}/${encodeURIComponent(workflowId)}/${callbackToken(secret, route, workflowId)}`;
}

export function isCallbackToken(secret: string, route: string, workflowId: string, token: string): boolean {
  const expected = Buffer.from(callbackToken(secret, route, workflowId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
