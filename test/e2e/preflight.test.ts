// Media preflight over real HTTP with real files: every rule at its edge, before any paid call.
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIMULATOR_JOB_OPTIONS } from '../../src/config/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateJob } from '../../src/activities/validate';
import { InvalidRequestError } from '../../src/wan/validation';
import { DEFAULT_PRICES } from '../../src/config/prices';
import { FileSystemStore } from '../../src/storage/fs-store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFileServer, type FileServer } from '../harness/file-server';
import { makeAudio, makeImage, makeVideo } from '../harness/media';

let files: FileServer;
beforeAll(async () => {
  files = await startFileServer();
});
afterAll(() => files?.close());

const i2v = (media: { type: string; url: string }[], duration = 5) => ({
  model: 'wan2.7-i2v',
  input: { prompt: 'p', media },
  parameters: { resolution: '720P', duration },
});
const store = new FileSystemStore(mkdtempSync(join(tmpdir(), 'wanflow-preflight-')));
const validate = (request: unknown) =>
  validateJob(
    { route: 'modelstudio', region: 'cn-beijing', request },
    {
      prices: DEFAULT_PRICES,
      store,
      now: Date.now,
      minInputUrlLifetimeMs: 30 * 60_000,
      policy: SIMULATOR_JOB_OPTIONS,
      reconcilable: true,
      sources: { allowHosts: ['127.0.0.1'] },
    },
  );

async function problems(request: unknown) {
  const err = await validate(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) return [];
  expect(err).toBeInstanceOf(InvalidRequestError);
  return (err as InvalidRequestError).problems;
}

describe('media preflight', () => {
  it.each([
    ['a 480×640 PNG first frame', () => makeImage(480, 640), undefined],
    ['a 240×240 JPEG (both sides at the minimum)', () => makeImage(240, 240, 'jpg'), undefined],
    ['a 239×640 PNG (one side below 240)', () => makeImage(239, 640), /at least 240 px/],
    ['a 2000×240 PNG (aspect 8.3:1)', () => makeImage(2000, 240), /aspect ratio must be within 1:8 to 8:1/],
    ['a 1920×240 PNG (aspect exactly 8:1)', () => makeImage(1920, 240), undefined],
    ['a PNG with an alpha channel', () => makeImage(480, 640, 'png', true), /alpha channel/],
    ['a GIF', () => makeImage(480, 640, 'gif'), /image format must be one of jpeg, png, bmp, webp/],
  ])('first frame: %s', async (_name, make, message) => {
    const found = await problems(i2v([{ type: 'first_frame', url: files.serve(await make()) }]));
    if (!message) expect(found).toEqual([]);
    else {
      expect(found.map((p) => p.field)).toEqual(found.map(() => 'input.media.0.url'));
      expect(found.map((p) => p.message).join('; ')).toMatch(message);
    }
  });

  it.each([
    ['a 2 s clip, total 5 s', 2, 5, undefined],
    ['a 1 s clip (below 2 s)', 1, 5, /video must last at least 2 s/],
    ['a 3 s clip with a total of 3 s', 3, 3, /must be longer than the clip/],
  ])('continuation: %s', async (_name, clipSeconds, total, message) => {
    const url = files.serve(await makeVideo(640, 360, clipSeconds));
    const found = await problems(i2v([{ type: 'first_clip', url }], total));
    if (!message) expect(found).toEqual([]);
    else expect(found.map((p) => p.message).join('; ')).toMatch(message);
  });

  it.each([
    ['3 s WAV', 3, 'wav', undefined],
    ['2.5 s WAV (the stricter 3 s minimum)', 2.5, 'wav', /audio must last at least 3 s/],
    ['31 s MP3', 31, 'mp3', /audio must last at most 30 s/],
  ] as const)('driving audio: %s', async (_name, seconds, format, message) => {
    const frame = files.serve(await makeImage(640, 480));
    const audio = files.serve(await makeAudio(seconds, format));
    const found = await problems(
      i2v([
        { type: 'first_frame', url: frame },
        { type: 'driving_audio', url: audio },
      ]),
    );
    if (!message) expect(found).toEqual([]);
    else {
      expect(found).toMatchObject([{ field: 'input.media.1.url' }]);
      expect(found[0]!.value as number).toBeCloseTo(seconds, 1);
      expect(found[0]!.message).toMatch(message);
    }
  });

  it('a source the provider could not fetch is caught here, with the URL query redacted', async () => {
    const url =
      files.serve('/nonexistent/file.png').replace('file.png', 'missing.png') + '?X-Amz-Signature=secret';
    const found = await problems(i2v([{ type: 'first_frame', url }]));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/is not fetched: it answered HTTP 404/);
    expect(JSON.stringify(found)).not.toContain('secret');
  });

  it('records what it found for each source', async () => {
    const job = await validate(
      i2v([{ type: 'first_frame', url: files.serve(await makeImage(640, 480, 'jpg')) }]),
    );
    expect(job.sourceAssets).toMatchObject([
      { role: 'first_frame', facts: { format: 'jpeg', width: 640, height: 480, hasAlpha: false } },
    ]);
  });

  it.each([
    [
      'a loopback host that is not allow-listed',
      () => files.serve('/x.png').replace('127.0.0.1', 'localhost'),
      /private, loopback/,
    ],
    [
      'the cloud metadata address',
      () => 'http://169.254.169.254/latest/meta-data/x.png',
      /private, loopback or link-local/,
    ],
    ['a private network address', () => 'http://10.1.2.3/frame.png', /private, loopback/],
    ['an IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]:9/frame.png', /private, loopback/],
    ['credentials in the URL', () => 'http://user:pass@example.com/frame.png', /credentials/],
    ['a redirect, even from an allowed host', () => redirectUrl, /redirects \(HTTP 302\)/],
  ])('%s is refused before anything is fetched from it', async (_name, url, message) => {
    const found = await problems(i2v([{ type: 'first_frame', url: url() }]));
    expect(found).toMatchObject([{ field: 'input.media.0.url' }]);
    expect(found[0]!.message).toMatch(message);
  });

  it('an asset key that walks out of the store is refused by field, also when a start skipped the client', async () => {
    const found = await problems(i2v([{ type: 'first_frame', url: 'asset://../../etc/passwd' }]));
    expect(found).toEqual([
      expect.objectContaining({ field: 'input.media.0.url', message: expect.stringMatching(/segment/) }),
    ]);
  });

  it('reads an image given inline as a data: URI (the image models accept them)', async () => {
    const png = readFileSync(await makeImage(320, 240));
    const job = await validate({
      model: 'wan2.7-image',
      input: {
        messages: [
          {
            role: 'user',
            content: [{ image: `data:image/png;base64,${png.toString('base64')}` }, { text: 'restyle' }],
          },
        ],
      },
    });
    expect(job.sourceAssets[0]).toMatchObject({ facts: { width: 320, height: 240 } });
  });
});

