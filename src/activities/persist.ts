// persistOutput: streams the result video from its signed URL into the user's store, before the URL
// expires; an expired URL or a task past its 24 h ends the job `expired`, not crashed.
import { request, type Dispatcher } from 'undici';
import { ResultExpiredError, TransientProviderError } from '../providers/errors';
import { networkFailure } from '../providers/http';
import type { VideoProvider } from '../providers/provider';
import type { AssetStore, StoredAsset } from '../storage/store';
import { probeMedia } from '../media/probe';
import { byteCounter } from '../storage/streams';
import { redactUrl } from './job-record';

export interface PersistOutputInput {
  jobId: string;
  taskId: string;
}

export type PersistedOutput = StoredAsset & { durationSeconds?: number; width?: number; height?: number };

export async function persistOutput(
  deps: {
    provider: VideoProvider;
    store: AssetStore;
    dispatcher: Dispatcher;
    now: () => number;
    heartbeat: (bytes: number) => void;
  },
  input: PersistOutputInput,
): Promise<PersistedOutput> {
  // The URL is fetched here rather than carried through history: signed URLs stay out of workflow state.
  const task = await deps.provider.getTask(input.taskId);
  if (task.status === 'UNKNOWN')
    throw new ResultExpiredError(
      `task ${input.taskId} is no longer known to the provider (older than 24 h?)`,
      { taskId: input.taskId },
    );
  if (task.status !== 'SUCCEEDED' || !task.videoUrl) {
    throw new TransientProviderError(`task ${input.taskId} is ${task.status} without a result URL`, {
      taskId: input.taskId,
    });
  }
  const url = task.videoUrl;
  const expires = Number(new URL(url).searchParams.get('Expires'));
  if (expires && expires * 1000 <= deps.now()) {
    throw new ResultExpiredError(
      `the result URL of task ${input.taskId} expired at ${new Date(expires * 1000).toISOString()}`,
      { taskId: input.taskId },
    );
  }
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { dispatcher: deps.dispatcher });
  } catch (err) {
    throw networkFailure(err, `download ${redactUrl(url)}`, false, { taskId: input.taskId });
  }
  if (res.statusCode !== 200) {
    const text = (await res.body.text()).slice(0, 500);
    if (res.statusCode === 403 && /expired/i.test(text)) {
      throw new ResultExpiredError(`the result URL of task ${input.taskId} has expired (HTTP 403)`, {
        taskId: input.taskId,
        httpStatus: 403,
      });
    }
    throw new TransientProviderError(
      `download of task ${input.taskId}'s result failed with HTTP ${res.statusCode}`,
      { taskId: input.taskId, httpStatus: res.statusCode },
    );
  }
  const body = res.body.pipe(byteCounter(deps.heartbeat));
  res.body.on('error', (err) => body.destroy(err));
  const asset = await deps.store.put(`jobs/${input.jobId}/output.mp4`, body, 'video/mp4');
  const probe = await probeMedia(await deps.store.url(asset.key, 600));
  return {
    ...asset,
    durationSeconds: probe.durationSeconds,
    width: probe.video?.width,
    height: probe.video?.height,
  };
}
