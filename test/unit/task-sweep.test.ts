// The sweep of an account's task list that wakes jobs whose tasks ended, against a list that pages,
// lags, loses its shape and holds other clients' tasks: it wakes only claimed owners, each once, and
// moves its window only as far as the oldest task still in progress.
import { describe, expect, it } from 'vitest';
import {
  EVENT_GRACE_MS,
  TaskMemory,
  sweepEndedTasks,
  sweepPauseMs,
  type SweepDeps,
} from '../../src/activities/watch';
import type { TaskListFilter, TaskListItem, TaskListPage, VideoProvider } from '../../src/providers/provider';
import { formatUtc8 } from '../../src/wan/time';
import type { TaskKey } from '../../src/activities/claims';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const LAG = 1_000;
const SKEW = 60_000;

interface Listed extends TaskListItem {
  createdMs: number;
}

function provider(tasks: Listed[], o: { readable?: boolean; cap?: number } = {}) {
  const asked: TaskListFilter[] = [];
  const p: VideoProvider = {
    route: 'modelstudio',
    createTask: () => Promise.reject(new Error('a sweep never creates')),
    getTask: () => Promise.reject(new Error('a sweep reads the list only')),
    cancelTask: () => Promise.resolve(),
    listTasks: (f): Promise<TaskListPage> => {
      asked.push(f);
      const inWindow = tasks.filter((t) => t.createdMs >= f.startMs && t.createdMs <= f.endMs);
      const size = Math.min(f.pageSize ?? 100, o.cap ?? 100);
      const page = inWindow.slice(((f.pageNo ?? 1) - 1) * size, (f.pageNo ?? 1) * size);
      return Promise.resolve({ tasks: page, total: inWindow.length, readable: o.readable ?? true });
    },
  };
  return { provider: p, asked };
}

function deps(p: VideoProvider, owners: Record<string, string>, seen = new TaskMemory<true>()) {
  const woken: Array<[string, string]> = [];
  const d: SweepDeps = {
    provider: p,
    claims: {
      ownerOf: (t: TaskKey) => Promise.resolve(owners[t.taskId]),
      claim: () => Promise.reject(new Error('a sweep never claims')),
    },
    wake: (owner, taskId) => {
      woken.push([owner, taskId]);
      return Promise.resolve(owner !== 'closed-job');
    },
    seen,
    owners: new TaskMemory<string>(),
    now: () => NOW,
    listLagMs: LAG,
    pace: () => Promise.resolve(),
  };
  return { d, woken };
}

const task = (id: string, status: TaskListItem['status'], agoMs: number): Listed => ({
  taskId: id,
  status,
  submitTime: formatUtc8(NOW - agoMs),
  createdMs: NOW - agoMs,
});
const ref = { route: 'modelstudio' as const, region: 'cn-beijing' as const };

