// A deliberately incompatible change: the job workflow waits before it validates. Replaying a recorded
// job against it must fail — the proof that the replay test catches a change that breaks running runs.
import { sleep } from '@temporalio/workflow';
import { wanJob as currentWanJob } from '../../src/workflows/job';
import type { JobInput } from '../../src/workflows/job-input';

export { wanPipeline } from '../../src/workflows/pipeline';

export async function wanJob(input: JobInput) {
  await sleep('1 second');
  return currentWanJob(input);
}
