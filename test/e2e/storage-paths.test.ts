// A data folder whose path has spaces, `%`, `#`, `?` and non-ASCII letters (as `./.wanflow` inside any
// user's folder may): outputs are stored, probed and read back whole, so nothing paid is lost to a path.
import { mkdtempSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemStore } from '../../src/storage/fs-store';
import { probeMedia } from '../../src/media/probe';
import { makeVideo } from '../harness/media';
import { inspectStored } from '../harness/jobs';

describe('the filesystem store in an awkward folder', () => {
  it('stores, probes and reads back a video under a path with spaces and non-ASCII', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'wanflow store ')), 'Vidéos 100% #1 ?ok');
    const store = new FileSystemStore(root);
    const asset = await store.put(
      'pipelines/p 1/jobs/shot/output.mp4',
      createReadStream(await makeVideo(320, 240, 2)),
      'video/mp4',
    );
    const probe = await probeMedia(await store.url(asset.key));
    expect(probe.video).toMatchObject({ width: 320, height: 240 });
    expect(probe.durationSeconds!).toBeCloseTo(2, 1);
    expect((await inspectStored(store, asset.key)).sha256).toBe(asset.sha256);
  });
});