describe('sweepEndedTasks', () => {
  it('wakes the owner of each ended task once; not unclaimed tasks; the window starts at the oldest in progress', async () => {
    const tasks = [
      task('done-1', 'SUCCEEDED', 300_000),
      { ...task('running-old', 'RUNNING', 240_000), model: 'wan2.7-t2v' },
      task('failed-1', 'FAILED', 200_000),
      task('not-ours', 'SUCCEEDED', 100_000),
      task('gone-owner', 'CANCELED', 90_000),
      task('pending', 'PENDING', 10_000),
      task('odd-word', 'UNRECOGNIZED', 5_000),
    ];
    const { provider: p } = provider(tasks, { cap: 2 });
    const owners = {
      'done-1': 'job-a',
      'failed-1': 'job-b',
      'gone-owner': 'closed-job',
      'running-old': 'job-c',
    };
    const seen = new TaskMemory<true>();
    const { d, woken } = deps(p, owners, seen);
    const r = await sweepEndedTasks(d, { ...ref, fromMs: NOW - 3600_000 });
    expect(woken).toEqual([
      ['job-a', 'done-1'],
      ['job-b', 'failed-1'],
      ['closed-job', 'gone-owner'],
    ]);
    expect(r).toEqual({
      fromMs: NOW - 240_000 - SKEW,
      inProgress: 3,
      woken: 2,
      nextInMs: 0,
    });

    // The next sweep: the same ended tasks are not woken again.
    const again = deps(p, owners, seen);
    await sweepEndedTasks(again.d, { ...ref, fromMs: r.fromMs });
    expect(again.woken).toEqual([]);
  });

  it('with nothing in progress, the window moves up to a listing lag and a clock skew before now', async () => {
    const { provider: p, asked } = provider([task('done', 'SUCCEEDED', 30_000)]);
    const r = await sweepEndedTasks(deps(p, {}).d, { ...ref, fromMs: NOW - 600_000 });
    expect(r.fromMs).toBe(NOW - LAG - 2 * SKEW);
    expect(r.inProgress).toBe(0);
    // The window asked reaches past now by the skew: a task stamped by a clock ahead is in it.
    expect(asked[0]).toMatchObject({ startMs: NOW - 600_000, endMs: NOW + SKEW });
    // It never moves back.
    const later = await sweepEndedTasks(deps(p, {}).d, { ...ref, fromMs: NOW });
    expect(later.fromMs).toBe(NOW);
  });

  it('a task in progress without a readable time holds the window where it was', async () => {
    const { provider: p } = provider([{ taskId: 'x', status: 'RUNNING', createdMs: NOW - 1000 }]);
    const r = await sweepEndedTasks(deps(p, {}).d, { ...ref, fromMs: NOW - 50_000 });
    expect(r.fromMs).toBe(NOW - 50_000);
  });

  it('a list nobody can read wakes nobody, keeps the window and says why', async () => {
    const { provider: p } = provider([task('done', 'SUCCEEDED', 1000)], { readable: false });
    const { d, woken } = deps(p, { done: 'job-a' });
    const r = await sweepEndedTasks(d, { ...ref, fromMs: NOW - 50_000 });
    expect(woken).toEqual([]);
    expect(r.fromMs).toBe(NOW - 50_000);
    expect(r.problem).toMatch(/shape/);
  });

  it('a route without a task list is not swept', async () => {
    const { provider: p } = provider([]);
    delete p.listTasks;
    const r = await sweepEndedTasks(deps(p, {}).d, { ...ref, fromMs: 5 });
    expect(r).toMatchObject({ fromMs: 5, inProgress: 0, woken: 0, problem: 'the route keeps no task list' });
  });

  it('sweeps as often as a hundredth of the run time the list shows, learned gradually; never more often than configured or than its read took', async () => {
    const ran = (id: string, runMs: number, endedAgoMs: number): Listed => ({
      ...task(id, 'SUCCEEDED', endedAgoMs + runMs + 5_000),
      scheduledTime: formatUtc8(NOW - endedAgoMs - runMs),
      endTime: formatUtc8(NOW - endedAgoMs),
    });
    const every = { ...ref, fromMs: NOW - 3600_000, everyMs: 500 };
    // Nothing has ended yet: the configured period.
    const { provider: none } = provider([task('r', 'RUNNING', 1000)]);
    expect(await sweepEndedTasks(deps(none, {}).d, every)).toMatchObject({ nextInMs: 500 });
    // Ten-minute runs (the median of this sweep's, not the odd short one): a sweep every 6 s.
    const { provider: p } = provider([
      ran('a', 600_000, 1000),
      ran('b', 610_000, 2000),
      ran('c', 5_000, 3000),
    ]);
    const first = await sweepEndedTasks(deps(p, {}).d, every);
    expect(first).toMatchObject({ runMs: 600_000, nextInMs: 6_000 });
    // Shorter runs move the typical time a third of the way at a time.
    const { provider: shorter } = provider([ran('d', 300_000, 1000)]);
    const second = await sweepEndedTasks(deps(shorter, {}).d, { ...every, runMs: first.runMs });
    expect(second).toMatchObject({ runMs: 510_000, nextInMs: 5_100 });
    // Hours-long runs: never more than 30 s between sweeps.
    const { provider: long } = provider([ran('e', 7_200_000, 1000)]);
    expect(await sweepEndedTasks(deps(long, {}).d, { ...every, fromMs: NOW - 4 * 3600_000 })).toMatchObject({
      nextInMs: 30_000,
    });
    // A read that took 4 s (a long list paced at the budget) is followed by at least as long a pause.
    const slow = deps(none, {});
    let calls = 0;
    slow.d.now = () => NOW + (calls++ ? 4_000 : 0);
    expect(await sweepEndedTasks(slow.d, every)).toMatchObject({ nextInMs: 4_000 });
  });

  it('where completion events wake the jobs, sweeps are their fallback: a tenth of a run apart, at most 5 min', async () => {
    const { provider: p } = provider([task('r', 'RUNNING', 1000)]);
    const fallback = { ...ref, fromMs: NOW - 3600_000, everyMs: 500, fallback: true };
    // Ten-minute runs: every minute rather than every 6 s.
    expect(await sweepEndedTasks(deps(p, {}).d, { ...fallback, runMs: 600_000 })).toMatchObject({
      nextInMs: 60_000,
    });
    // Hours-long runs: never more than 5 min apart; a run not known yet: the configured period.
    expect(sweepPauseMs({ everyMs: 500, readMs: 0, runMs: 7_200_000, fallback: true })).toBe(300_000);
    expect(sweepPauseMs({ everyMs: 500, readMs: 0, fallback: true })).toBe(500);
    expect(sweepPauseMs({ everyMs: 500, readMs: 0, runMs: 600_000 })).toBe(6_000);
  });

  it('a fallback sweep leaves a task that ended within the grace to its event, holding the window; then wakes it if its job still runs', async () => {
    const ended = (id: string, createdAgo: number, endedAgo: number): Listed => ({
      ...task(id, 'SUCCEEDED', createdAgo),
      endTime: formatUtc8(NOW - endedAgo),
    });
    const tasks = [ended('just-ended', 300_000, 5_000), ended('long-ended', 400_000, 90_000)];
    const { provider: p } = provider(tasks);
    const owners = { 'just-ended': 'job-a', 'long-ended': 'job-b' };
    const fallback = { ...ref, fromMs: NOW - 3600_000, fallback: true };
    const first = deps(p, owners);
    const r = await sweepEndedTasks(first.d, fallback);
    expect(first.woken).toEqual([['job-b', 'long-ended']]);
    // The window still covers the task in its grace, so the next sweep sees it.
    expect(r.fromMs).toBeLessThanOrEqual(NOW - 300_000);
    // A minute later its event had its chance: the sweep wakes the job (a job that stored and closed
    // refuses the wake, at no cost to it).
    const later = deps(p, owners, first.d.seen);
    later.d.now = () => NOW + EVENT_GRACE_MS;
    await sweepEndedTasks(later.d, { ...fallback, fromMs: r.fromMs });
    expect(later.woken).toEqual([['job-a', 'just-ended']]);
    // Without completion events there is nothing to wait for: every ended task is woken at once.
    const plain = deps(p, owners);
    await sweepEndedTasks(plain.d, { ...ref, fromMs: NOW - 3600_000 });
    expect(plain.woken.map(([, t]) => t).sort()).toEqual(['just-ended', 'long-ended']);
  });

  it('counts, per model, the tasks in progress nobody here claimed; each of ours is looked up once', async () => {
    const tasks = [
      { ...task('ours', 'RUNNING', 50_000), model: 'wan2.7-t2v' },
      { ...task('theirs', 'RUNNING', 40_000), model: 'wan2.7-t2v' },
      { ...task('theirs-pending', 'PENDING', 30_000), model: 'wan2.7-i2v' },
      task('no-model', 'RUNNING', 20_000),
      { ...task('done', 'SUCCEEDED', 10_000), model: 'wan2.7-t2v' },
    ];
    const { provider: p } = provider(tasks);
    const { d } = deps(p, { ours: 'job-a' });
    const looked: string[] = [];
    const ownerOf = d.claims.ownerOf;
    d.claims.ownerOf = (t) => (looked.push(t.taskId), ownerOf(t));
    const input = { ...ref, fromMs: NOW - 3600_000, countForeign: true };
    const r = await sweepEndedTasks(d, input);
    expect(r.foreignByModel).toEqual({ 'wan2.7-t2v': 1, 'wan2.7-i2v': 1 });
    expect(looked.sort()).toEqual(['done', 'ours', 'theirs', 'theirs-pending']);
    looked.length = 0;
    await sweepEndedTasks(d, input);
    expect(looked.sort()).toEqual(['theirs', 'theirs-pending']);
    // Not asked for, or a list not read whole: no count at all (not a count of zero).
    expect((await sweepEndedTasks(d, { ...input, countForeign: false })).foreignByModel).toBeUndefined();
    const { provider: odd } = provider(tasks, { readable: false });
    expect((await sweepEndedTasks(deps(odd, {}).d, input)).foreignByModel).toBeUndefined();
  });

  it('what it has seen is bounded in time', () => {
    const seen = new TaskMemory<true>();
    seen.add('a', true, 0);
    seen.add('b', true, 3 * 3600_000 + 1);
    expect(seen.has('a')).toBe(false);
    expect(seen.has('b')).toBe(true);
  });
});
