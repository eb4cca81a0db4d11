/// <reference lib="dom" />
// The studio in a real browser (Debian's Chromium, headless, through playwright-core) against real
// servers: a stored four-stage pipeline shows four thumbnails that load and four videos that play, with
// costs and timings; a running one updates without a reload; cancel from the page cancels it; a prompt
// holding <script> is shown as text; a job started from the page and a stage run again with a new seed,
// each once however often it is sent; a campaign's grid and counters. Then the guards, without a browser.
// Screenshots of each page go to test-output/studio/.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useJobStack } from '../harness/stack';
import { fourStageSpec } from '../harness/pipelines';
import { launchChromium, screenshotDir, screenshotPath } from '../harness/browser';
import { startPromptCampaign } from '../harness/campaigns';
import { getPipelineState, startPipeline, waitForPipeline } from '../../src/client/pipelines';
import { getCampaignState, waitForCampaign } from '../../src/client/campaigns';
import { serveStudio, StudioTokenMissingError, type StudioServer } from '../../src/studio/server';

// Legible media, cached in this file's own folder (one file per prompt, removed with it).
const mediaDir = mkdtempSync(join(tmpdir(), 'wanflow-studio-media-'));
const stack = useJobStack('studio', { legible: true, cacheDir: mediaDir });
const shots = screenshotDir('studio');
let studio: StudioServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  studio = await serveStudio({
    client: stack.h.client,
    config: stack.h.config,
    store: stack.h.store,
    host: '127.0.0.1',
    port: 0,
  });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await studio?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});
beforeEach(async () => {
  stack.servers.simulator.reset();
  await page?.close();
  page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
});

const XSS_PROMPT = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> a lighthouse';

