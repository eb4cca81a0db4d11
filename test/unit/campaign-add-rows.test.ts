// Rows added to a campaign (src/client/campaigns.ts `addToRunning`): taken while it runs; refused while it
// finishes or cancels — then the start waits for it to close and starts it again with them, so no added
// row is dropped; any other failure is the caller's to see.
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { addToRunning } from '../../src/client/campaigns';

function handle(update: () => Promise<unknown>, status = 'RUNNING') {
  const calls = { results: 0 };
  const h = {
    executeUpdate: update,
    describe: async () => ({ status: { name: status } }),
    result: async () => {
      calls.results += 1;
    },
  } as unknown as WorkflowHandle;
  return { h, calls };
}

describe('rows added to a campaign', () => {
  it('are taken by a running campaign', async () => {
    const { h, calls } = handle(async () => ({}));
    expect(await addToRunning(h, [])).toBe('added');
    expect(calls.results).toBe(0);
  });

  it('refused while it finishes: the start waits for it to close, then starts it again (finding 6)', async () => {
    const refusal = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      new Error('campaign is finishing: start it again once it has ended'),
    );
    const { h, calls } = handle(() => Promise.reject(refusal));
    expect(await addToRunning(h, [])).toBe('closed');
    expect(calls.results).toBe(1);
  });

  it('another refusal is not swallowed', async () => {
    const refusal = new WorkflowUpdateFailedError('Workflow Update failed', new Error('something else'));
    const { h } = handle(() => Promise.reject(refusal));
    await expect(addToRunning(h, [])).rejects.toBe(refusal);
  });
});
