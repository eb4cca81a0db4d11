// Under root, the cluster's PostgreSQL runs as the `postgres` user: a data folder it cannot reach (below
// /root, 0700) is refused by name with a remedy, before initdb fails with a message of its own.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFolderClosedError, startPostgres } from '../../src/stack/postgres';

describe('the cluster PostgreSQL data folder', () => {
  it.runIf(process.getuid?.() === 0)(
    'below a folder closed to other users is refused with the remedy',
    async () => {
      const closed = mkdtempSync(join(tmpdir(), 'wanflow-closed-'));
      chmodSync(closed, 0o700);
      const dataDir = join(closed, 'cluster', 'postgres');
      const started = startPostgres({ dataDir, port: 1, logDir: join(closed, 'logs') });
      await expect(started).rejects.toBeInstanceOf(DataFolderClosedError);
      await expect(started).rejects.toThrow(dataDir);
      await expect(started).rejects.toMatchObject({ remedy: expect.stringMatching(/WANFLOW_DATA_DIR/) });
    },
  );
});
