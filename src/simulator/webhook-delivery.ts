// Webhook delivery for the simulated wrapper routes: once a task is done, POST its outcome to the URL
// the create named, signed as the route signs, retried on failure as the routes retry — and, by fault,
// sent twice or never.
import { request } from 'undici';
import type { TaskStatus } from '../wan/tasks';
import type { SimTask, TaskTable } from './task-table';
import type { CountedFault } from './options';

/** What a sent delivery counts as in the stats. */
export type DeliveryCount = 'webhooksSent' | 'eventsSent';

export interface DeliveryHost {
  tasks: TaskTable;
  takeFault(name: CountedFault): boolean;
  count(what: DeliveryCount): void;
}

export interface Delivery {
  url: string;
  /** Whether an ended status is delivered at all (absent: every one). */
  fires?(status: TaskStatus): boolean;
  /** What a sent delivery counts as (absent: a webhook). */
  counts?: DeliveryCount;
  body(task: SimTask, status: TaskStatus): Buffer;
  /** Headers for one attempt (signatures may carry the time of sending). */
  headers(body: Buffer): Record<string, string>;
}

export function deliverWhenDone(host: DeliveryHost, task: SimTask, delivery: Delivery, attempts = 3): void {
  const tick = () => {
    const status = host.tasks.statusOf(task, Date.now());
    if (status === 'PENDING' || status === 'RUNNING') return void setTimeout(tick, 100).unref();
    if (delivery.fires && !delivery.fires(status)) return;
    if (host.takeFault('webhookDrop')) return;
    const times = host.takeFault('webhookDuplicate') ? 2 : 1;
    const body = delivery.body(task, status);
    void (async () => {
      for (let i = 0; i < times; i++) await post(host, delivery, body, attempts);
    })();
  };
  setTimeout(tick, Math.max(0, task.endsAt - Date.now())).unref();
}

async function post(host: DeliveryHost, delivery: Delivery, body: Buffer, attempts: number): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await request(delivery.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...delivery.headers(body) },
      });
      await res.body.dump();
      host.count(delivery.counts ?? 'webhooksSent');
      if (res.statusCode < 300) return;
    } catch {
      // An unreachable receiver is retried like any failed delivery.
    }
    await new Promise((r) => setTimeout(r, 300 * attempt));
  }
}
