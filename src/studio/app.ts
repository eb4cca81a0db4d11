// The studio's routes on hono: the runs list, a run's page and its live parts, actions (cancel, pause,
// resume) through the same client calls as the CLI, and stored media streamed from the user's store.
//
// Guards: outside loopback a token is required (a cookie set from `?token=` once, or a bearer header);
// on loopback the Host must be a loopback name (a page on another site cannot reach the studio by DNS
// rebinding); actions need htmx's header, which no cross-site form can send; media is served only under
// keys a page of this process signed, so no URL can read anything else from the store; pages forbid
// scripts other than the studio's own (CSP).
import { modelsServing } from '../wan/registry';
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { startJob } from '../client/jobs';
import type { WanflowConfig } from '../config/config';
import { cancelRun, RunNotFoundError } from '../client/runs';
import { cancelCampaign, changeCampaign } from '../client/campaigns';
import type { AssetStore } from '../storage/store';
import type { JobRecord, JobSummary, PipelineRecord } from '../shared/records';
import { WanflowError } from '../shared/errors';
import { listRuns, runDetail, type RunFilter } from './runs';
import { campaignHead, jobCard, pipelineHead, runPage, runsPage, stageCard, type PageContext } from './pages';
import { isVideoKey, StillMaker } from './stills';

export interface StudioOptions {
  client: Client;
  config: WanflowConfig;
  store: AssetStore;
  /** Required (by the caller) when the studio listens beyond loopback. */
  token?: string;
  /** Host names besides loopback that clients use (behind a proxy). */
  allowedHosts?: string[];
}

const COOKIE = 'wanflow_studio';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MANIFESTS_KEPT = 500;
const MEDIA_LINK_SECONDS = 3600;
const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  json: 'application/json',
};

