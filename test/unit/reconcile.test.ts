// The reconcile after a lost create answer, against a task list that lags, pages, changes shape and
// echoes too little: it adopts only a task it can prove is this create's, and says "ambiguous" otherwise.
import { describe, expect, it } from 'vitest';
import { findSubmittedTask, type FindSubmittedInput } from '../../src/activities/reconcile';
import { claimCreated, type TaskClaims, type TaskKey } from '../../src/activities/claims';
import { AmbiguousRequestError, TaskClaimedElsewhereError } from '../../src/providers/errors';
import type { TaskListFilter, TaskListPage, VideoProvider } from '../../src/providers/provider';
import type { TaskSnapshot } from '../../src/wan/tasks';
import { parseWanRequest } from '../../src/wan/validation';

interface ListedTask {
  id: string;
  prompt?: string;
  /** Shown in the list from this read on (0-based), for listing lag. */
  fromRead?: number;
}

function fakeProvider(
  tasks: ListedTask[],
  o: { cap?: number; total?: 'true' | 'omit' | 'lie'; shape?: 'odd' } = {},
) {
  let read = -1;
  const provider: VideoProvider = {
    route: 'modelstudio',
    createTask: () => Promise.reject(new Error('reconcile never creates')),
    cancelTask: () => Promise.resolve(),
    getTask: (id): Promise<TaskSnapshot> => {
      const t = tasks.find((x) => x.id === id)!;
      return Promise.resolve({ taskId: id, status: 'RUNNING', origPrompt: t.prompt });
    },
    listTasks: (f: TaskListFilter): Promise<TaskListPage> => {
      if (f.pageNo === 1) read += 1;
      const visible = tasks.filter((t) => (t.fromRead ?? 0) <= read);
      const size = Math.min(f.pageSize ?? 100, o.cap ?? 100);
      const page = visible.slice(((f.pageNo ?? 1) - 1) * size, (f.pageNo ?? 1) * size);
      const total = o.total === 'omit' ? undefined : o.total === 'lie' ? visible.length + 5 : visible.length;
      return Promise.resolve({
        tasks: page.map((t) => ({ taskId: t.id, model: 'wan2.7-t2v' })),
        total,
        readable: o.shape !== 'odd',
      });
    },
  };
  return provider;
}

function memoryClaims(owners: Record<string, string> = {}): TaskClaims & { owners: Record<string, string> } {
  return {
    owners,
    ownerOf: (t: TaskKey) => Promise.resolve(owners[t.taskId]),
    claim: (t: TaskKey, owner: string) => Promise.resolve((owners[t.taskId] ??= owner)),
  };
}

const input: FindSubmittedInput = {
  request: parseWanRequest({
    model: 'wan2.7-t2v',
    input: { prompt: 'a fox' },
    parameters: { resolution: '720P' },
  }),
  fromMs: 0,
  toMs: 1,
  reads: 2,
  lagMs: 5,
  owner: 'wanflow-job-me',
};

async function reconcile(
  tasks: ListedTask[],
  o: Parameters<typeof fakeProvider>[1] = {},
  claims = memoryClaims(),
) {
  let slept = 0;
  const result = await findSubmittedTask(
    {
      provider: fakeProvider(tasks, o),
      claims,
      key: { route: 'modelstudio', region: 'cn-beijing' },
      sleep: (ms) => {
        slept += ms;
        return Promise.resolve();
      },
    },
    input,
  );
  return { result, claims, slept };
}

