// persistOutput: streams every result (one video, or each image) from its signed URL into the user's
// store before the URL expires; an expired URL or a task past its 24 h ends the job `expired`, not
// crashed. A retry after a partial run stores everything again under the same keys (writes are atomic).
import { jobFolder } from '../shared/ids';
import { request, type Dispatcher } from 'undici';
import { ResultExpiredError, TransientProviderError } from '../providers/errors';
import { networkFailure } from '../providers/http';
import type { VideoProvider } from '../providers/provider';
import type { AssetStore } from '../storage/store';
import type { StoredAsset } from '../shared/records';
import { probeMedia } from '../media/probe';
import { byteCounter } from '../storage/streams';
import { urlExpiresAt } from '../assets/expiry';
import type { PersistedOutput } from '../shared/records';
import type { TaskSnapshot } from '../wan/tasks';
import { redactUrl } from '../shared/redact';

export interface PersistDeps {
  provider: VideoProvider;
  store: AssetStore;
  dispatcher: Dispatcher;
  now: () => number;
  heartbeat: (bytes: number) => void;
  /** The task as the poll that saw it end read it, when this worker made that poll just now. */
  finished?: (taskId: string) => TaskSnapshot | undefined;
}

export interface PersistOutputInput {
  jobId: string;
  taskId: string;
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

export async function persistOutput(
  deps: PersistDeps,
  input: PersistOutputInput,
): Promise<PersistedOutput[]> {
  // URLs are fetched here rather than carried through history: signed URLs stay out of workflow state.
  // The poll that saw the task end just read it (on this worker): no second query for the same answer.
  const task = deps.finished?.(input.taskId) ?? (await deps.provider.getTask(input.taskId));
  const { taskId } = input;
  if (task.status === 'UNKNOWN')
    throw new ResultExpiredError(`task ${taskId} is no longer known to the provider (older than 24 h?)`, {
      taskId,
    });
  const urls = task.videoUrl ? [task.videoUrl] : (task.imageUrls ?? []);
  if (task.status !== 'SUCCEEDED' || !urls.length) {
    throw new TransientProviderError(`task ${taskId} is ${task.status} without a result URL`, { taskId });
  }
  return storeResults(deps, input.jobId, taskId, task.videoUrl ? 'video' : 'image', urls);
}

/** Streams result URLs into `jobs/<id>/output.mp4` or `jobs/<id>/image-<n>.<ext>` and probes them. */
export async function storeResults(
  deps: PersistDeps,
  jobId: string,
  label: string,
  kind: 'video' | 'image',
  urls: string[],
): Promise<PersistedOutput[]> {
  const results = urls.map((url, i) => {
    if (kind === 'video') return { url, key: `${jobFolder(jobId)}/output.mp4`, type: 'video/mp4' };
    const ext = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? 'png';
    return {
      url,
      key: `${jobFolder(jobId)}/image-${i + 1}.${ext in IMAGE_TYPES ? ext : 'png'}`,
      type: IMAGE_TYPES[ext] ?? 'image/png',
    };
  });
  let total = 0;
  const stored: PersistedOutput[] = [];
  for (const r of results) {
    const asset = await download(deps, label, r.url, r.key, r.type, (bytes) => deps.heartbeat(total + bytes));
    total += asset.sizeBytes;
    const source = await deps.store.url(asset.key, 600);
    const probe = await probeMedia(source);
    const durationSeconds = kind === 'video' ? probe.durationSeconds : undefined;
    stored.push({
      ...asset,
      durationSeconds,
      width: probe.video?.width,
      height: probe.video?.height,
    });
  }
  return stored;
}

async function download(
  deps: PersistDeps,
  taskId: string,
  url: string,
  key: string,
  type: string,
  progress: (bytes: number) => void,
): Promise<StoredAsset> {
  const expiresAt = urlExpiresAt(url);
  if (expiresAt !== undefined && expiresAt <= deps.now()) {
    throw new ResultExpiredError(
      `the result URL of task ${taskId} expired at ${new Date(expiresAt).toISOString()}`,
      { taskId },
    );
  }
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { dispatcher: deps.dispatcher });
  } catch (err) {
    throw networkFailure(err, `download ${redactUrl(url)}`, false, { taskId });
  }
  if (res.statusCode !== 200) {
    const text = (await res.body.text()).slice(0, 500);
    if (res.statusCode === 403 && /expired/i.test(text)) {
      throw new ResultExpiredError(`the result URL of task ${taskId} has expired (HTTP 403)`, {
        taskId,
        httpStatus: 403,
      });
    }
    throw new TransientProviderError(
      `download of task ${taskId}'s result failed with HTTP ${res.statusCode}`,
      { taskId, httpStatus: res.statusCode },
    );
  }
  const body = res.body.pipe(byteCounter(progress));
  res.body.on('error', (err) => body.destroy(err));
  return deps.store.put(key, body, type);
}
