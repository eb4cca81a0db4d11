// A campaign row's run tells its campaign how it ended (shared/row-ends.ts). Sent to the campaign's
// workflow ID, so it reaches whichever run of the campaign is current, even one that continued as new
// since the row started. A campaign that is gone (terminated) cannot be told: its report reads the run.
import { CancellationScope, getExternalWorkflowHandle } from '@temporalio/workflow';
import type { JobRecord, PipelineRecord } from '../shared/records';
import { rowEndedSignal, runEndOf, type RowNotify } from '../shared/row-ends';

export async function tellCampaign(
  notify: RowNotify | undefined,
  rec: JobRecord | PipelineRecord,
): Promise<void> {
  if (!notify) return;
  await CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(notify.workflowId).signal(rowEndedSignal, {
      key: notify.key,
      end: runEndOf(rec),
    }),
  ).catch(() => undefined);
}