describe('findSubmittedTask', () => {
  it('adopts the one unclaimed task that echoes the request, and claims it for this job', async () => {
    const { result, claims } = await reconcile([
      { id: 'mine', prompt: 'a fox' },
      { id: 'other', prompt: 'a wolf' },
    ]);
    expect(result).toEqual({ kind: 'adopted', taskId: 'mine' });
    expect(claims.owners).toEqual({ mine: 'wanflow-job-me' });
  });

  it('finds a task that shows in the list only on a later read (listing lag)', async () => {
    const { result, slept } = await reconcile([{ id: 'late', prompt: 'a fox', fromRead: 1 }]);
    expect(result).toEqual({ kind: 'adopted', taskId: 'late' });
    expect(slept).toBe(5);
  });

  it('never adopts a task another job claims: none left means nothing was made', async () => {
    const { result } = await reconcile(
      [{ id: 'theirs', prompt: 'a fox' }],
      {},
      memoryClaims({ theirs: 'wanflow-job-b' }),
    );
    expect(result).toEqual({ kind: 'none', listed: 1 });
  });

  it('finds its own claim again when the activity is retried', async () => {
    const { result } = await reconcile(
      [{ id: 'mine', prompt: 'a fox' }],
      {},
      memoryClaims({ mine: 'wanflow-job-me' }),
    );
    expect(result).toEqual({ kind: 'adopted', taskId: 'mine' });
  });

  it('stops as ambiguous when several unclaimed tasks match', async () => {
    const { result, claims } = await reconcile([
      { id: 'x', prompt: 'a fox' },
      { id: 'y', prompt: ' a fox ' },
    ]);
    expect(result).toMatchObject({ kind: 'ambiguous', candidates: ['x', 'y'] });
    expect(claims.owners).toEqual({});
  });

  it('stops as ambiguous when a task echoes no prompt to compare', async () => {
    const { result } = await reconcile([{ id: 'blank', prompt: '' }]);
    expect(result).toMatchObject({ kind: 'ambiguous', candidates: ['blank'] });
  });

  it('stops as ambiguous on a list body it cannot read, instead of calling it empty', async () => {
    const { result } = await reconcile([{ id: 'mine', prompt: 'a fox' }], { shape: 'odd' });
    expect(result).toMatchObject({ kind: 'ambiguous', reason: expect.stringMatching(/shape/) });
  });

  it('stops as ambiguous when the list ends before its own total', async () => {
    const { result } = await reconcile([{ id: 'mine', prompt: 'a fox' }], { total: 'lie' });
    expect(result).toMatchObject({ kind: 'ambiguous', reason: expect.stringMatching(/stopped at 1 of 6/) });
  });

  it('reads past pages capped below the size asked, with or without a total', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `t${i}`, prompt: `other ${i}` }));
    for (const total of ['true', 'omit'] as const) {
      const { result } = await reconcile([...many, { id: 'mine', prompt: 'a fox' }], { cap: 10, total });
      expect(result).toEqual({ kind: 'adopted', taskId: 'mine' });
    }
  });

  it('says so when the route keeps no task list', async () => {
    const provider = { ...fakeProvider([]), listTasks: undefined };
    const result = await findSubmittedTask(
      {
        provider,
        claims: memoryClaims(),
        key: { route: 'fal', region: 'cn-beijing' },
        sleep: () => Promise.resolve(),
      },
      input,
    );
    expect(result).toEqual({ kind: 'unsupported' });
  });
});

describe('claimCreated', () => {
  const task = { route: 'modelstudio' as const, region: 'cn-beijing' as const, taskId: 't' };

  it('claims through a short outage of the claim store', async () => {
    let failures = 2;
    const claims = memoryClaims();
    const flaky: TaskClaims = {
      ...claims,
      claim: (t, o) => (failures-- > 0 ? Promise.reject(new Error('unavailable')) : claims.claim(t, o)),
    };
    await claimCreated(flaky, task, 'me', [0, 0, 0]);
    expect(claims.owners).toEqual({ t: 'me' });
  });

  it('a claim that cannot be written turns the answer into a lost one (reconciled, never resent blind)', async () => {
    const down: TaskClaims = { ...memoryClaims(), claim: () => Promise.reject(new Error('unavailable')) };
    await expect(claimCreated(down, task, 'me', [0, 0])).rejects.toBeInstanceOf(AmbiguousRequestError);
  });

  it('a task another job claimed first is a conflict, not adopted', async () => {
    await expect(claimCreated(memoryClaims({ t: 'other' }), task, 'me', [])).rejects.toBeInstanceOf(
      TaskClaimedElsewhereError,
    );
  });
});
