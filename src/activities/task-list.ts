// Reading a provider's task list whole, or saying why it cannot be trusted: shared by the reconcile after
// a lost create answer (reconcile.ts) and the sweep that finds finished tasks in bulk (watch.ts).
import type { TaskListFilter, TaskListItem, VideoProvider } from '../providers/provider';

const PAGE_SIZE = 100;

export interface ListReading {
  /** Past this many pages the list is called truncated rather than read as complete. */
  maxPages: number;
  /** Waits this long between pages, so a long list keeps to the account's query budget. */
  pause?: () => Promise<void>;
}

// 50 pages of 100 in a reconcile's window of a few minutes: more than any account submits.
const RECONCILE_READING: ListReading = { maxPages: 50 };

/** Reads every page of the window into `into`; returns why the list cannot be trusted, if it cannot. */
export async function readWholeList(
  list: NonNullable<VideoProvider['listTasks']>,
  filter: Omit<TaskListFilter, 'pageNo' | 'pageSize'>,
  into: Map<string, TaskListItem>,
  reading: ListReading = RECONCILE_READING,
): Promise<string | undefined> {
  let seen = 0;
  const thisRead = new Set<string>();
  for (let pageNo = 1; pageNo <= reading.maxPages; pageNo++) {
    if (pageNo > 1) await reading.pause?.();
    const page = await list({ ...filter, pageNo, pageSize: PAGE_SIZE });
    if (!page.readable) return 'the task list answered in a shape wanflow cannot read';
    const before = thisRead.size;
    for (const t of page.tasks) {
      into.set(t.taskId, t);
      thisRead.add(t.taskId);
    }
    seen += page.tasks.length;
    if (page.total !== undefined) {
      if (seen >= page.total) return undefined;
      if (!page.tasks.length) return `the task list stopped at ${seen} of ${page.total} tasks`;
      continue;
    }
    // Without a total, a short page proves nothing (services cap page sizes below the one asked):
    // only an empty page, or one with nothing new, ends the list.
    if (!page.tasks.length || thisRead.size === before) return undefined;
  }
  return `the task list holds more than ${reading.maxPages * PAGE_SIZE} tasks in the window`;
}