describe('the studio in a browser', () => {
  it('a stored four-stage pipeline: four thumbnails that load, four videos that play, costs, timings, the prompt as text', async () => {
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: fourStageSpec(XSS_PROMPT),
      key: 'studio-four',
    });
    expect((await waitForPipeline(stack.h.client, pipelineId)).status).toBe('stored');

    await page.goto(`${studio.url}runs/${pipelineId}`);
    const videos = page.locator('video');
    await expect.poll(() => videos.count()).toBe(4);
    // Each clip's thumbnail is its poster: a JPEG 320 px wide that the browser decodes.
    const posters = await videos.evaluateAll((vs) =>
      Promise.all(
        vs.map(async (v) => {
          const res = await fetch((v as HTMLVideoElement).poster);
          const still = await createImageBitmap(await res.blob());
          return [res.headers.get('content-type'), still.width];
        }),
      ),
    );
    expect(posters).toEqual(Array(4).fill(['image/jpeg', 320]));
    // Each contact sheet loaded: four frames of 240 px side by side.
    const sheets = page.locator('img.sheet');
    await expect
      .poll(() => sheets.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)))
      .toEqual([960, 960, 960, 960]);
    // Every video plays: its time moves.
    const played = await videos.evaluateAll((vs) =>
      Promise.all(
        vs.map(async (el) => {
          const v = el as HTMLVideoElement;
          v.muted = true;
          await v.play();
          const until = Date.now() + 10_000;
          while (v.currentTime < 0.3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
          v.pause();
          return v.currentTime;
        }),
      ),
    );
    expect(played.every((t) => t >= 0.3)).toBe(true);
    // The prompt is text: shown with its markup, never run.
    await expect.poll(() => page.locator('#stage-explore .prompt').textContent()).toContain('<script>');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // Facts: cost estimated and billed, timings, the task.
    const facts = await page.locator('#stage-explore .facts').allTextContents();
    expect(facts.join('\n')).toMatch(/estimated 1\.20 CNY · billed 1\.20 CNY/);
    // Each stage says what its model does there, in the registry's words.
    expect(facts[0]).toContain('wan2.7-t2v · text to video');
    expect(await page.locator('#stage-finish > .facts').textContent()).toContain(
      'wan2.7-videoedit · a video edited',
    );
    expect(facts.join('\n')).toMatch(/submit \d+\.\d s · queue \d+\.\d s · run \d+\.\d s · in all \d+\.\d s/);
    expect(await page.locator('#head').textContent()).toContain('billed 9.60 CNY');
    await page.screenshot({ path: screenshotPath(shots, 'pipeline-stored'), fullPage: true });

    // The runs list has it, newest first, and its filters keep or drop it.
    await page.goto(studio.url);
    const row = page.locator(`tr.run[data-id="${pipelineId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    // Its row shows the last stage's thumbnail.
    await expect
      .poll(() => row.locator('img.thumb').evaluate((i) => (i as HTMLImageElement).naturalWidth))
      .toBe(320);
    await page.screenshot({ path: screenshotPath(shots, 'runs'), fullPage: true });
    await page.goto(`${studio.url}?kind=campaign`);
    expect(await page.locator(`tr.run[data-id="${pipelineId}"]`).count()).toBe(0);
  }, 120_000);

  it('a running pipeline updates without a reload', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 2000 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: fourStageSpec('a harbour at night'),
      key: 'studio-live',
    });
    await page.goto(`${studio.url}runs/${pipelineId}`);
    await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
    expect(await page.locator('#stage-finish').getAttribute('data-status')).not.toBe('stored');
    await page.screenshot({ path: screenshotPath(shots, 'pipeline-running'), fullPage: true });
    await page.locator('#stage-finish[data-status="stored"]').waitFor({ timeout: 90_000 });
    await expect.poll(() => page.locator('#run-state').textContent(), { timeout: 10_000 }).toBe('stored');
    // Still the page first loaded: the parts updated themselves.
    expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
    expect(await page.locator('img.sheet').count()).toBe(4);
  }, 120_000);

  it('cancel from the page cancels the pipeline: its running task is kept, the page says so', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 8000 });
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: fourStageSpec('a lighthouse to cancel'),
      key: 'studio-cancel',
    });
    await page.goto(`${studio.url}runs/${pipelineId}`);
    // Its first task RUNNING at the provider: a cancel now keeps it (paid) and starts nothing more.
    await expect
      .poll(
        async () =>
          (
            (await stack.h.client.workflow
              .getHandle(`wanflow-pipeline-${pipelineId}/explore`)
              .query('jobState')
              .catch(() => undefined)) as { providerStatus?: string } | undefined
          )?.providerStatus,
        { timeout: 30_000, interval: 100 },
      )
      .toBe('RUNNING');
    page.once('dialog', (d) => void d.accept());
    await page.locator('button.cancel').click();
    await expect.poll(() => page.locator('#action-result').textContent()).toContain('canceling');
    await expect
      .poll(() => page.locator('#run-state').textContent(), { timeout: 60_000, interval: 500 })
      .toBe('canceled');
    const record = await getPipelineState(stack.h.client, pipelineId);
    expect(record.status).toBe('canceled');
    expect(record.stages.explore!.jobs[0]!.keptAfterCancel).toBe(true);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
    await page.locator('#stage-explore[data-status="stored"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#stage-explore .facts').allTextContents()).toContainEqual(
      expect.stringContaining('kept after cancel'),
    );
    expect(await page.locator('#stage-extend').getAttribute('data-status')).toBe('canceled');
    await page.screenshot({ path: screenshotPath(shots, 'pipeline-canceled'), fullPage: true });
  }, 120_000);

  it('start from the page: bad input refused naming the field before anything is paid; the form sent twice is one job; any text-to-video model', async () => {
    await page.goto(studio.url);
    await page.locator('#new-run summary').click();
    await page.locator('textarea[name="prompt"]').fill('a red kite over the dunes');
    await page.locator('input[name="duration"]').fill('99');
    await page.locator('button.start').click();
    await expect.poll(() => page.locator('#start-result').textContent()).toContain('parameters.duration');
    expect(stack.servers.simulator.stats().tasksCreated).toBe(0);
    // Fixed (on Wan 3.0 at 480P, offered from the registry), then sent twice at once (a double click):
    // one job, one task.
    await page.locator('input[name="duration"]').fill('2');
    await page.locator('select[name="model"]').selectOption('wan3.0-video');
    await page.locator('select[name="resolution"]').selectOption('480P');
    await page.locator('button.start').dblclick();
    await page.waitForURL(/\/runs\/studio-/);
    await page.locator('#job[data-status="stored"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('#job .prompt').textContent()).toBe('a red kite over the dunes');
    expect(await page.locator('#job').textContent()).toContain('wan3.0-video on modelstudio');
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
    await page.screenshot({ path: screenshotPath(shots, 'job-started'), fullPage: true });
  }, 120_000);

  it("a stage again with a new seed: its own job on the stage's inputs, started once however often it is pressed", async () => {
    const { pipelineId } = await startPipeline(stack.h.client, stack.h.config, {
      spec: fourStageSpec('a lighthouse, again'),
      key: 'studio-again',
    });
    expect((await waitForPipeline(stack.h.client, pipelineId)).status).toBe('stored');
    const before = stack.servers.simulator.stats().tasksCreated;
    await page.goto(`${studio.url}runs/${pipelineId}`);
    const again = page.locator('#stage-extend button.again');
    const seed = Number(/seed (\d+)/.exec((await again.textContent())!)![1]);
    // The same press sent three times (a retry, a double click): one job.
    const action = (await again.getAttribute('hx-post'))!;
    const answers = await page.evaluate(
      (url) =>
        Promise.all(
          [1, 2, 3].map(() =>
            fetch(url, { method: 'POST', headers: { 'X-Wanflow-Studio': '1' } }).then((r) => r.status),
          ),
        ),
      action,
    );
    expect(answers).toEqual([200, 200, 200]);
    await again.click();
    await page.waitForURL(new RegExp(`/runs/${pipelineId}-extend-seed-${seed}$`));
    await page.locator('#job[data-status="stored"]').waitFor({ timeout: 60_000 });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(before + 1);
    const task = stack.servers.simulator.tasks().at(-1)!;
    expect(task).toMatchObject({ model: 'wan2.7-i2v', seed });
    expect((await page.locator('#job .facts').allTextContents()).join('\n')).toContain(`seed ${seed}`);
  }, 120_000);

  it("a campaign's page: paused and resumed from it; progress, spend and a grid of its outputs", async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 2000 });
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-studio-campaign-'));
    const { campaignId } = await startPromptCampaign(stack.h, dir, { prefix: 'studio', rows: 4, window: 1 });
    await page.goto(`${studio.url}runs/${campaignId}`);
    await page.locator('button.pause').click();
    await expect
      .poll(() => page.locator('#action-result').textContent(), { timeout: 30_000 })
      .toContain('paused');
    await expect.poll(() => page.locator('#run-state').textContent(), { timeout: 10_000 }).toBe('paused');
    // Paused: the row running goes on, nothing new is admitted.
    const admitted = await getCampaignState(stack.h.client, stack.h.config, campaignId);
    await new Promise((r) => setTimeout(r, 4000));
    const later = await getCampaignState(stack.h.client, stack.h.config, campaignId);
    expect(later.counters.admitted).toBe(admitted.counters.admitted);
    expect(later.counters.admitted).toBeLessThan(4);
    await page.screenshot({ path: screenshotPath(shots, 'campaign-paused'), fullPage: true });
    await page.locator('button.resume').click();
    await expect
      .poll(() => page.locator('#action-result').textContent(), { timeout: 30_000 })
      .toContain('admitted again');
    // Twice in CI (files beside it busy) the campaign was not done in 120 s, then 300 s; alone it takes
    // ~20 s. Bounded, so that a run that stalls says where.
    await expect
      .poll(() => getCampaignState(stack.h.client, stack.h.config, campaignId), {
        timeout: 180_000,
        interval: 1000,
      })
      .toMatchObject({ status: 'completed' });
    expect((await waitForCampaign(stack.h.client, campaignId)).status).toBe('completed');
    await page.goto(`${studio.url}runs/${campaignId}`);
    expect(await page.locator('#counters').textContent()).toMatch(/4 of 4 done · stored 4/);
    const grid = page.locator('#grid img');
    await expect
      .poll(() => grid.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)))
      .toEqual([true, true, true, true]);
    await page.screenshot({ path: screenshotPath(shots, 'campaign'), fullPage: true });
    // Four rows one after another, each a slowed task: ~40 s alone, and past 120 s once in CI with the
    // files beside it busy.
  }, 300_000);
});

describe('the studio refuses', () => {
  it('media it did not sign, actions without its header, a foreign Host; beyond loopback without a token', async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(new URL(path, studio.url), { headers, redirect: 'manual' });
    expect((await get('media/pipelines/studio-four/jobs/x/output.mp4?sig=forged')).status).toBe(403);
    // A real link of a still: served (made on this first ask); its expiry moved later, its key changed, or
    // turned into a link for the output itself: refused.
    const html = await (await get('runs/studio-four')).text();
    const link = /poster="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    expect((await get(link.slice(1))).status).toBe(200);
    const exp = Number(/exp=(\d+)/.exec(link)![1]);
    expect((await get(link.slice(1).replace(`exp=${exp}`, `exp=${exp + 3600}`))).status).toBe(403);
    expect((await get(link.slice(1).replace('output.mp4', 'output.json'))).status).toBe(403);
    expect((await get(link.slice(1).replace('stills/thumb/', 'media/'))).status).toBe(403);
    expect((await get('media/..%2F..%2Fetc%2Fpasswd?sig=forged')).status).toBe(403);
    expect((await fetch(new URL('runs/studio-four/cancel', studio.url), { method: 'POST' })).status).toBe(
      403,
    );
    expect(await statusWithHost(studio.url, 'evil.example')).toBe(403);
    expect(await statusWithHost(studio.url, 'localhost')).toBe(200);
    await expect(serveStudio({ ...studioDeps(), host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(
      StudioTokenMissingError,
    );
  });

  it('with a token: nothing without it; once given as ?token=, a cookie carries it', async () => {
    const token = 'studio-test-token-0123456789abcdef';
    const guarded = await serveStudio({ ...studioDeps(), token, host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(guarded.url)).status).toBe(401);
      expect(
        (await fetch(`${guarded.url}?token=wrong-token-wrong-token-00`, { redirect: 'manual' })).status,
      ).toBe(401);
      const given = await fetch(`${guarded.url}?token=${token}`, { redirect: 'manual' });
      expect(given.status).toBe(302);
      expect(given.headers.get('location')).toBe('/');
      const cookie = given.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const page = await fetch(guarded.url, { headers: { cookie: cookie.split(';')[0]! } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('wanflow studio');
      expect((await fetch(guarded.url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

function studioDeps() {
  return { client: stack.h.client, config: stack.h.config, store: stack.h.store };
}

/** fetch() will not send another Host: a plain request, as a rebinding page's browser would send it. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