export function studioApp(o: StudioOptions): Hono {
  const app = new Hono();
  // Media links are signed with a key of this process (a link from an earlier studio stops working) and
  // expire an hour after the page that holds them was made.
  const secret = randomBytes(32);
  // A link is signed for its route too: a still's link cannot be turned into one for the output itself.
  const sign = (route: string, key: string, expires: number) =>
    createHmac('sha256', secret).update(`${expires}\n${route}\n${key}`).digest('base64url');
  const manifests = new ManifestCache(o.store);
  const htmx = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'));
  const stills = new StillMaker(o.store);
  const signed = (route: string, key: string) => {
    const expires = Math.floor(Date.now() / 1000) + MEDIA_LINK_SECONDS;
    return `${route}/${key.split('/').map(encodeURIComponent).join('/')}?exp=${expires}&sig=${sign(route, key, expires)}`;
  };
  const ctx: PageContext = {
    media: (key) => signed('/media', key),
    // Stills of older versions' records were made when stored, under the same keys: found, not made.
    still: (key, kind) => (kind === 'sheet' && !isVideoKey(key) ? undefined : signed(`/stills/${kind}`, key)),
    manifest: (job) => manifests.get(job),
    newSeed: () => randomInt(0, 2 ** 31 - 1),
  };

  app.use('*', async (c, next) => {
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
    if (!o.token && !LOOPBACK_HOSTS.has(host) && !o.allowedHosts?.includes(host))
      return c.text(`host ${host} is not served: the studio answers on loopback only`, 403);
    if (o.token) {
      const given = c.req.query('token');
      if (given !== undefined && same(given, o.token)) {
        setCookie(c, COOKIE, o.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        return c.redirect(url.pathname + url.search);
      }
      const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      const presented = bearer ?? getCookie(c, COOKIE);
      if (!presented || !same(presented, o.token))
        return c.text('the studio needs its token: open it once with ?token=<WANFLOW_STUDIO_TOKEN>', 401);
    }
    if (c.req.method !== 'GET' && c.req.header('x-wanflow-studio') !== '1')
      return c.text('actions come from the studio page', 403);
    await next();
    c.res.headers.set(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
  });

  app.get('/static/htmx.min.js', (c) =>
    c.body(htmx, 200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'max-age=86400' }),
  );

  app.get('/', async (c) => {
    const filter = filterOf(c);
    const rows = await listRuns(o.client, filter, o.config.searchAttributes);
    return c.html(runsPage(rows, filter, randomBytes(9).toString('base64url')));
  });

  // A new job from the form: its key makes the job ID, so the same form sent again is the same job.
  app.post('/runs', async (c) => {
    const form = await c.req.parseBody();
    const key = String(form.key ?? '');
    const { jobId } = await startJob(o.client, o.config, {
      jobId: `studio-${key}`,
      request: {
        // A model the form did not offer is refused by validation, naming the field.
        model: String(form.model ?? modelsServing('text')[0]!.model.id),
        input: { prompt: String(form.prompt ?? '') },
        parameters: { resolution: String(form.resolution ?? ''), duration: Number(form.duration) },
      },
    });
    c.header('HX-Redirect', `/runs/${encodeURIComponent(jobId)}`);
    return c.text(`started ${jobId}`);
  });

  // A stage's request again, with the seed its button was rendered with, as a job of its own.
  app.post('/runs/:id/stages/:stage/again', async (c) => {
    const { id, stage } = c.req.param();
    const seed = Number(c.req.query('seed'));
    const d = await runDetail(o.client, o.config, id);
    const job =
      d.kind === 'pipeline' ? (d.record as PipelineRecord | undefined)?.stages[stage]?.jobs[0] : undefined;
    await manifests.load(job ? [job] : []);
    const request = job && manifests.get(job)?.request;
    if (!request) return c.text(`stage ${stage} of ${id} has no stored request to run again`, 404);
    const again = structuredClone(request) as { parameters?: Record<string, unknown> };
    again.parameters = { ...again.parameters, seed };
    const { jobId } = await startJob(o.client, o.config, {
      jobId: `${id}-${stage}-seed-${seed}`,
      request: again,
    });
    c.header('HX-Redirect', `/runs/${encodeURIComponent(jobId)}`);
    return c.text(`started ${jobId}`);
  });

  app.get('/runs/:id', async (c) => {
    const d = await runDetail(o.client, o.config, c.req.param('id'));
    await manifests.load(jobsOf(d));
    return c.html(runPage(d, ctx));
  });

  // A run's still for the runs list, asked for by each row's image on its own (the list stays fast): the
  // last stored stage's thumbnail, or the job's.
  app.get('/runs/:id/thumb', async (c) => {
    const d = await runDetail(o.client, o.config, c.req.param('id'));
    const outputs =
      d.kind === 'pipeline' && d.record
        ? (d.record as PipelineRecord).order
            .map((s) => (d.record as PipelineRecord).stages[s]!.jobs[0]?.outputs ?? [])
            .filter((o) => o.length)
            .at(-1)
        : d.kind === 'job'
          ? (d.record as JobRecord | undefined)?.outputs
          : undefined;
    const output = outputs?.[0];
    if (!output) return c.text('no still yet', 404);
    return c.redirect(ctx.still(output.key, 'thumb')!);
  });

  app.get('/runs/:id/head', async (c) => {
    const d = await runDetail(o.client, o.config, c.req.param('id'));
    if (d.kind === 'campaign') return c.html(campaignHead(d.id, d.state, d.running));
    if (d.kind === 'pipeline' && d.record) return c.html(pipelineHead(d.id, d.record as PipelineRecord));
    return c.text('no such part', 404);
  });

  app.get('/runs/:id/stages/:stage', async (c) => {
    const d = await runDetail(o.client, o.config, c.req.param('id'));
    const stage =
      d.kind === 'pipeline'
        ? (d.record as PipelineRecord | undefined)?.stages[c.req.param('stage')]
        : undefined;
    if (!stage) return c.text('no such stage', 404);
    await manifests.load(stage.jobs);
    return c.html(stageCard(d.id, c.req.param('stage'), stage, ctx));
  });

  app.get('/runs/:id/job', async (c) => {
    const d = await runDetail(o.client, o.config, c.req.param('id'));
    if (d.kind !== 'job' || !d.record) return c.text('no such job', 404);
    return c.html(jobCard(d.id, d.record as JobRecord, ctx));
  });

  app.post('/runs/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const d = await runDetail(o.client, o.config, id);
    if (d.kind === 'campaign') await cancelCampaign(o.client, id);
    else await cancelRun(o.client, id);
    return c.text('canceling: tasks not yet running are canceled free; running ones are kept and stored');
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const)
    app.post(`/runs/:id/${action}`, async (c) => {
      const state = await changeCampaign(o.client, c.req.param('id'), { paused });
      return c.text(
        `${state.status}: ${paused ? 'nothing new is admitted; running rows go on' : 'rows are admitted again'}`,
      );
    });

  /** The key a signed link names, or the answer refusing it. */
  const linked = (c: Context, route: string): string | Response => {
    const key = decodeURIComponent(c.req.path.slice(route.length + 1));
    const expires = Number(c.req.query('exp'));
    if (!Number.isSafeInteger(expires) || !same(c.req.query('sig') ?? '', sign(route, key, expires)))
      return c.text('not a link the studio made', 403);
    if (expires * 1000 < Date.now())
      return c.text('this link has expired: reload the page for a new one', 410);
    return key;
  };

  // An output's still: made on the first ask (a page's poster, the runs list's image), then kept.
  app.get('/stills/:kind/*', async (c) => {
    const kind = c.req.param('kind');
    if (kind !== 'thumb' && kind !== 'sheet') return c.text('no such still', 404);
    const key = linked(c, `/stills/${kind}`);
    if (typeof key !== 'string') return key;
    const still = await stills.still(key, kind);
    if (!still) return c.text('no still could be made of this output', 404);
    return c.body(Readable.toWeb(await o.store.get(still)) as ReadableStream, 200, {
      'Content-Type': 'image/jpeg',
      'Cache-Control': 'private, max-age=3600',
    });
  });

  app.get('/media/*', async (c) => {
    const key = linked(c, '/media');
    if (typeof key !== 'string') return key;
    const body = await o.store.get(key);
    const ext = key.split('.').pop()?.toLowerCase() ?? '';
    return c.body(Readable.toWeb(body) as ReadableStream, 200, {
      'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': 'private, max-age=3600',
    });
  });

  app.onError((err, c) => {
    // htmx shows only successful answers: an action's error is answered as text for the page to show.
    if (c.req.header('hx-request') && err instanceof WanflowError)
      return c.html(html`<span class="error">${err.message}. ${err.remedy}</span>`);
    if (err instanceof RunNotFoundError) return c.text(err.message, 404);
    if (err instanceof WanflowError) return c.text(`${err.message}. ${err.remedy}`, 409);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as { code?: string }).code === 'NoSuchKey')
      return c.text('not in the store', 404);
    console.error(`studio: ${c.req.method} ${c.req.path}: ${(err as Error).message}`);
    return c.text('the studio could not answer; its log says why', 500);
  });
  return app;
}

