// Reading a provider's task list whole, or saying why it cannot be trusted: shared by the reconcile after
// a lost create answer (reconcile.ts) and the sweep that finds finished tasks in bulk (watch.ts).
import type { TaskListFilter, TaskListItem, VideoProvider } from '../providers/provider';

const PAGE_SIZE = 100;
// 50 pages of 100 in a window of a few minutes: more than any account submits; past it, the list is
// called truncated rather than read as complete.
const MAX_PAGES = 50;

/** Reads every page of the window into `into`; returns why the list cannot be trusted, if it cannot. */
export async function readWholeList(
  list: NonNullable<VideoProvider['listTasks']>,
  filter: Omit<TaskListFilter, 'pageNo' | 'pageSize'>,
  into: Map<string, TaskListItem>,
): Promise<string | undefined> {
  let seen = 0;
  const thisRead = new Set<string>();
  for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo++) {
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
  return `the task list holds more than ${MAX_PAGES * PAGE_SIZE} tasks in the window`;
}
