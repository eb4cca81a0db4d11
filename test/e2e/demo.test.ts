// `npm run demo`, the README's first command: the built CLI's `demo` runs the shipped four-stage pipeline
// (examples/teaser.yaml) on the embedded stack — here beside a test Temporal server and on free ports, so
// it can run anywhere — to four stored, playable MP4s with their stills, and ends with the studio's address.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, type TestServers } from '../harness/servers';
import { wanflow } from '../harness/cli';
import { freePort } from '../../src/stack/service';
import { probeMedia } from '../../src/media/probe';

let servers: TestServers;
const dir = mkdtempSync(join(tmpdir(), 'wanflow-demo-'));

beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => {
  await servers?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('runs the teaser to four stored clips with their stills and ends with the studio address', async () => {
    const [sim, webhooks, assets, studio] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const result = await wanflow(['demo'], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: servers.temporal.address,
      WANFLOW_TASK_QUEUE: 'demo',
      WANFLOW_DATA_DIR: dir,
      WANFLOW_SIMULATOR_URL: `http://127.0.0.1:${sim}`,
      WANFLOW_WEBHOOK_PORT: String(webhooks),
      WANFLOW_ASSET_PORT: String(assets),
      WANFLOW_STUDIO_PORT: String(studio),
    });
    expect(result.code, result.stderr).toBe(0);
    const id = /pipeline (\w+) \(teaser\): stored/.exec(result.stdout)?.[1];
    expect(id, result.stdout).toBeDefined();
    const seconds = { explore: 3, extend: 6, cast: 4, finish: 4 };
    for (const [stage, length] of Object.entries(seconds)) {
      const folder = join(dir, 'storage', 'pipelines', id!, 'jobs', stage);
      const probe = await probeMedia(join(folder, 'output.mp4'));
      expect(probe.video).toMatchObject({ width: 1280, height: 720 });
      expect(probe.durationSeconds).toBeCloseTo(length, 1);
      // Stills are made when the studio first shows them (test/e2e/studio.test.ts), not with every output.
      expect(existsSync(join(folder, 'output.thumb.jpg'))).toBe(false);
    }
    expect(result.stdout).toMatch(/cost {9}estimated 16\.2 CNY, billed 16\.2 CNY/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toContain(
      `studio: http://127.0.0.1:${studio}/runs/${id}`,
    );
  }, 180_000);
});
