// inference.sh webhook deliveries. Its docs give neither the payload nor a signature, so a delivery is
// trusted only as far as the receiver's own proof goes: the callback path carries a token the worker
// signed for this one job (webhooks/callback.ts), and the body must name a task. It is a wake-up and
// nothing more: the job then reads the task from the API, so a forged or replayed body cannot finish a
// job, inject a result, or wake a job it was not made for.
import type { Verdict } from '../fal/webhook';

export function verifyInferenceWebhook(body: Buffer): Verdict {
  let id: unknown;
  try {
    const json = JSON.parse(body.toString('utf8')) as { id?: unknown; task?: { id?: unknown } };
    id = json.id ?? json.task?.id;
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  return typeof id === 'string' && /^[\w-]{1,128}$/.test(id)
    ? { ok: true, requestId: id }
    : { ok: false, reason: 'body names no task' };
}
