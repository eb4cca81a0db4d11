// findSubmittedTask: after a create whose answer was lost, looks for the task it may have made, through
// the task list (same model, submitted in the window) and each candidate's own prompt. There is no
// idempotency key on the official route, so this is the only way to know without paying twice.
import type { VideoProvider, TaskListItem } from '../providers/provider';
import { promptOf, type WanRequest } from '../wan/validation';

export interface FindSubmittedInput {
  request: WanRequest;
  fromMs: number;
  toMs: number;
}

const MAX_PAGES = 10;

/** `supported: false` when the route keeps no task list to search. */
export async function findSubmittedTask(
  provider: VideoProvider,
  input: FindSubmittedInput,
): Promise<{ taskIds: string[]; supported: boolean }> {
  if (!provider.listTasks) return { taskIds: [], supported: false };
  const candidates: TaskListItem[] = [];
  for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo++) {
    const page = await provider.listTasks({
      startMs: input.fromMs,
      endMs: input.toMs,
      model: input.request.model,
      pageNo,
      pageSize: 100,
    });
    candidates.push(...page.tasks);
    if (page.tasks.length < 100) break;
  }
  const prompt = promptOf(input.request);
  const matches: string[] = [];
  for (const c of candidates) {
    if (c.model && c.model !== input.request.model) continue;
    const task = await provider.getTask(c.taskId);
    if ((task.origPrompt ?? undefined) === prompt) matches.push(c.taskId);
  }
  return { taskIds: matches, supported: true };
}