describe('inputs that name further resources (server-side request forgery through media)', () => {
  // A service on the worker's own network that no input may reach, directly or by redirect.
  let canary: Server;
  let canaryHits = 0;
  let canaryUrl = '';
  beforeAll(async () => {
    canary = createServer((_req, res) => {
      canaryHits += 1;
      res.writeHead(200, { 'Content-Type': 'video/mp2t' }).end('x');
    });
    // Another loopback address, not on the test's allow-list (127.0.0.1 is): only a playlist's reader
    // would go there. (By address: the static ffprobe build crashes resolving names.)
    await new Promise<void>((r) => canary.listen(0, '127.0.0.2', r));
    canaryUrl = `http://127.0.0.2:${(canary.address() as AddressInfo).port}`;
  });
  afterAll(() => canary?.close());

  const hls = () =>
    ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-VERSION:3', '#EXT-X-MEDIA-SEQUENCE:0']
      .concat([`${canaryUrl}/a.ts`, `${redirectTo(canaryUrl)}/b.ts`].flatMap((u) => ['#EXTINF:2.0,', u]))
      .concat('#EXT-X-ENDLIST')
      .join('\n');
  const dash = () =>
    `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"><Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="1000" width="640" height="360"><BaseURL>${canaryUrl}/v.mp4</BaseURL></Representation></AdaptationSet></Period></MPD>`;

  it.each([
    ['an HLS playlist as an i2v first frame', hls, 'frame.m3u8', 'first_frame'],
    ['an HLS playlist as a first clip', hls, 'clip.m3u8', 'first_clip'],
    ['an HLS playlist named like an MP4', hls, 'clip.mp4', 'first_clip'],
    ['a DASH manifest as a first clip', dash, 'clip.mpd', 'first_clip'],
  ])('%s: refused by field, the canary never contacted', async (_name, body, name, role) => {
    const file = join(mkdtempSync(join(tmpdir(), 'wanflow-playlist-')), name);
    writeFileSync(file, body());
    const found = await problems(i2v([{ type: role, url: files.serve(file) }]));
    expect(canaryHits).toBe(0);
    expect(found).toMatchObject([{ field: 'input.media.0.url' }]);
    expect(found[0]!.message).toMatch(/playlist or manifest/);
  });

  it('a stored asset that is a playlist is not followed either (the store is trusted, its bytes are not)', async () => {
    const key = 'inputs/playlist/clip.mp4';
    await store.put(key, Readable.from([Buffer.from(hls())]), 'video/mp4');
    const found = await problems(i2v([{ type: 'first_clip', url: `asset://${key}` }]));
    expect(found).toMatchObject([{ field: 'input.media.0.url', message: /could not be read as video/ }]);
    expect(canaryHits).toBe(0);
  });

  it('a file past its limit is refused by field and limit, without reading past the limit', async () => {
    const big = join(mkdtempSync(join(tmpdir(), 'wanflow-big-')), 'big.png');
    writeFileSync(big, Buffer.alloc(21 * 2 ** 20, 1));
    const found = await problems(i2v([{ type: 'first_frame', url: files.serve(big) }]));
    expect(found).toEqual([
      {
        field: 'input.media.0.url',
        value: `${21 * 2 ** 20} bytes`,
        message: 'is not fetched: file is larger than 20 MB',
      },
    ]);
  });
});

/** A URL on an allowed host that redirects every path to `target`. */
function redirectTo(target: string): string {
  return `${redirectUrl.replace('/frame.png', '')}/to/${encodeURIComponent(target)}`;
}

let redirectUrl = '';
let redirector: Server | undefined;
beforeAll(async () => {
  redirector = createServer((req, res) => {
    const to = /^\/to\/([^/]+)(\/.*)$/.exec(req.url ?? '');
    res
      .writeHead(302, { Location: to ? decodeURIComponent(to[1]!) + to[2]! : 'http://169.254.169.254/' })
      .end();
  });
  await new Promise<void>((r) => redirector!.listen(0, '127.0.0.1', r));
  redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/frame.png`;
});
afterAll(() => redirector?.close());
