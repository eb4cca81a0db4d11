// The account slot workflow's grants on the time-skipping test server: the slots free at once are granted
// together (one workflow task, not one round trip each), a requester that is gone gives its slot back to
// the next waiter, and a release grants the next; a request naming a create lock another holder has not
// settled waits behind it while others go ahead. Requesters are executions on a task queue no worker
// serves: they are running, so a signal to them succeeds, and they never act.
import { describe, expect, it } from 'vitest';
import type { SlotRequest, SlotState } from '../../src/workflows/slots';
import { useTimeSkipping } from '../harness/time-skipping';

const ts = useTimeSkipping();

const request = (name: string, lock?: string): SlotRequest => ({
  requester: `requester-${name}`,
  token: `token-${name}`,
  capacity: 3,
  priority: 0,
  group: 'g',
  ...(lock ? { lock } : {}),
});

async function startRequesters(names: string[]): Promise<void> {
  for (const name of names)
    await ts.env.client.workflow.start('nobodyServesThis', {
      workflowId: `requester-${name}`,
      taskQueue: 'slot-branches-nobody',
    });
}

type Events = NonNullable<
  Awaited<ReturnType<import('@temporalio/client').WorkflowHandle['fetchHistory']>>['events']
>;

/** The grants a slot workflow sent, in order: to whom, by which workflow task, with what. */
function grantsIn(events: Events) {
  return events.flatMap((e) => {
    const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (a?.signalName !== 'slotGranted') return [];
    const data = a.input?.payloads?.[0]?.data;
    return [
      {
        to: a.workflowExecution?.workflowId,
        task: String(a.workflowTaskCompletedEventId),
        body: data
          ? (JSON.parse(Buffer.from(data).toString('utf8')) as { token: string; lock?: boolean })
          : undefined,
      },
    ];
  });
}

describe('wanAccountSlots', () => {
  it('grants the free slots together; a requester gone gives its slot to the next; a release grants one', async () => {
    const { client } = ts.env;
    await startRequesters(['a', 'b', 'c', 'd']);
    // `gone` was never started: its grant fails.
    const waiting = ['a', 'gone', 'b', 'c', 'd'].map((n) => request(n));
    const queue = 'slot-branches-grants';
    const start: SlotState = { capacity: 3, waiting, holders: [], reclaimed: 0, checkEveryMs: 60_000 };
    await ts.withWorker(queue, {}, async () => {
      const slots = await client.workflow.start('wanAccountSlots', {
        workflowId: 'wanflow-slots/modelstudio/cn-beijing/acct/wan2.7-t2v',
        taskQueue: queue,
        args: [start],
      });
      const holders = async () =>
        (await slots.query<SlotState>('slots')).holders.map((h) => h.requester).sort();
      await expect.poll(holders).toEqual(['requester-a', 'requester-b', 'requester-c']);
      expect((await slots.query<SlotState>('slots')).waiting.map((w) => w.requester)).toEqual([
        'requester-d',
      ]);

      await slots.signal('releaseSlot', { token: 'token-a' });
      await expect.poll(holders).toEqual(['requester-b', 'requester-c', 'requester-d']);
      for (const name of ['b', 'c', 'd']) await slots.signal('releaseSlot', { token: `token-${name}` });
      await slots.result();

      const events = (await slots.fetchHistory()).events ?? [];
      const grants = grantsIn(events);
      expect(grants.map((g) => g.to)).toEqual([
        'requester-a',
        'requester-gone',
        'requester-b',
        'requester-c',
        'requester-d',
      ]);
      // The three slots free at the start were granted by one workflow task.
      expect(new Set(grants.slice(0, 3).map((g) => g.task)).size).toBe(1);
      expect(events.filter((e) => e.signalExternalWorkflowExecutionFailedEventAttributes).length).toBe(1);
    });
  });

  it('a request whose create lock is held waits; others go ahead; the lock is handed on when settled', async () => {
    const { client } = ts.env;
    await startRequesters(['l1', 'l2', 'free', 'l3']);
    const waiting = [
      request('l1', 'lock-x'),
      request('l2', 'lock-x'),
      request('free'),
      request('l3', 'lock-x'),
    ];
    const queue = 'slot-branches-locks';
    const start: SlotState = { capacity: 3, waiting, holders: [], reclaimed: 0, checkEveryMs: 60_000 };
    await ts.withWorker(queue, {}, async () => {
      const slots = await client.workflow.start('wanAccountSlots', {
        workflowId: 'wanflow-slots/modelstudio/cn-beijing/acct-locks/wan2.7-t2v',
        taskQueue: queue,
        args: [start],
      });
      const state = () => slots.query<SlotState>('slots');
      const holders = async () => (await state()).holders.map((h) => h.requester).sort();
      // A slot is free, but l2 and l3 need the lock l1 holds: only the free request goes ahead.
      await expect.poll(holders).toEqual(['requester-free', 'requester-l1']);
      expect((await state()).waiting.map((w) => w.requester)).toEqual(['requester-l2', 'requester-l3']);
      // A settle from someone not holding it changes nothing.
      await slots.signal('createSettled', { token: 'token-free' });
      await slots.signal('createSettled', { token: 'token-l1' });
      await expect.poll(holders).toEqual(['requester-free', 'requester-l1', 'requester-l2']);
      // The third slot is taken: l3 waits for a slot now, not for the lock; a release, not a settle, frees it.
      await slots.signal('createSettled', { token: 'token-l2' });
      await slots.signal('releaseSlot', { token: 'token-free' });
      await expect.poll(holders).toEqual(['requester-l1', 'requester-l2', 'requester-l3']);
      // A holder that gives its slot back without settling hands the lock on all the same.
      await slots.signal('releaseSlot', { token: 'token-l3' });
      for (const name of ['l1', 'l2']) await slots.signal('releaseSlot', { token: `token-${name}` });
      await slots.result();
      const grants = grantsIn((await slots.fetchHistory()).events ?? []);
      expect(grants.map((g) => [g.to, g.body?.lock ?? false])).toEqual([
        ['requester-l1', true],
        ['requester-free', false],
        ['requester-l2', true],
        ['requester-l3', true],
      ]);
    });
  });
});

