// Model Studio's task list (`GET /api/v1/tasks`), simulated: an account sees its own tasks, and a list read
// counts against its task queries a second like a task query. With the ways a real listing misbehaves:
// a new task shows late (listLagMs), pages come capped below the asked size, the total may be missing,
// the body may keep its tasks somewhere no client knows (listShape), and rows may not name their model.
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { parseListTime } from '../wan/time';
import { TASK_STATUSES } from '../wan/tasks';
import type { ModelStudioHost } from './modelstudio-host';
import { sendJson, taskBody } from './wire';

export function listTasks(host: ModelStudioHost, keyLabel: string, url: URL, res: ServerResponse): void {
  host.stats().lists += 1;
  if (!host.accounts.admitQuery(keyLabel, Date.now()))
    return host.refuse(res, 429, 'Throttling', 'Requests throttling triggered.');
  const q = url.searchParams;
  const start = parseListTime(q.get('start_time') ?? '') ?? 0;
  const end = parseListTime(q.get('end_time') ?? '') ?? Number.MAX_SAFE_INTEGER;
  const model = q.get('model_name');
  const status = q.get('status');
  if (status && !(TASK_STATUSES as readonly string[]).includes(status)) {
    return host.refuse(res, 400, 'InvalidParameter', `status ${status} is not a task status`);
  }
  const pageNo = Math.max(1, Number(q.get('page_no') ?? 1) || 1);
  const f = host.faults();
  const asked = Math.min(100, Math.max(1, Number(q.get('page_size') ?? 10) || 10));
  const pageSize = f.listPageCap ? Math.min(asked, f.listPageCap) : asked;
  const now = Date.now();
  // Times in the filter have second precision: the window includes its last second. A task shows in
  // the list only once its listing lag has passed.
  const rows = host.tasks
    .all()
    .filter(
      (t) =>
        t.keyLabel === keyLabel &&
        t.createdAt >= start &&
        t.createdAt < end + 1000 &&
        (!model || t.model === model),
    )
    .filter((t) => t.listedFrom <= now)
    .map((t) => ({ t, s: host.tasks.statusOf(t, now) }))
    .filter(({ s }) => s !== 'UNKNOWN' && (!status || s === status));
  const page = rows.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(({ t, s }) => ({
    ...(taskBody(t, t.id, s, now, [], f.echoPrompt).output as Record<string, unknown>),
    ...(f.listOmitModel ? {} : { model_name: t.model }),
  }));
  const total = f.listOmitTotal ? {} : { total: rows.length };
  const body =
    f.listShape === 'data'
      ? { data: page, ...total, page_no: pageNo, page_size: pageSize }
      : f.listShape === 'tasks'
        ? { tasks: page, ...total }
        : f.listShape === 'output.data'
          ? { output: { data: page, ...total } }
          : { result: { items: page }, ...total };
  sendJson(res, 200, { request_id: randomUUID(), ...body });
}