function filterOf(c: Context): RunFilter {
  const q = (name: string) => c.req.query(name)?.trim() || undefined;
  const kind = q('kind');
  return {
    kind: kind === 'pipeline' || kind === 'job' || kind === 'campaign' ? kind : undefined,
    state: q('state'),
    labels: q('label') ? [q('label')!] : undefined,
    model: q('model'),
  };
}

function jobsOf(d: Awaited<ReturnType<typeof runDetail>>): JobSummary[] {
  if (d.kind !== 'pipeline' || !d.record) return [];
  const p = d.record as PipelineRecord;
  return p.order.flatMap((s) => p.stages[s]!.jobs);
}

/** Compares digests in constant time: neither a secret nor its length leaks. */
function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Job manifests (a stage's prompt and request) read from the store once: a stored job's manifest never
 * changes. The newest few hundred are kept.
 */
class ManifestCache {
  private readonly kept = new Map<string, JobRecord>();

  constructor(private readonly store: AssetStore) {}

  get(job: Pick<JobSummary, 'jobId' | 'manifestKey'>): JobRecord | undefined {
    return job.manifestKey ? this.kept.get(job.manifestKey) : undefined;
  }

  async load(jobs: Pick<JobSummary, 'manifestKey'>[]): Promise<void> {
    await Promise.all(
      jobs.map(async ({ manifestKey: key }) => {
        if (!key || this.kept.has(key)) return;
        try {
          const text = await new Response(Readable.toWeb(await this.store.get(key)) as ReadableStream).text();
          this.kept.set(key, JSON.parse(text) as JobRecord);
        } catch {
          return; // no manifest yet, or unreadable: the card shows the summary alone
        }
        if (this.kept.size > MANIFESTS_KEPT) this.kept.delete(this.kept.keys().next().value!);
      }),
    );
  }
}