describe('wanAccountSlots under the live default rate', () => {
  it('waiters canceled inside the rate window: the workflow keeps granting and no workflow task fails', async () => {
    const { client } = ts.env;
    await startRequesters(['rate-1', 'rate-2', 'rate-3', 'rate-4', 'rate-5']);
    // {"wan2.7-t2v": {"concurrentTasks": 5, "submitsPerSecond": 1}}
    const live = (name: string): SlotRequest => ({ ...request(name), capacity: 5, grantsPerSecond: 1 });
    const queue = 'slot-branches-rate';
    await ts.withWorker(queue, { closedWorkflows: async () => [] }, async () => {
      // As requestSlot does: the first request starts the slot workflow.
      const acquire = (name: string) =>
        client.workflow.signalWithStart('wanAccountSlots', {
          workflowId: 'wanflow-slots/modelstudio/cn-beijing/acct-rate/wan2.7-t2v',
          taskQueue: queue,
          args: [
            { capacity: 5, grantsPerSecond: 1, waiting: [], holders: [], reclaimed: 0, checkEveryMs: 60_000 },
          ],
          signal: 'acquireSlot',
          signalArgs: [{ ...live(name), checkEveryMs: 60_000 }],
        });
      const slots = await acquire('rate-1');
      for (const name of ['rate-2', 'rate-3', 'rate-4']) await acquire(name);
      const state = () => slots.query<SlotState>('slots');
      await expect.poll(async () => (await state()).holders.length).toBeGreaterThanOrEqual(1);
      // The first task exists; the three still waiting are canceled inside the one-second window.
      const waiting = (await state()).waiting.map((w) => w.token);
      for (const token of waiting) await slots.signal('releaseSlot', { token });
      // A new request after them is still granted: the workflow did not crash-loop.
      await acquire('rate-5');
      await expect
        .poll(async () => (await state()).holders.map((h) => h.token), { timeout: 20_000 })
        .toContain('token-rate-5');
      for (const h of (await state()).holders) await slots.signal('releaseSlot', { token: h.token });
      await slots.result();
      const events = (await slots.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      // Nobody canceled was granted.
      expect(
        grantsIn(events)
          .map((g) => g.body?.token)
          .filter((t) => waiting.includes(t!)),
      ).toEqual([]);
    });
  });
});
