// findSubmittedTask: after a create whose answer was lost, decides from the provider's task list whether
// the create made a task, and adopts it by claiming it. There is no idempotency key on the official route,
// so this is the only way to know without paying twice. The job holds its create lock meanwhile (see
// workflows/claims.ts): every unclaimed look-alike task in the window is then its own.
// It never guesses: a list it cannot read whole, a task whose echo cannot tell, or more than one
// candidate is "ambiguous", and the job stops naming the candidates.
import type { VideoProvider, TaskListItem } from '../providers/provider';
import type { WanRequest } from '../wan/validation';
import { compareEcho } from '../wan/echo';
import type { TaskClaims, TaskKey } from './claims';
import { readWholeList } from './task-list';

export interface FindSubmittedInput {
  request: WanRequest;
  /** The window in which the lost create may have made its task (provider time, skew included). */
  fromMs: number;
  toMs: number;
  /** How many times the list is read, `lagMs` apart: a new task may show in the list only later. */
  reads: number;
  lagMs: number;
  /** The job's workflow ID: the owner named in the claim of an adopted task. */
  owner: string;
}

export type FindSubmittedResult =
  | { kind: 'adopted'; taskId: string }
  /** The list, read whole, holds no task this create could have made: sending again cannot pay twice. */
  | { kind: 'none'; listed: number }
  | { kind: 'ambiguous'; reason: string; candidates: string[] }
  /** The route keeps no task list. */
  | { kind: 'unsupported' };

export interface ReconcileDeps {
  provider: VideoProvider;
  claims: TaskClaims;
  key: Omit<TaskKey, 'taskId'>;
  sleep: (ms: number) => Promise<void>;
}

export async function findSubmittedTask(
  deps: ReconcileDeps,
  input: FindSubmittedInput,
): Promise<FindSubmittedResult> {
  const { provider } = deps;
  if (!provider.listTasks) return { kind: 'unsupported' };
  const list = provider.listTasks.bind(provider);
  const listed = new Map<string, TaskListItem>();
  for (let read = 0; read < Math.max(1, input.reads); read++) {
    if (read > 0) await deps.sleep(input.lagMs);
    const problem = await readWholeList(
      list,
      { startMs: input.fromMs, endMs: input.toMs, model: input.request.model },
      listed,
    );
    if (problem) return { kind: 'ambiguous', reason: problem, candidates: [...listed.keys()] };
  }

  const matches: string[] = [];
  const unsure: string[] = [];
  for (const item of listed.values()) {
    if (item.model && item.model !== input.request.model) continue;
    const task = await provider.getTask(item.taskId);
    const echo = compareEcho(input.request, task);
    if (echo.verdict === 'mismatch') continue;
    const owner = await deps.claims.ownerOf({ ...deps.key, taskId: item.taskId });
    // Adopted by this job before (the activity is being retried): it is ours.
    if (owner === input.owner) return { kind: 'adopted', taskId: item.taskId };
    if (owner) continue;
    (echo.verdict === 'match' ? matches : unsure).push(item.taskId);
  }
  if (unsure.length) {
    return {
      kind: 'ambiguous',
      reason: `${unsure.length} unclaimed task(s) of ${input.request.model} in the window echo no prompt to compare`,
      candidates: [...matches, ...unsure],
    };
  }
  if (!matches.length) return { kind: 'none', listed: listed.size };
  if (matches.length > 1) {
    return {
      kind: 'ambiguous',
      reason: `${matches.length} unclaimed tasks match the request`,
      candidates: matches,
    };
  }
  const taskId = matches[0]!;
  const owner = await deps.claims.claim({ ...deps.key, taskId }, input.owner);
  if (owner === input.owner) return { kind: 'adopted', taskId };
  return {
    kind: 'ambiguous',
    reason: `the only matching task was claimed by ${owner} meanwhile`,
    candidates: [taskId],
  };
}
